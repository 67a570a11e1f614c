import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connectBackend } from './api';
import { App } from './app/App';
import { BackendProvider } from './providers/BackendProvider';
import { NoticesProvider } from './providers/NoticesProvider';
import './styles/app.css';

const backend = connectBackend();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <BackendProvider backend={backend}>
      <NoticesProvider>
        <App />
      </NoticesProvider>
    </BackendProvider>
  </StrictMode>,
);
