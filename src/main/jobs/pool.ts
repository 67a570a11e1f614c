import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/**
 * CPU-heavy steps that run in worker threads, by name. Each function takes and returns
 * structured-cloneable values. The table itself is put together in the composition root
 * (app/workerTasks.ts), so this folder knows no domain; a domain names the steps it needs
 * (e.g. `TaskPool<FlameTasks>`) and any pool holding at least those steps fits.
 */
export type TaskTable = { [name: string]: (input: never) => Promise<unknown> };
export type TaskInput<T extends TaskTable, K extends keyof T> = Parameters<T[K]>[0];
export type TaskOutput<T extends TaskTable, K extends keyof T> = Awaited<ReturnType<T[K]>>;

/** Message from the pool to a worker. */
export interface TaskRequest {
  id: number;
  task: string;
  input: unknown;
}

/** Message from a worker back to the pool. */
export type TaskReply = { id: number; ok: true; output: unknown } | { id: number; ok: false; message: string };

/** Runs named CPU-heavy steps off the event loop. */
export interface TaskPool<T extends TaskTable> {
  readonly size: number;
  run<K extends keyof T & string>(task: K, input: TaskInput<T, K>): Promise<TaskOutput<T, K>>;
  close(): Promise<void>;
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  busy: number;
}

/**
 * A fixed set of worker threads running out/main/worker.js (whose table is T), started lazily.
 * Tasks go to the least busy worker; a worker that dies fails its tasks and is replaced.
 */
export class ThreadPool<T extends TaskTable> implements TaskPool<T> {
  private readonly slots: (Slot | null)[];
  private readonly pending = new Map<number, Pending & { slot: number }>();
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly script: string,
    readonly size = Math.max(1, Math.min(4, availableParallelism())),
  ) {
    this.slots = new Array(size).fill(null);
  }

  private slot(i: number): Slot {
    const existing = this.slots[i];
    if (existing) return existing;
    const worker = new Worker(this.script);
    worker.unref();
    const slot: Slot = { worker, busy: 0 };
    worker.on('message', (r: TaskReply) => {
      const p = this.pending.get(r.id);
      if (!p) return;
      this.pending.delete(r.id);
      slot.busy--;
      if (r.ok) p.resolve(r.output);
      else p.reject(new Error(r.message));
    });
    const fail = (e: Error) => {
      this.slots[i] = null;
      for (const [id, p] of this.pending) {
        if (p.slot !== i) continue;
        this.pending.delete(id);
        p.reject(new Error(`worker thread stopped: ${e.message}`));
      }
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (this.slots[i] === slot) fail(new Error(`exit code ${code}`));
    });
    this.slots[i] = slot;
    return slot;
  }

  run<K extends keyof T & string>(task: K, input: TaskInput<T, K>): Promise<TaskOutput<T, K>> {
    if (this.closed) return Promise.reject(new Error('the worker pool is closed'));
    let best = 0;
    for (let i = 1; i < this.size; i++) if ((this.slots[i]?.busy ?? 0) < (this.slots[best]?.busy ?? 0)) best = i;
    const slot = this.slot(best);
    const id = this.nextId++;
    slot.busy++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, slot: best });
      // Keep the process alive while work is outstanding, not when the pool is idle.
      slot.worker.ref();
      slot.worker.postMessage({ id, task, input });
    }).finally(() => {
      if (slot.busy === 0) slot.worker.unref();
    }) as Promise<TaskOutput<T, K>>;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s?.worker.terminate()));
    this.slots.fill(null);
  }
}

/**
 * Runs tasks on the calling thread. For unit tests of job kinds (vitest runs TypeScript
 * sources, where the bundled worker does not exist) and nothing else.
 */
export class InlinePool<T extends TaskTable> implements TaskPool<T> {
  constructor(
    private readonly tasks: T,
    readonly size = 2,
  ) {}

  run<K extends keyof T & string>(task: K, input: TaskInput<T, K>): Promise<TaskOutput<T, K>> {
    const fn = this.tasks[task] as (i: TaskInput<T, K>) => Promise<TaskOutput<T, K>>;
    return fn(input);
  }

  async close(): Promise<void> {}
}
