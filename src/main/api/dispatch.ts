import { contract, type ApiHandlers, type ChannelName } from '../../common/contract';
import { AppError } from '../core/errors';

/** True when `name` is a channel of the contract (own property, not e.g. 'toString'). */
export function isChannel(name: string): name is ChannelName {
  return Object.prototype.hasOwnProperty.call(contract, name);
}

/**
 * The one entry point of both transports: looks the channel up, validates the raw parameters
 * against its schema (so no service ever sees unchecked input), and calls its handler.
 * Throws AppError('no-such-channel' | 'invalid-params') or whatever the service throws.
 */
export async function dispatch(handlers: ApiHandlers, channel: string, rawParams: unknown): Promise<unknown> {
  if (!isChannel(channel)) throw new AppError('no-such-channel', `no such channel: ${channel}`);
  const parsed = contract[channel].params.safeParse(rawParams ?? []);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(parameters)'}: ${i.message}`).join('; ');
    throw new AppError('invalid-params', `invalid parameters for ${channel}: ${issues}`);
  }
  const handler = handlers[channel] as (...args: unknown[]) => unknown;
  return await handler(...(parsed.data as unknown[]));
}
