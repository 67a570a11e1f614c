import { net, protocol } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Backend } from '../app/backend';
import { realFileInside } from '../library/confined';
import { blobPath, thumbPath } from '../library/paths';
import { fileSize, resolveInside } from '../server/static';

/** The page's origin in the desktop app: the renderer and /blob/... URLs resolve under it. */
export const appScheme = 'rig';
export const appOrigin = `${appScheme}://app`;

/** Must run before the app is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: appScheme, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } }]);
}

const blobRoute = /^\/blob\/([0-9a-f]{64})(\/thumb)?$/;

/**
 * Answers rig://app/... like serve mode answers GET: the built renderer and the open
 * project's blobs and thumbnails, with the same strict path rules (no token: only this app's
 * own pages can load this scheme).
 */
export function handleAppScheme(backend: Backend, rendererDir: string): void {
  protocol.handle(appScheme, async (request) => {
    const url = new URL(request.url);
    const rawPath = request.url.slice(appOrigin.length).split('?')[0] || '/';
    if (url.host !== 'app') return new Response('not found', { status: 404 });
    if (rawPath.startsWith('/blob')) {
      const m = blobRoute.exec(rawPath);
      const open = backend.current;
      if (!m || !open) return new Response('not found', { status: 404 });
      const { paths } = open.project;
      // Links are followed only inside the project's folder: a received project may carry others.
      const file = await realFileInside(m[2] ? thumbPath(paths, m[1]) : blobPath(paths, m[1]), m[2] ? paths.thumbs : paths.blobs);
      if (!file || (await fileSize(file)) === null) return new Response('not found', { status: 404 });
      return net.fetch(pathToFileURL(file).toString());
    }
    const file = resolveInside(rendererDir, rawPath === '/' ? '/index.html' : rawPath);
    if (!file) return new Response('not found', { status: 404 });
    const target = (await fileSize(file)) !== null ? file : !/\.[A-Za-z0-9]+$/.test(rawPath) ? join(rendererDir, 'index.html') : null;
    if (!target) return new Response('not found', { status: 404 });
    return net.fetch(pathToFileURL(target).toString());
  });
}
