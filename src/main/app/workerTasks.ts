import { renderFlameTask } from '../flame/renderTask';
import type { TaskPool } from '../jobs/pool';
import { ingestFile } from '../library/import/ingest';
import { inspectCheckpoint } from '../models/inspectTask';
import { textureHeadTask } from '../texture/task';

/**
 * The CPU-heavy steps that run in worker threads (out/main/worker.js), by name. Nothing here
 * runs an onnxruntime session: those live in the compute host (src/main/engine). A domain adds
 * its step here: one import and one entry; the function takes and returns structured-cloneable
 * values. Job kinds call them through a TaskPool (`pool.run('ingest', input)`).
 */
export const workerTasks = {
  ingest: ingestFile,
  renderFlame: renderFlameTask,
  inspectCheckpoint,
  textureHead: textureHeadTask,
};

export type WorkerTasks = typeof workerTasks;

/** A pool that runs every worker task of the product. */
export type WorkerPool = TaskPool<WorkerTasks>;
