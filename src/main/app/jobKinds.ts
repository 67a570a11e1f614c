import type { EmitEvent } from '../api/events';
import type { TaskPool } from '../jobs/pool';
import type { JobKind } from '../jobs/types';
import { editJobKind } from '../edit/job';
import { sharedEditEngine } from '../edit/service';
import { sweepJobKind } from '../edit/sweep';
import { importJobKind } from '../library/import/importJob';
import { modelImportJobKind } from '../models/import-job';
import { estimateJobKind } from '../estimate/job';
import type { Project } from '../library/project';
import { finetuneJobKind } from '../train/finetuneJob';

/** What a job kind may use: the open project, the worker threads, the event bus. */
export interface JobKindDeps {
  project: Project;
  pool: TaskPool;
  emit: EmitEvent;
}

/**
 * Every kind of job the backend can run, made for one open project. A domain adds its kind
 * here: one import and one entry (estimate, train, sample, ...).
 */
export function jobKinds(deps: JobKindDeps): JobKind<never>[] {
  return [importJobKind(deps), modelImportJobKind(deps), estimateJobKind(deps), editJobKind({ ...deps, engine: sharedEditEngine() }), sweepJobKind({ ...deps, engine: sharedEditEngine() }), finetuneJobKind(deps)] as JobKind<never>[];
}
