import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type TaskInput, type TaskName, type TaskOutput, type TaskReply, workerTasks } from './tasks';

/** Runs named CPU-heavy steps off the event loop. */
export interface TaskPool {
  readonly size: number;
  run<K extends TaskName>(task: K, input: TaskInput<K>): Promise<TaskOutput<K>>;
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
 * A fixed set of worker threads running out/main/worker.js, started lazily. Tasks go to the
 * least busy worker; a worker that dies fails its tasks and is replaced.
 */
export class ThreadPool implements TaskPool {
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

  run<K extends TaskName>(task: K, input: TaskInput<K>): Promise<TaskOutput<K>> {
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
    }) as Promise<TaskOutput<K>>;
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
export class InlinePool implements TaskPool {
  constructor(readonly size = 2) {}

  run<K extends TaskName>(task: K, input: TaskInput<K>): Promise<TaskOutput<K>> {
    const fn = workerTasks[task] as (i: TaskInput<K>) => Promise<TaskOutput<K>>;
    return fn(input);
  }

  async close(): Promise<void> {}
}
