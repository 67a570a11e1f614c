/**
 * The main side of the compute host: a thin client that sends requests, relays progress
 * events, forwards cancellation (AbortSignal → 'cancel' message) and resolves with the host's
 * results (typed arrays arrive as transferred buffers). One instance is owned by the
 * composition root (app/backend.ts) and handed to the edit, training, estimation and scoring
 * services.
 *
 * `WorkerEngine` runs the host (app/computeHost.ts, bundled as out/main/engine.js) in a worker thread,
 * started on the first request. When the host dies (process.exit, an uncaught error, a
 * terminated thread), every request in flight fails with "the compute engine stopped: …",
 * the app keeps running, and the next request starts a fresh host.
 * `InProcessEngine` runs a table's tasks on the calling thread: for unit tests that run
 * TypeScript sources (no bundle) and as the "host disabled" reference of bench/engine.
 */
import { Worker } from 'node:worker_threads';
import type { EngineHostStatus } from '../../common/contract/models';
import { CancelledError } from '../core/cancellation';
import type { FromHost, HostTable, RequestEvent, RequestInput, RequestKind, RequestOutput, ToHost } from './protocol';
import { fromWire, runRequest } from './protocol';
import { HostState, type HostOptions } from './state';

/** How a request is made. */
export interface RequestOptions<T extends HostTable, K extends keyof T> {
  signal?: AbortSignal;
  onEvent?: (event: RequestEvent<T, K>) => void;
  /** Buffers of the input the caller hands over (they are detached here after sending). */
  transfer?: ArrayBuffer[];
}

/** The compute engine as services see it: one serving at least the kinds of `T`. */
export interface Engine<T extends HostTable> {
  request<K extends RequestKind<T>>(kind: K, input: RequestInput<T, K>, options?: RequestOptions<T, K>): Promise<RequestOutput<T, K>>;
  /** What the engine is doing now (Engine panel, jobs). */
  status(): EngineHostStatus;
  /** Stops the host (in-flight requests fail) and frees its sessions. */
  close(): Promise<void>;
}

interface Pending {
  kind: string;
  since: number;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  onEvent?: (event: unknown) => void;
  cleanup: () => void;
}

/** Bookkeeping shared by both engines: what runs now, for status(). */
abstract class Tracked {
  protected readonly pending = new Map<number, Pending>();
  protected nextId = 1;
  protected started = 0;
  protected lastStop: string | null = null;

  protected abstract readonly mode: EngineHostStatus['mode'];
  protected abstract running(): boolean;

  status(): EngineHostStatus {
    const busy = [...this.pending.values()].map((p) => ({ kind: p.kind, since: new Date(p.since).toISOString() }));
    return { mode: this.mode, running: this.running(), busy, hostsStarted: this.started, lastStop: this.lastStop };
  }
}

/** The compute host in a worker thread (the product's engine); `script` serves the kinds of `T`. */
export class WorkerEngine<T extends HostTable> extends Tracked implements Engine<T> {
  protected readonly mode = 'worker' as const;
  private worker: Worker | null = null;
  private closed = false;

  constructor(
    private readonly script: string,
    private readonly options: HostOptions = {},
  ) {
    super();
  }

  protected running(): boolean {
    return this.worker !== null;
  }

  private host(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.script, { workerData: this.options });
    this.started++;
    worker.unref();
    worker.on('message', (message: FromHost) => this.receive(message));
    const stopped = (reason: string) => {
      if (this.worker !== worker) return;
      this.worker = null;
      this.lastStop = reason;
      const failure = `the compute engine stopped: ${reason}`;
      for (const [id, p] of this.pending) {
        this.pending.delete(id);
        p.cleanup();
        p.reject(new Error(failure));
      }
    };
    worker.on('error', (error) => stopped(error.message));
    worker.on('messageerror', (error) => stopped(`a message could not be read (${error.message})`));
    worker.on('exit', (code) => stopped(this.closed ? 'the engine was closed' : `the host thread exited with code ${code}`));
    this.worker = worker;
    return worker;
  }

  private receive(message: FromHost): void {
    const p = this.pending.get(message.id);
    if (!p) return;
    if (message.type === 'event') {
      p.onEvent?.(message.event);
      return;
    }
    this.pending.delete(message.id);
    p.cleanup();
    if (this.pending.size === 0) this.worker?.unref();
    if (message.type === 'result') p.resolve(message.output);
    else p.reject(fromWire(message.error));
  }

  request<K extends RequestKind<T>>(kind: K, input: RequestInput<T, K>, options: RequestOptions<T, K> = {}): Promise<RequestOutput<T, K>> {
    if (this.closed) return Promise.reject(new Error('the compute engine is closed'));
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(new CancelledError());
    let worker: Worker;
    try {
      worker = this.host();
    } catch (error) {
      return Promise.reject(new Error(`the compute engine cannot start: ${(error as Error).message}`));
    }
    const id = this.nextId++;
    return new Promise<RequestOutput<T, K>>((resolve, reject) => {
      const cancel = () => this.worker?.postMessage({ type: 'cancel', id } satisfies ToHost);
      signal?.addEventListener('abort', cancel, { once: true });
      this.pending.set(id, {
        kind,
        since: Date.now(),
        resolve: resolve as (value: unknown) => void,
        reject,
        onEvent: options.onEvent as ((event: unknown) => void) | undefined,
        cleanup: () => signal?.removeEventListener('abort', cancel),
      });
      // keep the process alive while work is outstanding, not while the host idles
      worker.ref();
      worker.postMessage({ type: 'request', id, kind, input } satisfies ToHost, options.transfer ?? []);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    if (worker) await worker.terminate();
  }
}

/**
 * The engine on the calling thread: `table`'s tasks, no worker. Every session run blocks the
 * caller's event loop; only for tests that run sources and as a bench reference.
 */
export class InProcessEngine<T extends HostTable> extends Tracked implements Engine<T> {
  protected readonly mode = 'in-process' as const;
  private state: HostState | null = null;

  constructor(
    private readonly table: T,
    private readonly options: HostOptions = {},
  ) {
    super();
  }

  protected running(): boolean {
    return this.state !== null;
  }

  async request<K extends RequestKind<T>>(kind: K, input: RequestInput<T, K>, options: RequestOptions<T, K> = {}): Promise<RequestOutput<T, K>> {
    if (!this.state) {
      this.state = new HostState(this.options);
      this.started++;
    }
    const id = this.nextId++;
    this.pending.set(id, { kind, since: Date.now(), resolve: () => undefined, reject: () => undefined, cleanup: () => undefined });
    try {
      const signal = options.signal ?? new AbortController().signal;
      return await runRequest(this.table, this.state, kind, input, { signal, inProcess: true, emit: (event) => options.onEvent?.(event as RequestEvent<T, K>) });
    } finally {
      this.pending.delete(id);
    }
  }

  async close(): Promise<void> {
    const state = this.state;
    this.state = null;
    await state?.dispose();
  }
}
