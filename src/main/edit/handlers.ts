import type { Handlers } from '../../common/contract/channel';
import type { editContract } from '../../common/contract/edit';
import type { Backend } from '../app/backend';
import { EditService } from './service';

/** The Edit studio's channels → the open project's EditService (spread into the app's handler map). */
export function editHandlers(backend: Backend) {
  const service = () => {
    const open = backend.require();
    return new EditService(backend.edit, open.project, backend.pool, open.jobs);
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
    'edit.exportGrid': ({ jobId }) => service().grid(jobId),
    'edit.exportResults': ({ jobId, dir }) => service().exportResults(jobId, dir),
    'edit.scoresCsv': ({ jobId }) => service().scoresCsv(jobId),
    'edit.sweep': (params) => service().startSweep(params),
    'edit.sweepView': ({ jobId, media }) => service().sweepView(jobId, media),
  } satisfies Handlers<typeof editContract>;
}
