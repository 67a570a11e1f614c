import { describe, expect, it } from 'vitest';
import type { AnyEvent } from '../../../src/common/contract';
import { createApi } from '../../../src/renderer/src/api/client';
import { createElectronTransport, type RigStudioBridge } from '../../../src/renderer/src/api/electronTransport';
import { ApiError } from '../../../src/renderer/src/api/errors';

function fakeBridge(answer: (channel: string, params: unknown[]) => unknown) {
  const listeners = new Set<(event: AnyEvent) => void>();
  const bridge = {
    call: async (channel: string, params: unknown[]) => answer(channel, params),
    on: (listener: (event: AnyEvent) => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    pickPaths: async () => ['/photos'],
    pathForFile: (file: File) => (file.name === 'nopath.jpg' ? '' : `/disk/${file.name}`),
  } as unknown as RigStudioBridge;
  return { bridge, emit: (event: AnyEvent) => listeners.forEach((l) => l(event)) };
}

describe('Electron transport', () => {
  it('calls channels through the bridge with the parameter tuple', async () => {
    const { bridge } = fakeBridge((channel, params) => ({ channel, params }));
    const api = createApi(createElectronTransport(bridge));
    await expect(api['photo.get']({ photoId: 3 })).resolves.toEqual({ channel: 'photo.get', params: [{ photoId: 3 }] });
  });

  it('keeps the backend message and code of a rejected call', async () => {
    const { bridge } = fakeBridge(() => {
      throw Object.assign(new Error('no project is open'), { code: 'no-project' });
    });
    const error = await createApi(createElectronTransport(bridge))['album.list']().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).message).toBe('no project is open');
    expect((error as ApiError).code).toBe('no-project');
  });

  it('delivers events and resolves dropped files to their paths without uploading', async () => {
    const { bridge, emit } = fakeBridge(() => null);
    const transport = createElectronTransport(bridge);
    const seen: string[] = [];
    const off = transport.subscribe((e) => seen.push(e.name));
    emit({ name: 'library.changed', payload: { albumId: 1 } });
    off();
    emit({ name: 'library.changed', payload: { albumId: 1 } });
    expect(seen).toEqual(['library.changed']);
    await expect(transport.stageFiles([new File([], 'a.jpg')])).resolves.toEqual(['/disk/a.jpg']);
    await expect(transport.stageFiles([new File([], 'nopath.jpg')])).rejects.toThrow(/nopath\.jpg/);
    expect(transport.blobUrl('ab', 'thumb')).toBe('/blob/ab/thumb');
  });
});
