import type { IncomingMessage } from 'node:http';
import { hostname as machineName, networkInterfaces } from 'node:os';

/** Why a request is refused before its token is even looked at. */
export interface Refusal {
  status: number;
  message: string;
}

const loopbackNames = ['localhost', '127.0.0.1', '::1'];
const wildcardHosts = new Set(['0.0.0.0', '::', '']);

function normalise(name: string): string {
  return name.toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
}

/**
 * The host names a browser may use to reach the server: the loopback names, the name it was
 * started for (`--host`), every address of this machine when it listens on all of them, and any
 * extra names (`--allow-host`, e.g. a reverse proxy's). Ports are not part of the check, so an
 * SSH tunnel to another local port still works; a DNS-rebinding name never matches.
 */
export function allowedHostNames(host: string, extra: readonly string[] = []): Set<string> {
  const names = new Set(loopbackNames);
  if (wildcardHosts.has(host)) {
    names.add(normalise(machineName()));
    for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) names.add(normalise(a.address));
  } else {
    names.add(normalise(host));
  }
  for (const name of extra) names.add(normalise(name));
  return names;
}

/** `HOST[:PORT]` from a Host header, normalised; null when it is not one. */
function parseHost(header: string | undefined): { name: string; host: string } | null {
  if (!header) return null;
  try {
    const url = new URL(`http://${header}`);
    if (url.username || url.password || url.pathname !== '/' || url.search || url.hash) return null;
    return { name: normalise(url.hostname), host: url.host };
  } catch {
    return null;
  }
}

/**
 * Checks what a browser cannot forge on behalf of another page: the Host must be one the server
 * serves (DNS rebinding sends the attacker's name), and an Origin, when a browser sent one, must
 * be this very origin (any other page, another port of 127.0.0.1 included, is foreign), or be on
 * a name the user named with --allow-host (`proxies`: a reverse proxy may rewrite Host). Requests
 * without Origin (the CLI, curl, a page's own same-origin GETs) pass. Null when allowed.
 */
export function refuseForeign(req: IncomingMessage, hosts: ReadonlySet<string>, proxies: ReadonlySet<string> = new Set()): Refusal | null {
  const host = parseHost(req.headers.host);
  if (!host || !hosts.has(host.name)) {
    return { status: 421, message: `this server does not serve the host name ${JSON.stringify(req.headers.host ?? '')}; open the URL printed by \`rig-studio serve\` (or start it with --allow-host NAME)` };
  }
  const origin = req.headers.origin;
  if (origin === undefined) return null;
  let url: URL | null = null;
  try {
    url = new URL(origin);
  } catch {
    url = null;
  }
  const web = url !== null && (url.protocol === 'http:' || url.protocol === 'https:');
  if (!url || !web || (url.host !== host.host && !proxies.has(normalise(url.hostname)))) {
    return { status: 403, message: `requests from another origin (${origin}) are refused` };
  }
  return null;
}

/** Whether a request's Content-Type is `type` (parameters such as charset allowed). */
export function hasContentType(req: IncomingMessage, type: string): boolean {
  return (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase() === type;
}
