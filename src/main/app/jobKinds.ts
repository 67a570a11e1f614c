import type { EmitEvent } from '../core/events';
import type { AppEngine } from './hostTasks';
import type { WorkerPool } from './workerTasks';
import type { JobKind } from '../jobs/types';
import { editJobKind } from '../edit/editJob';
import type { EditEngine } from '../edit/engine';
import { sweepJobKind } from '../edit/sweepJob';
import { importJobKind } from '../library/import/importJob';
import { modelImportJobKind } from '../models/modelImportJob';
import { estimateJobKind } from '../estimate/estimateJob';
import type { Project } from '../library/project';
import { finetuneJobKind } from '../train/finetuneJob';
import { trainBaseJobKind } from '../train/trainBaseJob';
import { datasetExportJobKind } from '../train/datasetExportJob';

/** What a job kind may use: the open project, the worker threads, the event bus, the compute engine. */
export interface JobKindDeps {
  project: Project;
  pool: WorkerPool;
  emit: EmitEvent;
  /** The compute host every onnxruntime session lives in. */
  engine: AppEngine;
  /** The Edit studio's engine (on `engine`). */
  edit: EditEngine;
}

/**
 * Every kind of job the backend can run, made for one open project. A domain adds its kind
 * here: one import and one entry (estimate, train, sample, ...).
 */
export function jobKinds(deps: JobKindDeps): JobKind<never>[] {
  return [importJobKind(deps), modelImportJobKind(deps), estimateJobKind(deps), editJobKind({ ...deps, engine: deps.edit }), sweepJobKind({ ...deps, engine: deps.edit }), finetuneJobKind(deps), trainBaseJobKind(deps), datasetExportJobKind(deps)] as JobKind<never>[];
}
