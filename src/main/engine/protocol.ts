/**
 * The compute host's protocol: how a request kind is declared (a task of a HostTable), and the
 * messages that carry requests, events and results between the main side (client.ts) and the host (host.ts).
 * Everything here crosses a worker_threads port, so it must be structured-cloneable; typed
 * arrays in inputs/outputs travel as transferable buffers where the sender no longer needs them.
 */
import { AppError, type ErrorCode } from '../core/errors';
import { CancelledError } from '../core/cancellation';
import type { HostState } from './state';

/** What a request can do besides its work (given to every host task). */
export interface RequestContext<E> {
  signal: AbortSignal;
  /** Streams one event to the requester (its `onEvent`). */
  emit(event: E): void;
  /** True when the host is the calling thread (no worker). */
  inProcess: boolean;
}

/**
 * One kind of request the host serves: its work on the host's thread, with the host's sessions
 * (`state`), its input and its context. Input, streamed events and output must be
 * structured-cloneable (they cross a worker_threads port).
 */
export type HostTask<I, O, E = never> = (state: HostState, input: I, ctx: RequestContext<E>) => Promise<O>;

/**
 * The host's request kinds by name. This folder knows none of them: each feature declares its
 * own (edit/hostTasks.ts, estimate/…, train/…), engine/coreTasks.ts the ones of the layers
 * below, and the composition root joins them (app/hostTasks.ts), as it does the worker pool's
 * table. A feature names the kinds it needs (`Engine<TrainHostTasks>`); any engine serving at
 * least those fits.
 */
export type HostTable = { [kind: string]: HostTask<never, unknown, never> };

export type RequestKind<T extends HostTable> = keyof T & string;
export type RequestInput<T extends HostTable, K extends keyof T> = Parameters<T[K]>[1];
export type RequestOutput<T extends HostTable, K extends keyof T> = Awaited<ReturnType<T[K]>>;
export type RequestEvent<T extends HostTable, K extends keyof T> = Parameters<T[K]>[2] extends RequestContext<infer E> ? E : never;

/** Runs one request of `table` on this thread. */
export function runRequest<T extends HostTable, K extends keyof T & string>(
  table: T,
  state: HostState,
  kind: K,
  input: RequestInput<T, K>,
  ctx: RequestContext<unknown>,
): Promise<RequestOutput<T, K>> {
  const task = Object.hasOwn(table, kind) ? table[kind] : undefined;
  if (!task) return Promise.reject(new Error(`unknown compute engine request '${kind}'`));
  return task(state, input as never, ctx) as Promise<RequestOutput<T, K>>;
}

/** An error as it crosses the port. */
export interface WireError {
  name: string;
  message: string;
  /** AppError's code. */
  code?: string;
}

/** Main → host. */
export type ToHost = { type: 'request'; id: number; kind: string; input: unknown } | { type: 'cancel'; id: number };

/** Host → main. */
export type FromHost = { type: 'event'; id: number; event: unknown } | { type: 'result'; id: number; output: unknown } | { type: 'error'; id: number; error: WireError };

/** Every ArrayBuffer under `value` (typed arrays and plain ArrayBuffers, nested in arrays and objects), once each. */
export function transferables(value: unknown, out = new Set<ArrayBuffer>()): ArrayBuffer[] {
  const walk = (v: unknown, depth: number) => {
    if (v === null || typeof v !== 'object' || depth > 8) return;
    if (ArrayBuffer.isView(v)) {
      if (v.buffer instanceof ArrayBuffer) out.add(v.buffer);
      return;
    }
    if (v instanceof ArrayBuffer) {
      out.add(v);
      return;
    }
    if (Array.isArray(v)) for (const x of v) walk(x, depth + 1);
    else if (v instanceof Map) for (const x of v.values()) walk(x, depth + 1);
    else for (const x of Object.values(v)) walk(x, depth + 1);
  };
  walk(value, 0);
  return [...out];
}

/** An error as it crosses the port (AppError's code and CancelledError's name survive). */
export function toWire(error: unknown): WireError {
  if (error instanceof CancelledError) return { name: 'CancelledError', message: error.message };
  if (error instanceof AppError) return { name: 'AppError', message: error.message, code: error.code };
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

/** The error a caller sees for a wire error: the same class where it matters (cancel, AppError codes). */
export function fromWire(error: WireError): Error {
  if (error.name === 'CancelledError') return new CancelledError();
  if (error.name === 'AppError' && error.code) return new AppError(error.code as ErrorCode, error.message);
  const out = new Error(error.message);
  if (error.name && error.name !== 'Error') out.name = error.name;
  return out;
}
