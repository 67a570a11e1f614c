import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { type ApiHandlers, type ErrorBody, routes } from '../../common/contract';
import type { Backend } from '../app/backend';
import { dispatch } from '../api/dispatch';
import { AppError, describeError, httpStatusOf } from '../core/errors';
import { realFileInside } from '../library/confined';
import { blobPath, thumbPath } from '../library/paths';
import { checkToken, newToken, tokenCookieName } from './auth';
import { allowedHostNames, hasContentType, refuseForeign } from './origin';
import { contentTypeOf, fileSize, resolveInside, streamFile } from './static';
import { stageUpload } from './upload';

export interface ServeOptions {
  backend: Backend;
  handlers: ApiHandlers;
  /** 127.0.0.1 unless the user asks for more. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  token?: string;
  /** Host names served besides the loopback names and `host` (a reverse proxy's, say). */
  allowHosts?: readonly string[];
  /** The built renderer (out/renderer). */
  rendererDir: string;
}

export interface RunningServer {
  url: string;
  host: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const maxCallBytes = 16 * 1024 * 1024;
const blobRoute = /^\/blob\/([0-9a-f]{64})(\/thumb)?$/;
const imageTypes: Record<string, string> = { jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp', tiff: 'image/tiff', avif: 'image/avif' };

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body === undefined ? null : body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
}

function sendError(res: ServerResponse, e: unknown): void {
  const { code, message } = describeError(e);
  const body: ErrorBody = { error: { code, message } };
  sendJson(res, httpStatusOf[code], body);
}

/** A path segment decoded, or a 400 naming it when its `%` escapes are malformed. */
function decodeSegment(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new AppError('invalid-params', `malformed %-escape in the path ${JSON.stringify(raw)}`);
  }
}

function notFound(res: ServerResponse): void {
  res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
  res.end('not found');
}

