import type { AnyEvent, ChannelName, PickPathsOptions } from '../../../common/contract';

/** Connection state of the event stream, shown in the top bar when it is not 'open'. */
export type ConnectionState = 'connecting' | 'open' | 'closed';

/** Progress of turning browser File objects into backend paths (uploads in serve mode). */
export interface StageProgress {
  done: number;
  total: number;
  bytesDone: number;
  bytesTotal: number;
}

/**
 * What the UI needs from a host: serve mode (HTTP + WebSocket) or Electron (preload bridge).
 * The typed API (src/renderer/src/api/client.ts) is built on `call`.
 */
export interface Transport {
  readonly mode: 'serve' | 'electron';
  call(channel: ChannelName, params: unknown[]): Promise<unknown>;
  /** Subscribes to backend events; returns the unsubscribe function. */
  subscribe(listener: (event: AnyEvent) => void): () => void;
  /** Subscribes to the event stream's connection state (always 'open' in Electron). */
  onConnection(listener: (state: ConnectionState) => void): () => void;
  /** URL of a stored image: the original, or its 256-px thumbnail. */
  blobUrl(hash: string, variant: 'original' | 'thumb'): string;
  /**
   * Makes dropped or picked browser files importable: uploads them (serve mode) or resolves
   * their paths on disk (Electron). Returns the backend paths in the files' order.
   */
  stageFiles(files: File[], onProgress?: (progress: StageProgress) => void, signal?: AbortSignal): Promise<string[]>;
  /** Native file/folder dialog (Electron only); undefined in serve mode, which browses with fs.list. */
  readonly pickPaths?: (options: PickPathsOptions) => Promise<string[]>;
}
