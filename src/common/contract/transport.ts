/**
 * Wire protocol of serve mode (HTTP + WebSocket on one port). Electron uses IPC with the same
 * channel names and payloads; only these routes differ.
 *
 * - Every request carries the access token: `Authorization: Bearer TOKEN`, or `?token=TOKEN`
 *   (the URL printed by `rig-studio serve`; the page keeps it in sessionStorage and drops it
 *   from the address bar). Without it: 401. A request authorised by `?token=` also gets an
 *   HttpOnly, SameSite=Strict cookie holding the token, so the page's own sub-requests
 *   (`<script>`, `<img src="/blob/...">`, the WebSocket) are authorised without adding it.
 * - `POST /api/call/<channel>` with a JSON array of parameters → 200 `{"result": ...}`, or
 *   400 (invalid parameters) / 404 (no such channel) / 409 (state conflict) / 500 with
 *   `{"error": {"message", "code"}}`. Parameters are validated against the contract schema.
 *   Codes: 'invalid-params' (400), 'no-such-channel' / 'not-found' (404), 'conflict' /
 *   'no-project' (409, e.g. no project is open), 'internal' (500). Electron IPC rejects with an
 *   Error whose message is the same message and whose `code` property is the same code.
 * - `POST /api/upload?name=FILE_NAME&batch=ID` with the raw file bytes → `{"path"}`: a staged
 *   copy on the backend that `import.start` then takes like any other path (browser drag-and-drop
 *   and file pickers cannot hand over paths).
 * - `GET /blob/<sha256>` the stored original; `GET /blob/<sha256>/thumb` its 256-px thumbnail
 *   (both from the open project). Anything else under /blob → 404.
 * - `GET /ws?token=TOKEN` WebSocket: the server sends `{"name", "payload"}` events (EventMap).
 * - Any other GET serves the built renderer; paths that leave its folder → 404.
 *
 * In Electron the page is loaded from `rig://app/` and the same `/blob/...` URLs (relative to
 * the page) are answered by a protocol handler, so image URLs are written once for both.
 */
export const routes = {
  call: '/api/call/',
  upload: '/api/upload',
  blob: '/blob/',
  ws: '/ws',
} as const;

export interface ErrorBody {
  error: { message: string; code: string };
}

/**
 * Electron IPC channel names between the preload bridge and the main process. The renderer
 * never uses these: it calls `window.rigStudio` (declared in src/preload/api.d.ts).
 */
export const ipcChannels = {
  /** invoke(channel, params) → IpcReply */
  call: 'rig-studio:call',
  /** main → renderer: `{ name, payload }` (EventMap) */
  event: 'rig-studio:event',
  /** invoke(PickPathsOptions) → string[] (empty when cancelled) */
  pickPaths: 'rig-studio:pick-paths',
} as const;

/** What the main process answers to an IPC call (errors keep their code across the bridge). */
export type IpcReply = { ok: true; result: unknown } | { ok: false; error: ErrorBody['error'] };

/** Options of the native file dialog the Electron shell offers (`window.rigStudio.pickPaths`). */
export interface PickPathsOptions {
  title?: string;
  /** 'files', 'folders', or 'any' (both where the OS allows; Windows/Linux then pick folders). */
  kind?: 'files' | 'folders' | 'any';
  /** Same as kind: 'folders' (kept for callers that set it). */
  directories?: boolean;
  /** Allow several (default true). */
  multiple?: boolean;
  /** Offer only image files (default true when picking files). */
  imagesOnly?: boolean;
}
