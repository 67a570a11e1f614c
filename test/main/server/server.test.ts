import { request } from 'node:http';
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createHandlers } from '../../../src/main/api/handlers';
import { Backend } from '../../../src/main/app/backend';
import { blobPath, projectPaths, thumbPath } from '../../../src/main/library/paths';
import { type RunningServer, startServer } from '../../../src/main/server/server';
import { makeImage, tempDir } from '../library/fixtures';

let server: RunningServer;
let backend: Backend;
const tmp = tempDir();
const rendererDir = join(tmp.dir, 'renderer');

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A raw request: the path is sent exactly as written (fetch would normalise `..`). */
function raw(method: string, path: string, options: { headers?: Record<string, string>; body?: Buffer | string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, method, path, headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const auth = () => ({ authorization: `Bearer ${server.token}` });
const json = { 'content-type': 'application/json' };
const octets = { 'content-type': 'application/octet-stream' };

async function call(channel: string, params: unknown[] = []): Promise<{ status: number; json: { result?: unknown; error?: { code: string; message: string } } }> {
  const r = await raw('POST', `/api/call/${channel}`, { headers: { ...auth(), 'content-type': 'application/json' }, body: JSON.stringify(params) });
  return { status: r.status, json: JSON.parse(r.body.toString()) };
}

beforeAll(async () => {
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Rig Studio</title>');
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(tmp.dir, 'secret.txt'), 'outside the renderer');
  backend = new Backend({ mode: 'serve', dataDir: join(tmp.dir, 'data'), workerScript: 'inline' });
  server = await startServer({ backend, handlers: createHandlers(backend), port: 0, rendererDir });
});
afterAll(async () => {
  await server.close();
  await backend.close();
  tmp.cleanup();
});

describe('serve mode security', () => {
  it('binds 127.0.0.1 and prints a URL with the real port and token', () => {
    expect(server.host).toBe('127.0.0.1');
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
    expect(server.token.length).toBeGreaterThanOrEqual(32);
  });

  it('refuses every request without the right token with 401', async () => {
    for (const [method, path] of [['GET', '/'], ['GET', '/assets/app.js'], ['POST', '/api/call/app.info'], ['GET', `/blob/${'a'.repeat(64)}`], ['POST', '/api/upload?name=a.jpg&batch=b']]) {
      expect((await raw(method, path)).status, `${method} ${path}`).toBe(401);
      expect((await raw(method, path, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
      expect((await raw(method, `${path}${path.includes('?') ? '&' : '?'}token=wrong`)).status).toBe(401);
    }
  });

  it('accepts the token as header, query (which sets a cookie) or that cookie', async () => {
    expect((await raw('GET', '/', { headers: auth() })).status).toBe(200);
    const viaQuery = await raw('GET', `/?token=${server.token}`);
    expect(viaQuery.status).toBe(200);
    expect(viaQuery.body.toString()).toContain('<title>Rig Studio</title>');
    const cookie = String(viaQuery.headers['set-cookie']).split(';')[0];
    expect(String(viaQuery.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict/);
    expect((await raw('GET', '/assets/app.js', { headers: { cookie } })).status).toBe(200);
  });

  it('answers 404 to paths that leave the renderer folder, however encoded', async () => {
    const attempts = ['/../secret.txt', '/assets/../../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/assets/..%2f..%2fsecret.txt', '/%2e%2e%2f%2e%2e%2fsecret.txt', '/..\\secret.txt', '/%00index.html', '/%E0%A4%A'];
    for (const path of attempts) {
      const r = await raw('GET', path, { headers: auth() });
      expect(r.status, path).toBe(404);
      expect(r.body.toString()).not.toContain('outside the renderer');
    }
  });

  it('sends no CORS headers, even to a cross-origin request', async () => {
    const r = await raw('POST', '/api/call/app.info', { headers: { ...auth(), ...json, origin: 'https://evil.example' }, body: '[]' });
    expect(r.status).toBe(403);
    expect(Object.keys(r.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
  });

  it('refuses foreign origins and unserved host names, with the token, and accepts its own origin', async () => {
    const own = `http://127.0.0.1:${server.port}`;
    expect((await raw('POST', '/api/call/app.info', { headers: { ...auth(), ...json, origin: own }, body: '[]' })).status).toBe(200);
    expect((await raw('POST', '/api/call/app.info', { headers: { ...auth(), ...json }, body: '[]' })).status).toBe(200);
    for (const origin of [`http://127.0.0.1:${server.port + 1}`, `http://localhost:${server.port}`, 'null', 'file://', `ws://127.0.0.1:${server.port}`]) {
      const r = await raw('POST', '/api/call/album.create', { headers: { ...auth(), ...json, origin }, body: '[{"name":"x"}]' });
      expect(r.status, origin).toBe(403);
      expect(JSON.parse(r.body.toString()).error.message).toContain('another origin');
    }
    // The same name with another port passes the Host check (an SSH tunnel to another local port).
    const tunnel = await raw('POST', '/api/call/app.info', { headers: { ...auth(), ...json, host: 'localhost:9000', origin: 'http://localhost:9000' }, body: '[]' });
    expect(tunnel.status).toBe(200);
    for (const host of ['evil.example', `evil.example:${server.port}`, '127.0.0.2', 'localhost.evil.example']) {
      const r = await raw('GET', '/index.html', { headers: { ...auth(), host } });
      expect(r.status, host).toBe(421);
      expect(r.headers['set-cookie']).toBeUndefined();
    }
    const rebound = await raw('POST', `/api/call/app.info?token=${server.token}`, { headers: { ...json, host: `evil.example:${server.port}` }, body: '[]' });
    expect(rebound.status).toBe(421);
  });

  it('takes API calls only as application/json and uploads only as octet-stream', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', '']) {
      const headers: Record<string, string> = type ? { ...auth(), 'content-type': type } : auth();
      const r = await raw('POST', '/api/call/app.info', { headers, body: '[]' });
      expect(r.status, type).toBe(415);
      expect((await raw('POST', '/api/upload?name=a.jpg&batch=b', { headers, body: 'x' })).status, type).toBe(415);
    }
    expect((await raw('POST', '/api/call/app.info', { headers: { ...auth(), 'content-type': 'application/json; charset=utf-8' }, body: '[]' })).status).toBe(200);
  });

  it('answers 400 naming the path to malformed %-escapes', async () => {
    for (const path of ['/api/call/app.%E0%A4%A', '/api/call/%', '/api/call/app.info%zz']) {
      const r = await raw('POST', path, { headers: { ...auth(), ...json }, body: '[]' });
      expect(r.status, path).toBe(400);
      expect(JSON.parse(r.body.toString()).error.message).toContain('malformed %-escape');
    }
  });

  it('refuses WebSocket upgrades from another origin or host name', async () => {
    const status = (headers: Record<string, string>) =>
      new Promise<number | 'open'>((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`, { headers });
        ws.on('open', () => {
          ws.close();
          resolve('open');
        });
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('error', () => resolve(-1));
      });
    expect(await status({ origin: `http://127.0.0.1:${server.port + 1}` })).toBe(403);
    expect(await status({ host: 'evil.example' })).toBe(421);
    expect(await status({ origin: `http://127.0.0.1:${server.port}` })).toBe('open');
  });

  it('refuses a WebSocket without the token and accepts one with it', async () => {
    const refused = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws`);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('error', () => resolve(-1));
    });
    expect(refused).toBe(401);
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`);
    await new Promise((resolve, reject) => ws.on('open', resolve).on('error', reject));
    const first = new Promise<{ name: string }>((resolve) => ws.once('message', (m) => resolve(JSON.parse(String(m)))));
    await call('project.create', [{ dir: join(tmp.dir, 'ws-project'), name: 'WS' }]);
    expect((await first).name).toBe('library.changed');
    ws.close();
  });
});

async function importFiles(albumId: number, paths: string[]): Promise<{ state: string; result: { imported: number; duplicates: number } } | undefined> {
  const { jobId } = (await call('import.start', [{ albumId, paths }])).json.result as { jobId: number };
  let job: { state: string; result: { imported: number; duplicates: number } } | undefined;
  for (let i = 0; i < 200; i++) {
    job = (await call('job.get', [{ jobId }])).json.result as typeof job;
    if (job!.state !== 'queued' && job!.state !== 'running') break;
    await new Promise((r) => setTimeout(r, 20));
  }
  return job;
}

describe('serve mode API', () => {
  it('validates parameters and reports errors with codes and statuses', async () => {
    expect(await call('no.such')).toMatchObject({ status: 404, json: { error: { code: 'no-such-channel' } } });
    expect(await call('album.create', [{ name: '' }])).toMatchObject({ status: 400, json: { error: { code: 'invalid-params' } } });
    expect(await call('album.create', [{ nom: 'x' }])).toMatchObject({ status: 400 });
    expect(await call('photo.list', [{ albumId: -1, offset: 0, limit: 10 }])).toMatchObject({ status: 400 });
    await call('project.close');
    expect(await call('album.list')).toMatchObject({ status: 409, json: { error: { code: 'no-project' } } });
    const notJson = await raw('POST', '/api/call/app.info', { headers: { ...auth(), ...json }, body: '{oops' });
    expect(notJson.status).toBe(400);
  });

  it('uploads a file into the project, imports it and serves the blob and thumbnail', async () => {
    const created = await call('project.create', [{ dir: join(tmp.dir, 'api-project'), name: 'API' }]);
    expect(created).toMatchObject({ status: 200, json: { result: { name: 'API', albumCount: 0 } } });
    const album = (await call('album.create', [{ name: 'Uploads' }])).json.result as { id: number };
    const bytes = await makeImage({ seed: 77 });
    const up = await raw('POST', '/api/upload?name=face%201.jpg&batch=b1', { headers: { ...auth(), ...octets }, body: bytes });
    expect(up.status).toBe(200);
    const staged = JSON.parse(up.body.toString()).path as string;
    expect(staged.startsWith(join(tmp.dir, 'api-project', 'tmp', 'uploads', 'b1'))).toBe(true);
    expect(readFileSync(staged).equals(bytes)).toBe(true);
    for (const bad of ['..%2Fx.jpg', '..', 'a%2Fb.jpg']) {
      expect((await raw('POST', `/api/upload?name=${bad}&batch=b1`, { headers: { ...auth(), ...octets }, body: bytes })).status, bad).toBe(400);
    }
    expect((await raw('POST', '/api/upload?name=a.jpg&batch=../x', { headers: { ...auth(), ...octets }, body: bytes })).status).toBe(400);

    expect(await importFiles(album.id, [staged])).toMatchObject({ state: 'done', result: { imported: 1 } });
    const page = (await call('photo.list', [{ albumId: album.id, offset: 0, limit: 10 }])).json.result as { items: { hash: string; fileName: string }[] };
    expect(page.items[0].fileName).toBe('face 1.jpg');
    const hash = page.items[0].hash;

    const blob = await raw('GET', `/blob/${hash}`, { headers: auth() });
    expect(blob.status).toBe(200);
    expect(blob.headers['content-type']).toBe('image/jpeg');
    expect(blob.body.equals(bytes)).toBe(true);
    const thumb = await raw('GET', `/blob/${hash}/thumb`, { headers: auth() });
    expect(thumb).toMatchObject({ status: 200, headers: { 'content-type': 'image/webp' } });

    for (const path of [`/blob/${hash}/../../project.sqlite`, '/blob/../project.sqlite', `/blob/${hash.toUpperCase()}`, `/blob/${hash}/thumb/x`, `/blob/${'0'.repeat(64)}`, '/blob/%2e%2e/project.sqlite', `/blob/${hash}%2f..%2f..%2fproject.sqlite`]) {
      expect((await raw('GET', path, { headers: auth() })).status, path).toBe(404);
    }
  });

  it('does not follow a link in the project out of it, and a new import replaces the link', async () => {
    const dir = join(tmp.dir, 'received-project');
    await call('project.create', [{ dir, name: 'Received' }]);
    const album = (await call('album.create', [{ name: 'A' }])).json.result as { id: number };
    const source = join(tmp.dir, 'face-link.jpg');
    const bytes = await makeImage({ seed: 78 });
    writeFileSync(source, bytes);
    expect(await importFiles(album.id, [source])).toMatchObject({ state: 'done', result: { imported: 1 } });
    const hash = createHash('sha256').update(bytes).digest('hex');
    const paths = projectPaths(dir);
    // What a project folder received from someone else can carry in place of its files.
    for (const file of [blobPath(paths, hash), thumbPath(paths, hash)]) {
      rmSync(file);
      symlinkSync(join(tmp.dir, 'secret.txt'), file);
    }
    for (const path of [`/blob/${hash}`, `/blob/${hash}/thumb`]) {
      const r = await raw('GET', path, { headers: auth() });
      expect(r.status, path).toBe(404);
      expect(r.body.toString()).not.toContain('outside the renderer');
    }
    expect(await importFiles(album.id, [source])).toMatchObject({ state: 'done', result: { imported: 0, duplicates: 1 } });
    expect(lstatSync(blobPath(paths, hash)).isSymbolicLink()).toBe(false);
    const blob = await raw('GET', `/blob/${hash}`, { headers: auth() });
    expect(blob.status).toBe(200);
    expect(blob.body.equals(bytes)).toBe(true);
    expect((await raw('GET', `/blob/${hash}/thumb`, { headers: auth() })).status).toBe(200);
  });
});
