import type { ApiHandlers } from '../../common/contract';
import type { Backend } from '../app/backend';
import { openDemo } from '../app/demo';
import { editHandlers } from '../edit/handlers';
import { engineHandlers } from '../engine/handlers';
import { ModelAssetStore } from '../flame/assets';
import { estimateHandlers } from '../estimate/handlers';
import { flameHandlers } from '../flame/handlers';
import { listDir } from '../server/fsList';
import { modelHandlers } from '../models/handlers';
import { defaultDemoHeadDir, flameFilesFrom, headModelDeps } from '../head/activeModel';
import { viewportHandlers } from '../viewport/handlers';
import { ViewportService } from '../viewport/viewportService';
import { trainHandlers } from '../train/handlers';
import { exportHandlers } from '../texture/handlers';

/**
 * Every contract channel → the service call that answers it. Handlers only adapt: parameters
 * arrive validated (dispatch.ts) and services do the work. `satisfies ApiHandlers` makes tsc
 * fail on a missing or an extra channel (see test/main/api/contract.test.ts).
 *
 * A domain with its own contract file adds its handlers as one spread line
 * (`...viewportHandlers(viewport)`). Its factory takes the services it uses, made here or
 * taken from the backend (the open-project slot, the worker pool, the compute engine), never
 * the backend itself, so domains do not import app/.
 */
export function createHandlers(backend: Backend) {
  const heads = { flameFiles: flameFilesFrom(new ModelAssetStore(backend.dataDir)), demoHeadDir: defaultDemoHeadDir() };
  const viewport = new ViewportService(headModelDeps(heads));
  const handlers = {
    'app.info': () => backend.appInfo(),
    'project.recent': () => backend.settings.recentProjects(),
    'project.create': ({ dir, name }) => backend.createProject(dir, name),
    'project.open': ({ dir }) => backend.open(dir),
    'project.current': () => backend.current?.project.info() ?? null,
    'project.openDemo': () => openDemo(backend),
    'project.close': () => backend.closeProject(),
    'album.list': () => backend.require().library.listAlbums(),
    'album.create': ({ name }) => backend.require().library.createAlbum(name),
    'album.rename': ({ albumId, name }) => backend.require().library.renameAlbum(albumId, name),
    'album.delete': ({ albumId }) => {
      backend.require().library.deleteAlbum(albumId);
    },
    'photo.list': ({ albumId, offset, limit }) => backend.require().library.listPhotos(albumId, offset, limit),
    'photo.get': ({ photoId }) => backend.require().library.getPhoto(photoId),
    'photo.delete': ({ photoIds }) => backend.require().library.deletePhotos(photoIds),
    'import.start': ({ albumId, paths }) => {
      const { library, jobs } = backend.require();
      library.getAlbum(albumId); // a missing album is the caller's error now, not the job's later
      return { jobId: jobs.start('import', { albumId, paths }).id };
    },
    'fs.list': ({ dir }) => listDir(dir),
    'job.list': ({ limit }) => backend.require().jobs.list(limit),
    'job.get': ({ jobId }) => backend.require().jobs.get(jobId),
    'job.cancel': ({ jobId }) => backend.require().jobs.cancel(jobId),
    'job.resume': ({ jobId }) => backend.require().jobs.resume(jobId),
    'job.rerun': ({ jobId }) => backend.require().jobs.rerun(jobId),
    ...viewportHandlers(viewport, () => backend.require().project),
    ...editHandlers({ projects: backend, engine: backend.edit, pool: backend.pool }),
    ...flameHandlers(new ModelAssetStore(backend.dataDir)),
    ...modelHandlers({ projects: backend, pool: backend.pool }),
    ...engineHandlers(backend.engine),
    ...estimateHandlers({ openProject: () => backend.require(), assets: () => new ModelAssetStore(backend.dataDir).current() }),
    ...trainHandlers(backend),
    ...exportHandlers({ projects: backend, pool: backend.pool, heads }),
  } satisfies ApiHandlers;
  return handlers;
}

export type BackendHandlers = ReturnType<typeof createHandlers>;
