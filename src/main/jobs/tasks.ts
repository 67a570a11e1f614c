import { renderFlameTask } from '../flame/render-task';
import { ingestFile } from '../library/import/ingest';
import { inspectCheckpoint } from '../models/inspect-task';
import { textureHeadTask } from '../texture/task';

/**
 * CPU-heavy steps that run in worker threads (out/main/worker.js), by name. Nothing here runs
 * an onnxruntime session: those live in the compute host (src/main/engine). A domain adds its
 * step here: one import and one entry; the function takes and returns structured-cloneable
 * values. Job kinds call them through a TaskPool (`pool.run('ingest', input)`).
 */
export const workerTasks = {
  ingest: ingestFile,
  renderFlame: renderFlameTask,
  inspectCheckpoint,
  textureHead: textureHeadTask,
};

export type WorkerTasks = typeof workerTasks;
export type TaskName = keyof WorkerTasks;
export type TaskInput<K extends TaskName> = Parameters<WorkerTasks[K]>[0];
export type TaskOutput<K extends TaskName> = Awaited<ReturnType<WorkerTasks[K]>>;

/** Message from the pool to a worker. */
export interface TaskRequest {
  id: number;
  task: TaskName;
  input: unknown;
}

/** Message from a worker back to the pool. */
export type TaskReply = { id: number; ok: true; output: unknown } | { id: number; ok: false; message: string };
