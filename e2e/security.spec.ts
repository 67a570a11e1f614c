// Serve mode's access rules: the token is required on every route (HTTP and WebSocket), neither
// the blob route nor the static route can be walked out of with `../`, and another page in the
// same browser (another port of 127.0.0.1, or a rebound host name) cannot use the user's cookie.
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { callApi } from './support/api';
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

/** A page on another port of 127.0.0.1 (the same site as the server) that tries to drive its API. */
function attackerPage(target: string): string {
  const ws = target.replace('http', 'ws');
  return `<!doctype html><title>attacker</title>
<iframe name="sink"></iframe>
<form id="form" method="POST" enctype="text/plain" target="sink" action="${target}/api/call/album.create"><input name='[{"name":"via form","x":"' value='"}]'></form>
<script>
(async () => {
  const results = {};
  async function attempt(name, init) {
    try {
      const r = await fetch('${target}/api/call/album.create', { method: 'POST', credentials: 'include', ...init });
      results[name] = r.type === 'opaque' ? 'opaque' : r.status;
    } catch (e) {
      results[name] = 'failed';
    }
  }
  await attempt('textPlain', { mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: JSON.stringify([{ name: 'via text/plain' }]) });
  await attempt('json', { headers: { 'content-type': 'application/json' }, body: JSON.stringify([{ name: 'via json' }]) });
  results.ws = await new Promise((resolve) => {
    const socket = new WebSocket('${ws}/ws');
    socket.onopen = () => resolve('open');
    socket.onerror = () => resolve('refused');
  });
  await new Promise((resolve) => {
    document.querySelector('iframe').onload = resolve;
    document.getElementById('form').submit();
  });
  window.attackResults = results;
})();
</script>`;
}

test('a page on another port of 127.0.0.1 cannot drive the API or read events', async ({ server, page, request, scratch }) => {
  await callApi(request, server, 'project.create', { dir: join(scratch, 'p'), name: 'Victim' });
  // The user has the app open: the token cookie is set for 127.0.0.1 (SameSite=Strict, and every
  // port of 127.0.0.1 is the same site, so the browser sends it to the attacker's requests too).
  await page.goto(server.url);
  await expect(page.getByRole('button', { name: 'Project Victim' })).toBeVisible();

  const attacker = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(attackerPage(server.origin));
  });
  await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
  try {
    const other = await page.context().newPage();
    await other.goto(`http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`);
    const results = await other.waitForFunction(() => (globalThis as unknown as { attackResults?: unknown }).attackResults, undefined, { timeout: 15_000 });
    // no-cors hides the status from the page; what counts is that nothing was created below.
    expect(await results.jsonValue()).toEqual({ textPlain: 'opaque', json: 'failed', ws: 'refused' });
  } finally {
    attacker.close();
  }
  const albums = await callApi<{ name: string }[]>(request, server, 'album.list');
  expect(albums.map((a) => a.name)).toEqual([]);
  // The app's own page still works: same origin, so its calls and events pass.
  await page.reload();
  await expect(page.getByRole('button', { name: 'Project Victim' })).toBeVisible();
});

test('a host name the server was not started for is refused in the browser (DNS rebinding)', async ({ server, playwright }, testInfo) => {
  const { launchOptions } = testInfo.project.use;
  const browser = await playwright.chromium.launch({ ...launchOptions, args: [...(launchOptions?.args ?? []), '--host-resolver-rules=MAP rebound.test 127.0.0.1'] });
  try {
    const page = await browser.newPage();
    const port = new URL(server.origin).port;
    const res = await page.goto(`http://rebound.test:${port}/?token=${server.token}`);
    expect(res?.status()).toBe(421);
    expect(await page.content()).toContain('does not serve the host name');
    expect((await page.context().cookies()).length).toBe(0);
  } finally {
    await browser.close();
  }
});
