import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ipcChannels, type IpcReply } from '../../../src/common/contract';
import { tempDir } from '../library/fixtures';

// The Electron transport with a stand-in for the electron module (no Electron binary in CI):
// what matters is that IPC goes through the shared dispatch and events reach every window.
const handlers = new Map<string, (...args: unknown[]) => unknown>();
const sent: { channel: string; message: unknown }[] = [];
const dialogCalls: string[][] = [];
vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, fn: (...args: unknown[]) => unknown) => handlers.set(channel, fn),
    removeHandler: (channel: string) => handlers.delete(channel),
  },
  BrowserWindow: {
    getAllWindows: () => [{ isDestroyed: () => false, webContents: { send: (channel: string, message: unknown) => sent.push({ channel, message }) } }],
    fromWebContents: () => null,
  },
  dialog: {
    showOpenDialog: async (options: { properties: string[] }) => {
      dialogCalls.push(options.properties);
      return { canceled: false, filePaths: ['/picked/a.jpg'] };
    },
  },
}));

const { registerIpc } = await import('../../../src/main/electron/ipc');
const { createHandlers } = await import('../../../src/main/api/handlers');
const { Backend } = await import('../../../src/main/app/backend');

const tmp = tempDir();
const backend = new Backend({ mode: 'electron', dataDir: join(tmp.dir, 'data'), workerScript: 'inline' });
const unregister = registerIpc(backend, createHandlers(backend));
afterAll(async () => {
  unregister();
  await backend.close();
  tmp.cleanup();
});

const invoke = (channel: string, params: unknown) => handlers.get(ipcChannels.call)!({}, channel, params) as Promise<IpcReply>;

describe('Electron IPC adapter', () => {
  it('answers calls through the shared, validating dispatch', async () => {
    expect(await invoke('app.info', [])).toMatchObject({ ok: true, result: { mode: 'electron', dataDir: join(tmp.dir, 'data') } });
    expect(await invoke('album.create', [{ name: 7 }])).toMatchObject({ ok: false, error: { code: 'invalid-params' } });
    expect(await invoke('album.list', [])).toMatchObject({ ok: false, error: { code: 'no-project', message: 'no project is open; create or open one first' } });
    expect(await invoke('nope', [])).toMatchObject({ ok: false, error: { code: 'no-such-channel' } });
  });

  it('forwards backend events to the windows', async () => {
    await invoke('project.create', [{ dir: join(tmp.dir, 'p'), name: 'P' }]);
    const created = await invoke('album.create', [{ name: 'Alice' }]);
    expect(created).toMatchObject({ ok: true, result: { name: 'Alice' } });
    const albumId = (created as { result: { id: number } }).result.id;
    expect(sent).toContainEqual({ channel: ipcChannels.event, message: { name: 'library.changed', payload: { albumId } } });
  });

  it('offers the native file dialog', async () => {
    const pick = handlers.get(ipcChannels.pickPaths)!;
    expect(await pick({ sender: {} }, { kind: 'files', multiple: true })).toEqual(['/picked/a.jpg']);
    await pick({ sender: {} }, { kind: 'folders', multiple: false });
    await pick({ sender: {} }, { kind: 'any', multiple: true });
    expect(dialogCalls).toEqual([['openFile', 'multiSelections'], ['openDirectory'], ['openFile', 'openDirectory', 'multiSelections']]);
  });
});
