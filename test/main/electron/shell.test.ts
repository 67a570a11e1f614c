import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { dataDirEnv } from '../../../src/main/settings/dataDir';
import { tempDir } from '../library/fixtures';

// The desktop shell with a stand-in electron module (CI has no Electron binary): it must open
// the demo project, load the page from rig://app/, answer that scheme like serve mode answers
// GET (renderer files and blobs, nothing outside), and close the backend before quitting.
const tmp = tempDir();
process.env[dataDirEnv] = join(tmp.dir, 'data');
afterAll(() => tmp.cleanup());

const state = {
  ready: undefined as undefined | (() => void),
  appHandlers: new Map<string, (...a: unknown[]) => void>(),
  schemeHandler: undefined as undefined | ((request: { url: string }) => Promise<Response>),
  loaded: [] as string[],
  quits: 0,
};
vi.mock('electron', () => {
  class BrowserWindow {
    static all: BrowserWindow[] = [];
    static getAllWindows = () => BrowserWindow.all;
    static fromWebContents = () => null;
    webContents = { send: () => undefined };
    constructor() {
      BrowserWindow.all.push(this);
    }
    isDestroyed = () => false;
    loadURL = async (url: string) => void state.loaded.push(url);
  }
  return {
    app: {
      isPackaged: false,
      whenReady: () => new Promise<void>((resolve) => (state.ready = resolve)),
      on: (name: string, fn: (...a: unknown[]) => void) => state.appHandlers.set(name, fn),
      quit: () => void state.quits++,
    },
    BrowserWindow,
    ipcMain: { handle: () => undefined, removeHandler: () => undefined },
    dialog: {},
    protocol: {
      registerSchemesAsPrivileged: () => undefined,
      handle: (_scheme: string, fn: (request: { url: string }) => Promise<Response>) => (state.schemeHandler = fn),
    },
    net: { fetch: async (url: string) => new Response(readFileSync(fileURLToPath(url))) },
  };
});

describe('Electron shell', () => {
  it('starts on the demo project, serves rig://app/ strictly, and closes cleanly on quit', async () => {
    const { startElectronApp } = await import('../../../src/main/electron/main');
    startElectronApp();
    state.ready!();
    for (let i = 0; i < 200 && state.loaded.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(state.loaded).toEqual(['rig://app/index.html']);
    expect(readFileSync(join(tmp.dir, 'data', 'settings.json'), 'utf8')).toContain(join(tmp.dir, 'data', 'demo'));

    const get = (url: string) => state.schemeHandler!({ url });
    expect((await get('rig://app/../../package.json')).status).toBe(404);
    expect((await get('rig://app/%2e%2e/%2e%2e/package.json')).status).toBe(404);
    expect((await get('rig://app/blob/../project.sqlite')).status).toBe(404);
    expect((await get(`rig://app/blob/${'a'.repeat(64)}`)).status).toBe(404);
    expect((await get('rig://other/index.html')).status).toBe(404);

    const event = { preventDefault: vi.fn() };
    state.appHandlers.get('before-quit')!(event);
    expect(event.preventDefault).toHaveBeenCalled();
    for (let i = 0; i < 200 && state.quits === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(state.quits).toBe(1);
  });

  it('rig://app/ serves the renderer files and the open project\'s blobs and thumbnails', async () => {
    const { mkdirSync, writeFileSync } = await import('node:fs');
    const { handleAppScheme } = await import('../../../src/main/electron/protocol');
    const { Backend } = await import('../../../src/main/app/backend');
    const { writeImage } = await import('../library/fixtures');
    const renderer = join(tmp.dir, 'renderer');
    mkdirSync(join(renderer, 'assets'), { recursive: true });
    writeFileSync(join(renderer, 'index.html'), '<div id="root"></div>');
    writeFileSync(join(renderer, 'assets', 'app.js'), 'run()');
    const backend = new Backend({ mode: 'electron', dataDir: join(tmp.dir, 'data3'), workerScript: 'inline' });
    await backend.createProject(join(tmp.dir, 'shell-project'), 'S');
    const { library, jobs } = backend.require();
    const album = library.createAlbum('A');
    const bytes = await writeImage(join(tmp.dir, 'face.jpg'), { seed: 8 });
    await jobs.wait(jobs.start('import', { albumId: album.id, paths: [join(tmp.dir, 'face.jpg')] }).id);
    const hash = library.listPhotos(album.id, 0, 1).items[0].hash;
    handleAppScheme(backend, renderer);
    const get = (url: string) => state.schemeHandler!({ url });
    expect(await (await get('rig://app/')).text()).toBe('<div id="root"></div>');
    expect(await (await get('rig://app/assets/app.js')).text()).toBe('run()');
    expect(await (await get('rig://app/library/album/3')).text()).toBe('<div id="root"></div>');
    expect((await get('rig://app/assets/missing.js')).status).toBe(404);
    expect(Buffer.from(await (await get(`rig://app/blob/${hash}`)).arrayBuffer()).equals(bytes)).toBe(true);
    expect((await get(`rig://app/blob/${hash}/thumb`)).status).toBe(200);
    expect((await get(`rig://app/blob/${hash}/../../project.sqlite`)).status).toBe(404);
    await backend.close();
  });
});
