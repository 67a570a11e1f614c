/**
 * The worker-thread side of a ThreadPool: answers TaskRequests from a task table. The bundle's
 * entry (out/main/worker.js, src/main/app/worker.ts) passes the product's table.
 *
 * Why worker threads and not a utility process: the backend (SQLite, job runner, HTTP server)
 * is I/O-bound and cheap, so it runs on the host's event loop (the Electron main process or
 * the `serve` Node process), and only the steps that burn CPU (hashing, decoding, FLAME
 * rendering, checkpoint inspection) are sent here. That keeps one code path for both
 * transports, keeps the database in one thread (better-sqlite3 is synchronous but its queries
 * are sub-millisecond), and keeps the Electron main thread free for the UI. sharp runs its
 * work on libuv's thread pool and does not block; onnxruntime-node does block: its
 * `session.run` executes synchronously on the calling JS thread (`run` only defers the call
 * with setImmediate), and so does session creation. That is why no session lives here or on
 * the backend's loop: every one lives in the compute host (src/main/engine/host.ts).
 */
import { parentPort } from 'node:worker_threads';
import type { TaskReply, TaskRequest, TaskTable } from './pool';

/** Runs each request from the pool through `tasks` and posts the reply back. */
export function serveTasks(tasks: TaskTable): void {
  const port = parentPort;
  if (!port) throw new Error('worker.js must run as a worker thread');
  port.on('message', (request: TaskRequest) => {
    const fn = tasks[request.task] as ((input: unknown) => Promise<unknown>) | undefined;
    const reply = (r: TaskReply) => port.postMessage(r);
    if (!fn) {
      reply({ id: request.id, ok: false, message: `unknown worker task '${request.task}'` });
      return;
    }
    fn(request.input).then(
      (output) => reply({ id: request.id, ok: true, output }),
      (e: unknown) => reply({ id: request.id, ok: false, message: e instanceof Error ? e.message : String(e) }),
    );
  });
}
