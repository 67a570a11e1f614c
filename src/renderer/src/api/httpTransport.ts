import type { AnyEvent, ChannelName, ErrorBody } from '../../../common/contract';
import { routes } from '../../../common/contract/transport';
import { ApiError } from './errors';
import type { ConnectionState, StageProgress, Transport } from './transport';

const unauthorized =
  'The server refused the access token. Open the full URL printed by `rig-studio serve` (it ends with ?token=…).';
const unreachable = 'Cannot reach the Rig Studio server. Is `rig-studio serve` still running?';

async function errorFrom(response: Response, origin: string): Promise<ApiError> {
  if (response.status === 401) return new ApiError(unauthorized, 'unauthorized', origin, 401);
  let body: Partial<ErrorBody> | undefined;
  try {
    body = (await response.json()) as Partial<ErrorBody>;
  } catch {
    body = undefined;
  }
  const message = body?.error?.message ?? `The server answered ${response.status} ${response.statusText} for ${origin}.`;
  return new ApiError(message, body?.error?.code ?? `http-${response.status}`, origin, response.status);
}

async function send(url: string, init: RequestInit, origin: string): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(unreachable, 'network', origin);
  }
  if (!response.ok) throw await errorFrom(response, origin);
  return response.json();
}

/** Serve mode: `POST /api/call/<channel>`, uploads, and a WebSocket for events that reconnects. */
export function createHttpTransport(token: string | null, base: string = window.location.origin): Transport {
  const auth: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {};
  const listeners = new Set<(event: AnyEvent) => void>();
  const connectionListeners = new Set<(state: ConnectionState) => void>();
  let connection: ConnectionState = 'connecting';
  let socket: WebSocket | null = null;
  let retryDelay = 500;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  function setConnection(state: ConnectionState): void {
    connection = state;
    for (const l of connectionListeners) l(state);
  }

  function connect(): void {
    const url = new URL(routes.ws, base);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    if (token) url.searchParams.set('token', token);
    setConnection('connecting');
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      retryDelay = 500;
      setConnection('open');
    };
    ws.onmessage = (message) => {
      let event: AnyEvent;
      try {
        event = JSON.parse(String(message.data)) as AnyEvent;
      } catch {
        console.warn('ignoring a malformed event from the server', message.data);
        return;
      }
      for (const l of listeners) l(event);
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      setConnection('closed');
      // Back off up to 5 s: the server may be restarting; the UI refetches on 'open'.
      retryTimer = setTimeout(connect, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 5000);
    };
  }

  function ensureSocket(): void {
    if (!socket && retryTimer === undefined) connect();
  }

  async function upload(file: File, batch: string, signal?: AbortSignal): Promise<string> {
    const url = new URL(routes.upload, base);
    // The bare name (the server keeps each upload in its own folder): it is what reports show.
    url.searchParams.set('name', file.name);
    url.searchParams.set('batch', batch);
    const result = (await send(
      url.toString(),
      { method: 'POST', headers: { ...auth, 'Content-Type': 'application/octet-stream' }, body: file, signal },
      `upload of ${file.name}`,
    )) as { path: string };
    return result.path;
  }

  return {
    mode: 'serve',
    async call(channel: ChannelName, params: unknown[]): Promise<unknown> {
      const body = (await send(
        new URL(routes.call + channel, base).toString(),
        { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body: JSON.stringify(params) },
        channel,
      )) as { result?: unknown };
      return body.result;
    },
    subscribe(listener) {
      listeners.add(listener);
      ensureSocket();
      return () => listeners.delete(listener);
    },
    onConnection(listener) {
      connectionListeners.add(listener);
      listener(connection);
      ensureSocket();
      return () => connectionListeners.delete(listener);
    },
    blobUrl(hash, variant) {
      const path = `${routes.blob}${encodeURIComponent(hash)}${variant === 'thumb' ? '/thumb' : ''}`;
      // <img> cannot send headers, so images carry the token in the query.
      return token ? `${path}?token=${encodeURIComponent(token)}` : path;
    },
    async stageFiles(files, onProgress, signal) {
      const batch = crypto.randomUUID();
      const progress: StageProgress = { done: 0, total: files.length, bytesDone: 0, bytesTotal: files.reduce((a, f) => a + f.size, 0) };
      onProgress?.({ ...progress });
      const paths: string[] = new Array<string>(files.length);
      let next = 0;
      // A few uploads in flight keep the connection busy without flooding the server.
      async function worker(): Promise<void> {
        while (next < files.length) {
          const index = next++;
          paths[index] = await upload(files[index], batch, signal);
          progress.done += 1;
          progress.bytesDone += files[index].size;
          onProgress?.({ ...progress });
        }
      }
      await Promise.all(Array.from({ length: Math.min(3, files.length) }, worker));
      return paths;
    },
  };
}
