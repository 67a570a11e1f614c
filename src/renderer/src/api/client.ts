import { contract, type Api, type ChannelName } from '../../../common/contract';
import type { Transport } from './transport';

/**
 * The typed API: one async function per contract channel, each sending its parameters as the
 * wire protocol's array. Built from the contract's keys (not a Proxy) so the object is plain.
 */
export function createApi(transport: Transport): Api {
  const api: Record<string, (...params: unknown[]) => Promise<unknown>> = {};
  for (const name of Object.keys(contract) as ChannelName[]) {
    api[name] = (...params: unknown[]) => transport.call(name, params);
  }
  return api as unknown as Api;
}
