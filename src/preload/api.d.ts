// What the preload bridge puts on `window.rigStudio` in the Electron app (absent in a browser
// on serve mode, where the UI uses HTTP + WebSocket per src/common/contract/transport.ts).
// The renderer's tsconfig includes this file.
import type { AnyEvent, ChannelName, Contract, EventMap, EventName, ParamsOf, PickPathsOptions, ResultOf } from '../common/contract';

export interface RigStudioBridge {
  /**
   * Calls a contract channel; params is the channel's parameter tuple (e.g. `[{ albumId }]`,
   * `[]` for none). Rejects with an Error carrying the backend's message (and `code`, e.g.
   * 'invalid-params', 'not-found', 'no-project').
   */
  call<K extends ChannelName>(channel: K, params: ParamsOf<Contract[K]>): Promise<ResultOf<Contract[K]>>;
  /** Subscribes to one backend event; returns the unsubscribe function. */
  on<K extends EventName>(event: K, listener: (payload: EventMap[K]) => void): () => void;
  /** Subscribes to every backend event (`{ name, payload }`); returns the unsubscribe function. */
  on(listener: (event: AnyEvent) => void): () => void;
  /** Native open dialog; resolves with the chosen paths (empty when cancelled). */
  pickPaths(options?: PickPathsOptions): Promise<string[]>;
  /** The local path of a File from drag-and-drop or an <input type=file> (Electron only). */
  pathForFile(file: File): string;
}

declare global {
  interface Window {
    rigStudio?: RigStudioBridge;
  }
}
