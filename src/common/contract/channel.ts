import { z } from 'zod';

/**
 * One API channel: a schema for its parameters (a tuple, validated before any service sees
 * them) and the type of its result (compile-time only). Both transports (Electron IPC and
 * HTTP/WebSocket in serve mode) carry the same channels.
 */
export interface Channel<P extends z.ZodTuple = z.ZodTuple, R = unknown> {
  readonly params: P;
  /** Phantom: carries the result type; never read at run time. */
  readonly result?: R;
}

/** Declares a channel with parameter schemas and a result type. */
export function channel<R>() {
  return <const S extends z.ZodType[]>(...params: S): Channel<z.ZodTuple<S, null>, R> => ({
    // zod types z.tuple as non-empty; a channel may take no parameters.
    params: z.tuple(params as unknown as [z.ZodType]) as unknown as z.ZodTuple<S, null>,
  });
}

export type ChannelMap = Record<string, Channel>;
export type ParamsOf<C> = C extends Channel<infer P, unknown> ? z.infer<P> : never;
export type ResultOf<C> = C extends Channel<z.ZodTuple, infer R> ? R : never;

/** A handler for every channel of a map: what the backend must provide, checked by tsc. */
export type Handlers<M extends ChannelMap> = {
  [K in keyof M]: (...args: ParamsOf<M[K]>) => Promise<ResultOf<M[K]>> | ResultOf<M[K]>;
};

/** The client view of a map: every channel as an async function. */
export type Client<M extends ChannelMap> = {
  [K in keyof M]: (...args: ParamsOf<M[K]>) => Promise<ResultOf<M[K]>>;
};
