import type { Handlers } from '../../common/contract/channel';
import type { editContract } from '../../common/contract/edit';
import type { FlameTasks } from '../flame/renderTask';
import type { TaskPool } from '../jobs/pool';
import type { ProjectSlot } from '../library/openProject';
import type { EditEngine } from './engine';
import { EditService } from './service';

/** What the Edit studio's channels need: the open project, the edit engine and the worker pool. */
export interface EditHandlerDeps {
  projects: Pick<ProjectSlot, 'require'>;
  engine: EditEngine;
  pool: TaskPool<FlameTasks>;
}

/** The Edit studio's channels → the open project's EditService (spread into the app's handler map). */
export function editHandlers({ projects, engine, pool }: EditHandlerDeps) {
  const service = () => {
    const open = projects.require();
    return new EditService(engine, open.project, pool, open.jobs);
  };
  return {
    'edit.models': () => service().models(),
    'edit.estimates': ({ albumId }) => service().estimates(albumId),
    'edit.photoCodes': ({ photoId }) => service().photoCodes(photoId),
    'edit.start': (params) => service().start(params),
    'edit.jobs': ({ limit }) => service().recentJobs(limit),
    'edit.job': ({ jobId }) => service().job(jobId),
    'edit.results': ({ albumId }) => service().results(albumId),
    'edit.image': ({ resultId, kind }) => service().image(resultId, kind),
    'edit.delete': ({ resultIds }) => service().delete(resultIds),
    'edit.rerun': ({ resultId }) => service().rerun(resultId),
    'edit.exportGrid': ({ jobId, scores }) => service().grid(jobId, { scores }),
    'edit.exportResults': ({ jobId, dir }) => service().exportResults(jobId, dir),
    'edit.scoresCsv': ({ jobId }) => service().scoresCsv(jobId),
    'edit.comparison': ({ jobId }) => service().comparison(jobId),
    'edit.sweep': (params) => service().startSweep(params),
    'edit.sweepView': ({ jobId, media }) => service().sweepView(jobId, media),
  } satisfies Handlers<typeof editContract>;
}
