import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InlinePool } from '../../../src/main/jobs/pool';
import { workerTasks } from '../../../src/main/app/workerTasks';
import { JobRunner } from '../../../src/main/jobs/runner';
import { Project } from '../../../src/main/library/project';
import { kitModel, modelImageSize } from '../../../src/main/diffusion/kit';
import { modelImportJobKind } from '../../../src/main/models/modelImportJob';
import { ModelRegistry, modelNameFromFile } from '../../../src/main/models/registry';
import { ModelService } from '../../../src/main/models/service';
import { sharedPath } from '../../helpers/shared';
import { tempDir } from '../library/fixtures';

const fixture = sharedPath('fixtures', 'diffusionrig-a', 'model000000.pt');
const pool = new InlinePool(workerTasks);
const tmp = tempDir('rig-model-settings-');
let project: Project;
let jobs: JobRunner;
let service: ModelService;

beforeAll(() => {
  project = Project.create(join(tmp.dir, 'project'), 'Models');
  jobs = new JobRunner(project.db, undefined, { progressIntervalMs: 0 });
  jobs.register(modelImportJobKind({ project, pool }));
  service = new ModelService({ project, jobs, pool });
});
afterAll(async () => {
  await jobs.close();
  project.close();
  tmp.cleanup();
});

describe('modelNameFromFile', () => {
  it('drops checkpoint extensions, keeps other dots', () => {
    expect(modelNameFromFile('/runs/a/model000000.pt')).toBe('model000000');
    expect(modelNameFromFile('C:\\runs\\ema_0.9999_050000.safetensors')).toBe('ema_0.9999_050000');
    expect(modelNameFromFile('stage1.pth.tar')).toBe('stage1');
    expect(modelNameFromFile('weights.npz')).toBe('weights');
    expect(modelNameFromFile('v1.2')).toBe('v1.2');
  });
});

describe('model settings the weights do not record', () => {
  it('imports under the file name without its extension, with the image size open; a chosen size is stored and used', async () => {
    const { jobIds } = service.import({ paths: [fixture] });
    expect((await jobs.wait(jobIds[0])).state).toBe('done');
    const [model] = service.list();
    expect(model.name).toBe('model000000');
    // the 64-px fixture's channel multipliers are not upstream's default for any size
    expect(model).toMatchObject({ imageSize: null, imageSizeSource: null });
    const registry = new ModelRegistry(project.db);
    expect(modelImageSize(registry.get(model.id))).toBeNull();

    expect(service.setImageSize(model.id, 64)).toMatchObject({ imageSize: 64, imageSizeSource: 'chosen' });
    expect(service.get(model.id).upstreamArgs.image_size).toBe(64);
    expect(modelImageSize(registry.get(model.id))).toBe(64);
    // an explicit size still wins (a one-off run at another size)
    expect(modelImageSize(registry.get(model.id), 32)).toBe(32);
    expect(service.setImageSize(model.id, null)).toMatchObject({ imageSize: null, imageSizeSource: null });
    service.setImageSize(model.id, 64);
  });

  it('keeps a compute precision per model (automatic unless chosen), which the kit runs the model at', () => {
    const [model] = service.list();
    expect(model.precision).toBe('auto');
    expect(service.setPrecision(model.id, 'float32')).toMatchObject({ precision: 'float32' });
    expect(kitModel(new ModelRegistry(project.db).get(model.id)).precision).toBe('float32');
    expect(service.setPrecision(model.id, 'auto').precision).toBe('auto');
  });

  it('changes attention heads and order later, and refuses heads that cannot split the channels', () => {
    const [model] = service.list();
    const channels = model.architecture.unet.modelChannels * model.architecture.unet.channelMult[Math.log2(model.architecture.unet.attentionDownsampleRates[0])];
    const updated = service.setAttention(model.id, { numHeadChannels: channels, useNewAttentionOrder: true });
    expect(updated.architecture.unet).toMatchObject({ numHeadChannels: channels, useNewAttentionOrder: true });
    expect(service.get(model.id).upstreamArgs).toMatchObject({ num_head_channels: channels, use_new_attention_order: true });
    expect(() => service.setAttention(model.id, { numHeadChannels: channels + 1 })).toThrow(/cannot be split into heads of/);
    expect(() => service.setAttention(model.id, { numHeadChannels: -1, numHeads: channels + 1 })).toThrow(/cannot be split into \d+ heads/);
    // a refused change leaves the stored settings as they were
    expect(service.list()[0].architecture.unet.numHeadChannels).toBe(channels);
    service.setAttention(model.id, { numHeadChannels: -1, numHeads: 1, useNewAttentionOrder: false });
    expect(service.list()[0].architecture.unet).toMatchObject({ numHeadChannels: -1, numHeads: 1, numHeadsUpsample: 1, useNewAttentionOrder: false });
  });

  it('finds a model by id, name or checkpoint file name, and says when a name is ambiguous', () => {
    const registry = new ModelRegistry(project.db);
    const [model] = service.list();
    expect(registry.find(String(model.id))?.id).toBe(model.id);
    expect(registry.find('model000000')?.id).toBe(model.id);
    expect(registry.find('model000000.pt')?.id).toBe(model.id);
    service.rename(model.id, 'Base A');
    expect(registry.find('Base A')?.id).toBe(model.id);
    expect(registry.find('model000000.pt')?.id).toBe(model.id);
    expect(registry.find('model000000')?.id).toBe(model.id);
    expect(registry.find('nope')).toBeUndefined();
    const copy = registry.add({ ...registry.get(model.id), name: 'Base A', sha256: 'f'.repeat(64) }).model;
    expect(() => registry.find('Base A')).toThrow(new RegExp(`ids ${model.id}, ${copy.id}`));
  });
});

describe('the estimator of a model buffers', () => {
  it('is not known after import, is kept once chosen, and takes an albedo basis only for EMOCA', async () => {
    const model = service.list()[0] ?? (await (async () => {
      const { jobIds } = service.import({ paths: [fixture] });
      await jobs.wait(jobIds[0]);
      return service.list()[0];
    })());
    expect(model).toMatchObject({ estimator: null, albedoBasis: null });
    expect(service.setEstimator(model.id, 'emoca', 'flame-texture')).toMatchObject({ estimator: 'emoca', albedoBasis: 'flame-texture' });
    expect(service.list().find((m) => m.id === model.id)).toMatchObject({ estimator: 'emoca', albedoBasis: 'flame-texture' });
    expect(() => service.setEstimator(model.id, 'deca', 'bfm')).toThrow(/albedo basis is a setting of EMOCA models only/);
    expect(service.setEstimator(model.id, 'deca', null)).toMatchObject({ estimator: 'deca', albedoBasis: null });
    expect(service.setEstimator(model.id, null, null)).toMatchObject({ estimator: null });
  });
});
