import { BrowserWindow, dialog, ipcMain } from 'electron';
import { type ApiHandlers, type IpcReply, ipcChannels, type PickPathsOptions } from '../../common/contract';
import { dispatch } from '../api/dispatch';
import { describeError } from '../core/errors';
import type { Backend } from '../app/backend';

/**
 * The Electron transport: the same `dispatch` as serve mode (schema-validated, same
 * handlers), answered over IPC; backend events are forwarded to every window.
 * Returns a function that removes the handlers.
 */
export function registerIpc(backend: Backend, handlers: ApiHandlers): () => void {
  ipcMain.handle(ipcChannels.call, async (_event, channel: unknown, params: unknown): Promise<IpcReply> => {
    try {
      if (typeof channel !== 'string') throw new Error('channel must be a string');
      return { ok: true, result: await dispatch(handlers, channel, params) };
    } catch (e) {
      return { ok: false, error: describeError(e) };
    }
  });

  ipcMain.handle(ipcChannels.pickPaths, async (event, options: PickPathsOptions = {}) => {
    const owner = BrowserWindow.fromWebContents(event.sender);
    const kind = options.kind ?? (options.directories ? 'folders' : 'files');
    const properties: ('openFile' | 'openDirectory' | 'multiSelections')[] =
      kind === 'any' ? ['openFile', 'openDirectory'] : [kind === 'folders' ? 'openDirectory' : 'openFile'];
    if (options.multiple !== false) properties.push('multiSelections');
    const filters =
      kind === 'files' && options.imagesOnly !== false
        ? [{ name: 'Images', extensions: ['jpg', 'jpeg', 'png', 'webp', 'tif', 'tiff', 'avif'] }, { name: 'All files', extensions: ['*'] }]
        : undefined;
    const dialogOptions = { title: options.title, properties, filters };
    const picked = owner ? await dialog.showOpenDialog(owner, dialogOptions) : await dialog.showOpenDialog(dialogOptions);
    return picked.canceled ? [] : picked.filePaths;
  });

  const unsubscribe = backend.events.on((name, payload) => {
    for (const win of BrowserWindow.getAllWindows()) {
      if (!win.isDestroyed()) win.webContents.send(ipcChannels.event, { name, payload });
    }
  });

  return () => {
    unsubscribe();
    ipcMain.removeHandler(ipcChannels.call);
    ipcMain.removeHandler(ipcChannels.pickPaths);
  };
}
