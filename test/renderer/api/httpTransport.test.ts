import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApi } from '../../../src/renderer/src/api/client';
import { ApiError, stripIpcPrefix } from '../../../src/renderer/src/api/errors';
import { createHttpTransport } from '../../../src/renderer/src/api/httpTransport';

const base = 'http://127.0.0.1:5555';

function answer(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

afterEach(() => vi.unstubAllGlobals());

describe('serve-mode transport', () => {
  it('posts the parameters as a JSON array with the bearer token and returns the result', async () => {
    const fetch = vi.fn(async () => answer(200, { result: { id: 7, name: 'Ada' } }));
    vi.stubGlobal('fetch', fetch);
    const api = createApi(createHttpTransport('secret', base));
    await expect(api['album.create']({ name: 'Ada' })).resolves.toEqual({ id: 7, name: 'Ada' });
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe(`${base}/api/call/album.create`);
    expect(init.method).toBe('POST');
    expect((init.headers as Record<string, string>).Authorization).toBe('Bearer secret');
    expect(JSON.parse(init.body as string)).toEqual([{ name: 'Ada' }]);
  });

  it("turns the server's error body into an ApiError with its message and code", async () => {
    vi.stubGlobal('fetch', async () => answer(409, { error: { message: '/tmp/x is not a Rig Studio project (no project.sqlite)', code: 'conflict' } }));
    const api = createApi(createHttpTransport('secret', base));
    const error = await api['project.open']({ dir: '/tmp/x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).message).toBe('/tmp/x is not a Rig Studio project (no project.sqlite)');
    expect((error as ApiError).code).toBe('conflict');
    expect((error as ApiError).status).toBe(409);
  });

  it('explains a refused token and an unreachable server in words', async () => {
    vi.stubGlobal('fetch', async () => new Response('', { status: 401 }));
    const api = createApi(createHttpTransport(null, base));
    await expect(api['album.list']()).rejects.toThrow(/access token/);
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch');
    });
    await expect(api['album.list']()).rejects.toThrow(/Cannot reach the Rig Studio server/);
  });

  it('puts the token on image URLs, which cannot carry headers', () => {
    const transport = createHttpTransport('a b', base);
    expect(transport.blobUrl('ab12', 'thumb')).toBe('/blob/ab12/thumb?token=a%20b');
    expect(transport.blobUrl('ab12', 'original')).toBe('/blob/ab12?token=a%20b');
  });

  it('uploads files with their names and one batch id, and returns the staged paths in order', async () => {
    const seen: string[] = [];
    vi.stubGlobal('fetch', async (url: string) => {
      const u = new URL(url);
      seen.push(`${u.searchParams.get('name')}@${u.searchParams.get('batch')}`);
      return answer(200, { path: `/staged/${u.searchParams.get('name')}` });
    });
    const transport = createHttpTransport('t', base);
    const files = ['a.jpg', 'b.png', 'c.webp', 'd.tif'].map((n) => new File([new Uint8Array(3)], n));
    const progress: number[] = [];
    const paths = await transport.stageFiles(files, (p) => progress.push(p.done));
    expect(paths).toEqual(['/staged/a.jpg', '/staged/b.png', '/staged/c.webp', '/staged/d.tif']);
    expect(new Set(seen.map((s) => s.split('@')[1])).size).toBe(1);
    expect(progress.at(-1)).toBe(4);
  });
});

describe('Electron error messages', () => {
  it('drops the IPC wrapper from the message', () => {
    expect(stripIpcPrefix("Error invoking remote method 'project.open': Error: not a project")).toBe('not a project');
    expect(stripIpcPrefix('plain message')).toBe('plain message');
  });
});
