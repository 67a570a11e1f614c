/**
 * The desktop shell. Process model: the backend services (SQLite, job runner, library, IPC)
 * run in the Electron main process because they are I/O-bound and answer in milliseconds.
 * Nothing heavy may run there: onnxruntime-node's `session.run` (and session creation) is
 * synchronous on the calling JS thread, so every onnxruntime session of the app lives in the
 * compute host, a worker thread (out/main/engine.js, see src/main/engine/host.ts, which says
 * why a worker and not a utilityProcess), and the other CPU-heavy job steps (hashing,
 * decoding, FLAME rendering) run in the job worker threads (out/main/worker.js, see
 * src/main/jobs/worker.ts). The same code path serves `rig-studio serve` and the CLI.
 */
import { app, BrowserWindow } from 'electron';
import { createHandlers } from '../api/handlers';
import { Backend } from '../app/backend';
import { bundlePaths } from '../app/bundlePaths';
import { openDemo } from '../app/demo';
import { Project } from '../library/project';
import { registerIpc } from './ipc';
import { appOrigin, handleAppScheme, registerAppScheme } from './protocol';

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'Rig Studio',
    webPreferences: { preload: bundlePaths().preload, contextIsolation: true, sandbox: false, nodeIntegration: false },
  });
  // `electron-vite dev` serves the renderer itself (hot reload); the built app uses rig://app/.
  const devUrl = process.env.ELECTRON_RENDERER_URL;
  void win.loadURL(devUrl ?? `${appOrigin}/index.html`);
  return win;
}

/** The project folder given on the command line, if any (`rig-studio-app DIR`). */
function projectArgument(argv: string[]): string | undefined {
  return argv.slice(app.isPackaged ? 1 : 2).find((a) => !a.startsWith('-') && Project.isProject(a));
}

/** Starts the desktop app: backend, IPC, the rig:// scheme, one window; the demo when no project is given. */
export function startElectronApp(): void {
  registerAppScheme();
  let backend: Backend | null = null;
  let quitting = false;

  void app.whenReady().then(async () => {
    backend = new Backend({ mode: 'electron' });
    registerIpc(backend, createHandlers(backend));
    handleAppScheme(backend, bundlePaths().renderer);
    const dir = projectArgument(process.argv);
    try {
      if (dir) await backend.open(dir);
      else await openDemo(backend);
    } catch (e) {
      // The UI shows the start screen and can open something else.
      console.error(`rig-studio: could not open ${dir ?? 'the demo project'}: ${(e as Error).message}`);
    }
    createWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createWindow();
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  // Close the project properly first: running jobs are left 'interrupted', resumable.
  app.on('before-quit', (event) => {
    if (quitting || !backend) return;
    event.preventDefault();
    quitting = true;
    void backend.close().finally(() => app.quit());
  });
}
