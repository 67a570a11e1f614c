import type { Handlers } from '../../common/contract/channel';
import type { modelsContract } from '../../common/contract/models';
import type { Backend } from '../app/backend';
import { engineInfoFromHost } from '../engine/info';
import { ensureDemoModel } from './demoModel';
import { ModelRegistry } from './registry';
import { inspectCheckpointFile, ModelService } from './service';

/** The model and engine channels → the model service and engine info (spread into the app's handler map). */
export function modelHandlers(backend: Backend) {
  const service = () => {
    const { project, jobs } = backend.require();
    return new ModelService({ project, jobs, pool: backend.pool });
  };
  return {
    'model.list': () => service().list(),
    'model.get': ({ modelId }) => service().get(modelId),
    'model.import': (params) => service().import(params),
    'model.addDemo': async () => {
      const added = await ensureDemoModel(backend.require().project, { pool: backend.pool });
      return added ? service().list().find((m) => m.id === added.id) ?? null : null;
    },
    'model.rename': ({ modelId, name }) => service().rename(modelId, name),
    'model.delete': ({ modelId }) => service().delete(modelId),
    'model.setImageSize': ({ modelId, imageSize }) => service().setImageSize(modelId, imageSize),
    'model.setPrecision': ({ modelId, precision }) => service().setPrecision(modelId, precision),
    'model.setAttention': ({ modelId, ...attention }) => service().setAttention(modelId, attention),
    // inspecting needs no project; with one open it also says whether the file is registered
    'model.inspect': ({ path, overrides }) => {
      const open = backend.current;
      return inspectCheckpointFile(backend.pool, path, overrides, open ? new ModelRegistry(open.project.db) : null);
    },
    // the sessions live in the compute host: its session log, and whether it is busy
    'engine.info': ({ probe }) => engineInfoFromHost(backend.engine, probe),
  } satisfies Handlers<typeof modelsContract>;
}
