import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { contract, type ApiHandlers, type ChannelName } from '../../../src/common/contract';
import { dispatch } from '../../../src/main/api/dispatch';
import { createHandlers, type BackendHandlers } from '../../../src/main/api/handlers';
import { Backend } from '../../../src/main/app/backend';
import { tempDir } from '../library/fixtures';

// Compile-time proof (tsc checks this file via tsconfig.node.json): the handlers object has
// exactly the contract's channels. A missing or extra channel makes one of these `true`s an error.
type Equal<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const everyChannelHasAHandler: Equal<keyof BackendHandlers, ChannelName> = true;
const handlersAreApiHandlers: BackendHandlers extends ApiHandlers ? true : false = true;

const tmp = tempDir();
const backend = new Backend({ mode: 'serve', dataDir: join(tmp.dir, 'data'), workerScript: 'inline' });
afterAll(async () => {
  await backend.close();
  tmp.cleanup();
});

describe('contract', () => {
  it('has a handler for every channel and nothing else (run time too)', () => {
    expect(everyChannelHasAHandler && handlersAreApiHandlers).toBe(true);
    expect(Object.keys(createHandlers(backend)).sort()).toEqual(Object.keys(contract).sort());
  });

  it('validates before any handler runs', async () => {
    let called = false;
    const spy = { ...createHandlers(backend), 'album.create': () => ((called = true), undefined as never) };
    await expect(dispatch(spy, 'album.create', [{ name: 42 }])).rejects.toMatchObject({ code: 'invalid-params' });
    await expect(dispatch(spy, 'album.create', 'not an array')).rejects.toMatchObject({ code: 'invalid-params' });
    await expect(dispatch(spy, 'toString', [])).rejects.toMatchObject({ code: 'no-such-channel' });
    expect(called).toBe(false);
  });

  it('applies schema defaults (job.list limit)', async () => {
    await dispatch(createHandlers(backend), 'project.create', [{ dir: join(tmp.dir, 'p'), name: 'P' }]);
    await expect(dispatch(createHandlers(backend), 'job.list', [{}])).resolves.toEqual([]);
  });

  it('opens the demo project with its Demo album, and reopens it without duplicating', async () => {
    const handlers = createHandlers(backend);
    const first = (await dispatch(handlers, 'project.openDemo', [])) as { dir: string; name: string };
    expect(first).toMatchObject({ name: 'Rig Studio demo', dir: join(tmp.dir, 'data', 'demo') });
    await dispatch(handlers, 'project.close', []);
    await dispatch(handlers, 'project.openDemo', []);
    expect((await dispatch(handlers, 'album.list', [])) as { name: string }[]).toMatchObject([{ name: 'Demo' }]);
    const recent = (await dispatch(handlers, 'project.recent', [])) as { dir: string; available: boolean }[];
    expect(recent[0]).toMatchObject({ dir: first.dir, available: true });
  });
});
