import type { Handlers } from '../../common/contract/channel';
import type { modelsContract } from '../../common/contract/models';
import type { TaskPool } from '../jobs/pool';
import type { ProjectSlot } from '../library/openProject';
import { ensureDemoModel } from './demoModel';
import type { InspectTasks } from './inspectTask';
import { ModelRegistry } from './registry';
import { inspectCheckpointFile, ModelService } from './service';
import { uploadFolders } from './uploads';

/** What the model channels need: the open project (if any) and the worker pool. */
export interface ModelHandlerDeps {
  projects: ProjectSlot;
  pool: TaskPool<InspectTasks>;
}

/** The model channels → the model service (spread into the app's handler map; 'engine.info' is engine/handlers.ts). */
export function modelHandlers({ projects, pool }: ModelHandlerDeps) {
  const service = () => {
    const { project, jobs } = projects.require();
    return new ModelService({ project, jobs, pool });
  };
  return {
    'model.list': () => service().list(),
    'model.get': ({ modelId }) => service().get(modelId),
    'model.import': (params) => service().import(params),
    'model.addDemo': async () => {
      const added = await ensureDemoModel(projects.require().project, { pool });
      return added ? service().list().find((m) => m.id === added.id) ?? null : null;
    },
    'model.rename': ({ modelId, name }) => service().rename(modelId, name),
    'model.delete': ({ modelId }) => service().delete(modelId),
    'model.setImageSize': ({ modelId, imageSize }) => service().setImageSize(modelId, imageSize),
    'model.setPrecision': ({ modelId, precision }) => service().setPrecision(modelId, precision),
    'model.setEstimator': ({ modelId, estimator, albedoBasis }) => service().setEstimator(modelId, estimator, albedoBasis),
    'model.setAttention': ({ modelId, ...attention }) => service().setAttention(modelId, attention),
    // inspecting needs no project; with one open it also says whether the file is registered
    'model.inspect': ({ path, overrides }) => {
      const open = projects.current;
      return inspectCheckpointFile(pool, path, overrides, open ? new ModelRegistry(open.project.db) : null, open ? uploadFolders(open.project.paths) : []);
    },
  } satisfies Omit<Handlers<typeof modelsContract>, 'engine.info'>;
}
