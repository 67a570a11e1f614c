// Serve mode's access rules: the token is required on every route (HTTP and WebSocket), and
// neither the blob route nor the static route can be walked out of with `../`.
import { request as httpRequest } from 'node:http';
import { WebSocket } from 'ws';
import { expect, test } from './support/fixtures';

/** A GET with the path sent byte for byte (fetch and URL would normalise `..` away). */
function rawGet(origin: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ hostname, port, path, method: 'GET', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function wsStatus(url: string): Promise<number | 'open'> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on('open', () => {
      ws.close();
      resolve('open');
    });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('error', (e) => reject(e));
  });
}

test('requests without the token are refused', async ({ server, request }) => {
  const call = `${server.origin}/api/call/app.info`;
  expect((await request.post(call, { data: [] })).status()).toBe(401);
  expect((await request.post(call, { data: [], headers: { Authorization: 'Bearer wrong' } })).status()).toBe(401);
  const ok = await request.post(call, { data: [], headers: { Authorization: `Bearer ${server.token}` } });
  expect(ok.status()).toBe(200);
  expect((await ok.json()).result.mode).toBe('serve');

  expect((await rawGet(server.origin, '/')).status).toBe(401);
  expect((await rawGet(server.origin, `/?token=${server.token}`)).status).toBe(200);
  expect((await request.post(`${server.origin}/api/upload?name=a.jpg&batch=x`, { data: Buffer.from('x') })).status()).toBe(401);

  const ws = `${server.origin.replace('http', 'ws')}/ws`;
  expect(await wsStatus(ws)).toBe(401);
  expect(await wsStatus(`${ws}?token=wrong`)).toBe(401);
  expect(await wsStatus(`${ws}?token=${server.token}`)).toBe('open');
});

test('../ in blob and static paths is refused', async ({ server }) => {
  const auth = { Authorization: `Bearer ${server.token}` };
  // The renderer folder is out/renderer; out/main/cli.js and the package.json lie outside it.
  const outside = [
    '/../main/cli.js',
    '/../../package.json',
    '/assets/../../main/cli.js',
    '/%2e%2e/main/cli.js',
    '/..%2fmain%2fcli.js',
    '/blob/../package.json',
    '/blob/..%2f..%2fpackage.json',
    '/blob/%2e%2e/%2e%2e/package.json/thumb',
  ];
  for (const path of outside) {
    const res = await rawGet(server.origin, path, auth);
    expect(res.status, `GET ${path}`).toBe(404);
    expect(res.body, `GET ${path}`).not.toContain('"name": "rig-studio"');
    expect(res.body, `GET ${path}`).not.toContain('serving at');
  }
  // The same server does serve its own files with the token.
  const index = await rawGet(server.origin, '/index.html', auth);
  expect(index.status).toBe(200);
  expect(index.body).toContain('<div id="root">');
});