function parseRequestUrl(req: IncomingMessage): URL | null {
  try {
    return new URL(req.url ?? '/', 'http://localhost');
  } catch {
    return null;
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxCallBytes) throw new AppError('invalid-params', 'request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Serve mode: the renderer, the API and live events on one port (see the wire protocol in
 * src/common/contract/transport.ts). Every request needs the token; static and blob paths are
 * matched strictly so nothing outside their folders can be named; no CORS headers are sent,
 * so other origins cannot read responses. Before the token, every request and WebSocket upgrade
 * must name a served Host and carry no foreign Origin (server/origin.ts), and API calls must be
 * `application/json`, which a page on another origin cannot send without a refused preflight.
 */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const { backend, handlers, rendererDir } = options;
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? newToken();
  let port = options.port ?? 0;
  const hosts = allowedHostNames(host, options.allowHosts);
  const proxies = new Set((options.allowHosts ?? []).map((name) => name.toLowerCase()));

  async function serveBlob(res: ServerResponse, hash: string, thumb: boolean): Promise<void> {
    const open = backend.current;
    if (!open) return notFound(res);
    const row = open.project.db.prepare('SELECT format FROM blobs WHERE hash = @hash').get({ hash }) as { format: string } | undefined;
    const { paths } = open.project;
    // Links are followed only inside the project's folder: a received project may carry others.
    const file = row ? await realFileInside(thumb ? thumbPath(paths, hash) : blobPath(paths, hash), thumb ? paths.thumbs : paths.blobs) : null;
    const size = file ? await fileSize(file) : null;
    if (!file || size === null) return notFound(res);
    res.writeHead(200, {
      'content-type': thumb ? 'image/webp' : (imageTypes[row!.format] ?? 'application/octet-stream'),
      'content-length': size,
      // Content-addressed: the bytes behind a hash never change.
      'cache-control': 'private, max-age=31536000, immutable',
    });
    streamFile(file).pipe(res);
  }

  async function serveStatic(res: ServerResponse, rawPath: string): Promise<void> {
    const wanted = rawPath === '/' ? '/index.html' : rawPath;
    const file = resolveInside(rendererDir, wanted);
    if (!file) return notFound(res);
    let target = file;
    let size = await fileSize(target);
    // Client-side routes (no extension) get the app; anything else missing is a 404.
    if (size === null && !/\.[A-Za-z0-9]+$/.test(wanted)) {
      target = join(rendererDir, 'index.html');
      size = await fileSize(target);
    }
    if (size === null) return notFound(res);
    res.writeHead(200, { 'content-type': contentTypeOf(target), 'content-length': size, 'cache-control': target.endsWith('.html') ? 'no-store' : 'private, max-age=3600' });
    streamFile(target).pipe(res);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // The raw path, before URL normalisation could hide a `..`.
    const rawPath = (req.url ?? '/').split('?')[0];
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    const refusal = refuseForeign(req, hosts, proxies);
    if (refusal) return sendJson(res, refusal.status, { error: { code: 'forbidden', message: refusal.message } });
    const url = parseRequestUrl(req);
    if (!url) return sendJson(res, 400, { error: { code: 'invalid-params', message: 'malformed request URL' } });
    const auth = checkToken(req, url, token, port);
    if (!auth) return sendJson(res, 401, { error: { code: 'unauthorized', message: 'missing or wrong access token: open the URL printed by `rig-studio serve`' } });
    if (auth === 'query') res.setHeader('set-cookie', `${tokenCookieName(port)}=${token}; Path=/; HttpOnly; SameSite=Strict`);

    if (rawPath.startsWith(routes.call)) {
      if (req.method !== 'POST') return sendJson(res, 405, { error: { code: 'invalid-params', message: 'use POST' } });
      if (!hasContentType(req, 'application/json')) return sendJson(res, 415, { error: { code: 'invalid-params', message: 'API calls must be sent as Content-Type: application/json' } });
      try {
        const body = await readBody(req);
        let params: unknown;
        try {
          params = body.trim() === '' ? [] : JSON.parse(body);
        } catch {
          throw new AppError('invalid-params', 'request body is not JSON');
        }
        const result = await dispatch(handlers, decodeSegment(rawPath.slice(routes.call.length)), params);
        return sendJson(res, 200, { result: result === undefined ? null : result });
      } catch (e) {
        return sendError(res, e);
      }
    }
    if (rawPath === routes.upload) {
      if (req.method !== 'POST') return sendJson(res, 405, { error: { code: 'invalid-params', message: 'use POST' } });
      if (!hasContentType(req, 'application/octet-stream')) return sendJson(res, 415, { error: { code: 'invalid-params', message: 'uploads must be sent as Content-Type: application/octet-stream' } });
      try {
        const path = await stageUpload(req, backend.require().project.paths.uploads, url.searchParams.get('name'), url.searchParams.get('batch'));
        return sendJson(res, 200, { path });
      } catch (e) {
        return sendError(res, e);
      }
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, { error: { code: 'invalid-params', message: 'method not allowed' } });
    if (rawPath === '/blob' || rawPath.startsWith(routes.blob)) {
      const m = blobRoute.exec(rawPath);
      return m ? serveBlob(res, m[1], m[2] !== undefined) : notFound(res);
    }
    return serveStatic(res, rawPath);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      if (!res.headersSent) sendError(res, e);
      else res.destroy();
    });
  });

  const wss = new WebSocketServer({ noServer: true });
  const clients = new Set<WebSocket>();
  const unsubscribe = backend.events.on((name, payload) => {
    const text = JSON.stringify({ name, payload });
    for (const ws of clients) if (ws.readyState === ws.OPEN) ws.send(text);
  });
  server.on('upgrade', (req, socket, head) => {
    const rawPath = (req.url ?? '/').split('?')[0];
    const refusal = refuseForeign(req, hosts, proxies);
    if (refusal) {
      socket.end(`HTTP/1.1 ${refusal.status} ${refusal.status === 421 ? 'Misdirected Request' : 'Forbidden'}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
      return;
    }
    const url = parseRequestUrl(req);
    if (rawPath !== routes.ws || !url || !checkToken(req, url, token, port)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      clients.add(ws);
      ws.on('close', () => clients.delete(ws));
      ws.on('error', () => clients.delete(ws));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  if (!existsSync(join(rendererDir, 'index.html'))) {
    process.emitWarning(`${rendererDir} has no index.html: build the renderer first (npm run build)`);
  }
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}/?token=${token}`,
    host,
    port,
    token,
    async close() {
      unsubscribe();
      for (const ws of clients) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
