import type { Api } from '../../../common/contract';
import { createApi } from './client';
import { createElectronTransport, findBridge } from './electronTransport';
import { createHttpTransport } from './httpTransport';
import { takeToken } from './token';
import type { Transport } from './transport';

export interface Backend {
  api: Api;
  transport: Transport;
}

/** Connects to whichever host serves the page: the desktop app's bridge, or `rig-studio serve`. */
export function connectBackend(): Backend {
  const bridge = findBridge();
  const transport = bridge ? createElectronTransport(bridge) : createHttpTransport(takeToken());
  return { api: createApi(transport), transport };
}

export { ApiError, errorMessage } from './errors';
export type { ConnectionState, StageProgress, Transport } from './transport';
