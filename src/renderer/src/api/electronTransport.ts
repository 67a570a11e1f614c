import type { AnyEvent, ChannelName } from '../../../common/contract';
import { routes } from '../../../common/contract/transport';
import { ApiError, stripIpcPrefix } from './errors';
import type { PickOptions, Transport } from './transport';

/**
 * What the renderer uses of the preload bridge (`window.rigStudio`, see src/preload). Declared
 * here structurally so the renderer never imports preload code.
 */
export interface RigStudioBridge {
  call(channel: string, params: unknown[]): Promise<unknown>;
  on(listener: (event: AnyEvent) => void): () => void;
  pickPaths(options: PickOptions): Promise<string[]>;
  /** Electron ≥ 32 hides File.path; webUtils.getPathForFile in the preload recovers it. */
  pathForFile(file: File): string;
}

/** The preload bridge when the page runs inside the desktop app, else undefined. */
export function findBridge(): RigStudioBridge | undefined {
  return (window as unknown as { rigStudio?: RigStudioBridge }).rigStudio;
}

/** Electron: IPC through the preload bridge; files already have paths, nothing is uploaded. */
export function createElectronTransport(bridge: RigStudioBridge): Transport {
  return {
    mode: 'electron',
    async call(channel: ChannelName, params: unknown[]): Promise<unknown> {
      try {
        return await bridge.call(channel, params);
      } catch (e) {
        const error = e as Error & { code?: string };
        throw new ApiError(stripIpcPrefix(error.message ?? String(e)), error.code ?? 'internal', channel);
      }
    },
    subscribe: (listener) => bridge.on(listener),
    onConnection(listener) {
      listener('open');
      return () => undefined;
    },
    // The page is served from rig://app/, whose protocol handler answers the same routes.
    blobUrl: (hash, variant) => `${routes.blob}${encodeURIComponent(hash)}${variant === 'thumb' ? '/thumb' : ''}`,
    async stageFiles(files) {
      return files.map((file) => {
        const path = bridge.pathForFile(file);
        if (!path) throw new ApiError(`Cannot import ${file.name}: it has no path on disk.`, 'invalid-params', 'stageFiles');
        return path;
      });
    },
    pickPaths: (options) => bridge.pickPaths(options),
  };
}
