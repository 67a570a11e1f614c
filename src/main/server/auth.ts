import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** A fresh random access token (URL-safe). */
export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Cookie that carries the token for requests a page cannot add headers to (<img>, <script>). */
export function tokenCookieName(port: number): string {
  // Cookies are shared across ports on one host: the port keeps two servers apart.
  return `rigStudioToken${port}`;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

/**
 * Where a request's token came from, if it is the right one: `Authorization: Bearer`,
 * `?token=` or the cookie set by an earlier authorised request; null when none matches.
 */
export function checkToken(req: IncomingMessage, url: URL, token: string, port: number): 'header' | 'query' | 'cookie' | null {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ') && same(auth.slice(7), token)) return 'header';
  const query = url.searchParams.get('token');
  if (query !== null && same(query, token)) return 'query';
  const cookie = cookieValue(req.headers.cookie, tokenCookieName(port));
  if (cookie !== undefined && same(cookie, token)) return 'cookie';
  return null;
}
