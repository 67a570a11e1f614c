import type { Handlers } from '../../common/contract/channel';
import type { modelsContract } from '../../common/contract/models';
import type { Backend } from '../app/backend';
import { engineInfo, probeEngine } from '../nn/engine-info';
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
    'model.rename': ({ modelId, name }) => service().rename(modelId, name),
    'model.delete': ({ modelId }) => service().delete(modelId),
    'model.setImageSize': ({ modelId, imageSize }) => service().setImageSize(modelId, imageSize),
    'model.setAttention': ({ modelId, ...attention }) => service().setAttention(modelId, attention),
    // inspecting needs no project; with one open it also says whether the file is registered
    'model.inspect': ({ path, overrides }) => {
      const open = backend.current;
      return inspectCheckpointFile(backend.pool, path, overrides, open ? new ModelRegistry(open.project.db) : null);
    },
    'engine.info': async ({ probe }) => {
      let probeError: string | null = null;
      if (probe) await probeEngine().catch((error: unknown) => (probeError = error instanceof Error ? error.message : String(error)));
      return engineInfo(process.env, probeError);
    },
  } satisfies Handlers<typeof modelsContract>;
}
