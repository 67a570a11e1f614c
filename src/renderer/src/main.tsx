import { createRoot } from 'react-dom/client';

createRoot(document.getElementById('root')!).render(<h1>Rig Studio</h1>);
