import type { ChannelName } from '../../../common/contract';
import { routes } from '../../../common/contract/transport';
import { ApiError, stripIpcPrefix } from './errors';
import type { Transport } from './transport';

/** The preload bridge (declared globally by src/preload/api.d.ts, which tsconfig.web includes). */
export type RigStudioBridge = NonNullable<Window['rigStudio']>;

/** The preload bridge when the page runs inside the desktop app, else undefined. */
export function findBridge(): RigStudioBridge | undefined {
  return window.rigStudio;
}

/** Electron: IPC through the preload bridge; files already have paths, nothing is uploaded. */
export function createElectronTransport(bridge: RigStudioBridge): Transport {
  return {
    mode: 'electron',
    async call(channel: ChannelName, params: unknown[]): Promise<unknown> {
      try {
        return await bridge.call(channel, params as never);
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
