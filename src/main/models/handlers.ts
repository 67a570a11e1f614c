import type { Handlers } from '../../common/contract/channel';
import type { modelsContract } from '../../common/contract/models';
import type { Engine } from '../engine/client';
import { engineInfoFromHost } from '../engine/info';
import type { TaskPool } from '../jobs/pool';
import type { ProjectSlot } from '../library/openProject';
import type { InspectTasks } from './inspect-task';
import { ModelRegistry } from './registry';
import { inspectCheckpointFile, ModelService } from './service';

/** What the model and engine channels need: the open project (if any), the worker pool and the compute host. */
export interface ModelHandlerDeps {
  projects: ProjectSlot;
  pool: TaskPool<InspectTasks>;
  engine: Engine;
}

/** The model and engine channels → the model service and engine info (spread into the app's handler map). */
export function modelHandlers({ projects, pool, engine }: ModelHandlerDeps) {
  const service = () => {
    const { project, jobs } = projects.require();
    return new ModelService({ project, jobs, pool });
  };
  return {
    'model.list': () => service().list(),
    'model.get': ({ modelId }) => service().get(modelId),
    'model.import': (params) => service().import(params),
    'model.rename': ({ modelId, name }) => service().rename(modelId, name),
    'model.delete': ({ modelId }) => service().delete(modelId),
    'model.setImageSize': ({ modelId, imageSize }) => service().setImageSize(modelId, imageSize),
    'model.setPrecision': ({ modelId, precision }) => service().setPrecision(modelId, precision),
    'model.setAttention': ({ modelId, ...attention }) => service().setAttention(modelId, attention),
    // inspecting needs no project; with one open it also says whether the file is registered
    'model.inspect': ({ path, overrides }) => {
      const open = projects.current;
      return inspectCheckpointFile(pool, path, overrides, open ? new ModelRegistry(open.project.db) : null);
    },
    // the sessions live in the compute host: its session log, and whether it is busy
    'engine.info': ({ probe }) => engineInfoFromHost(engine, probe),
  } satisfies Handlers<typeof modelsContract>;
}
