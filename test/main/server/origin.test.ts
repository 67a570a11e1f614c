import type { IncomingMessage } from 'node:http';
import { networkInterfaces } from 'node:os';
import { describe, expect, it } from 'vitest';
import { allowedHostNames, hasContentType, refuseForeign } from '../../../src/main/server/origin';

const request = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

describe('which hosts and origins serve accepts', () => {
  const local = allowedHostNames('127.0.0.1');

  it('serves the loopback names on any port (an SSH tunnel may use another), nothing else', () => {
    for (const host of ['127.0.0.1:8765', 'localhost:9000', 'LOCALHOST', '[::1]:8765', 'localhost.:8765']) expect(refuseForeign(request({ host }), local), host).toBeNull();
    for (const host of ['evil.example:8765', '127.0.0.2:8765', 'localhost.evil.example', '', 'a b', 'user@localhost:1']) {
      expect(refuseForeign(request({ host }), local)?.status, host).toBe(421);
    }
    expect(refuseForeign(request({}), local)?.status).toBe(421);
  });

  it('takes only its own origin, or a name given with --allow-host', () => {
    const own = { host: '127.0.0.1:8765' };
    expect(refuseForeign(request({ ...own, origin: 'http://127.0.0.1:8765' }), local)).toBeNull();
    for (const origin of ['http://127.0.0.1:8766', 'http://localhost:8765', 'https://evil.example', 'null', 'chrome-extension://abc', 'file://']) {
      expect(refuseForeign(request({ ...own, origin }), local)?.status, origin).toBe(403);
    }
    // Behind a reverse proxy that rewrites Host, the proxy's name is what the browser sends as Origin.
    const proxied = allowedHostNames('127.0.0.1', ['Studio.Example']);
    expect(refuseForeign(request({ ...own, origin: 'https://studio.example' }), proxied, new Set(['studio.example']))).toBeNull();
    expect(refuseForeign(request({ host: 'studio.example' }), proxied)).toBeNull();
    expect(refuseForeign(request({ ...own, origin: 'https://other.example' }), proxied, new Set(['studio.example']))?.status).toBe(403);
  });

  it('with --host 0.0.0.0 serves every address of the machine; an explicit --host adds its name', () => {
    const all = allowedHostNames('0.0.0.0');
    for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) expect(all.has(a.address.toLowerCase())).toBe(true);
    expect(allowedHostNames('gpu-box.lan').has('gpu-box.lan')).toBe(true);
    expect(allowedHostNames('gpu-box.lan').has('other.lan')).toBe(false);
  });

  it('matches content types without their parameters', () => {
    expect(hasContentType(request({ 'content-type': 'Application/JSON; charset=utf-8' }), 'application/json')).toBe(true);
    expect(hasContentType(request({ 'content-type': 'text/plain' }), 'application/json')).toBe(false);
    expect(hasContentType(request({}), 'application/json')).toBe(false);
  });
});
