import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobInfo } from '../../../src/common/contract';
import { readCheckpoint } from '../../../src/main/checkpoint';
import { kitModel, modelImageSize } from '../../../src/main/diffusion/kit';
import { hostTasks } from '../../../src/main/app/hostTasks';
import { InProcessEngine } from '../../../src/main/engine/client';
import { InlinePool } from '../../../src/main/jobs/pool';
import { workerTasks } from '../../../src/main/app/workerTasks';
import { loadDiffusionRig } from '../../../src/main/models/diffusionrig';
import { ModelRegistry } from '../../../src/main/models/registry';
import { stage1Weights } from '../../../src/main/train/base';
import { trainBaseJobKind, type TrainBaseJobResult } from '../../../src/main/train/trainBaseJob';
import { defaultDemoHeadDir, headModelDeps } from '../../../src/main/head/activeModel';
import { writeSyntheticFaces } from '../../helpers/editFixture';
import { openTestProject, type TestProject } from '../library/harness';
import { EstimateStore } from '../../../src/main/estimate/store';
import { codeLayout, packCode } from '../../../src/common/flame/codes';
import { exportTorchCheckpoint } from '../../../src/main/train/personalised';
import { finetuneSettings } from '../../../src/main/train/finetune';
import { albumTrainingPairs } from '../../../src/main/train/album';

describe('train-base job on two synthetic albums', () => {
  let t: TestProject;
  let albums: number[];
  const engine = new InProcessEngine(hostTasks, { backend: { providers: ['cpu'] }, trainBackend: { providers: ['cpu'], graphOptimizationLevel: 'basic' } });
  const pool = new InlinePool(workerTasks);
  const wire = () =>
    t.runner.register(trainBaseJobKind({ project: t.project, pool, engine, headModel: headModelDeps({ flameFiles: () => null, demoHeadDir: defaultDemoHeadDir() }).loadActiveModel }));
  // a tiny architecture: 16 px, two levels of 32/64 channels, attention at 8 px, latent 16
  const params = { imageSize: 16, channels: 32, channelMult: [1, 2], resBlocks: 1, attentionResolutions: [8], latentDim: 16, steps: 6, batchSize: 2, learningRate: 1e-3, seed: 3, checkpointInterval: 2 };

  beforeAll(async () => {
    t = openTestProject();
    wire();
    albums = [t.library.createAlbum('A').id, t.library.createAlbum('B').id];
    const faces = await writeSyntheticFaces(t.root, 3, 32);
    const estimates = new EstimateStore(t.project.db);
    for (const [k, face] of faces.entries()) {
      const album = albums[k === 0 ? 0 : 1];
      expect((await t.importPaths(album, [face.path])).result.imported).toBe(1);
      const photo = t.library.listPhotos(album, 0, 10).items.at(-1)!;
      estimates.saveCodes(photo.id, { name: 'synthetic', version: '1' }, face.codes);
    }
  }, 120_000);

  afterAll(async () => {
    await engine.close();
    await t.close();
  });

  let finished: TrainBaseJobResult;

  it('trains UNet and encoder from fresh weights and registers a base model with its lineage', async () => {
    const job = t.runner.start('train-base', { albumIds: albums, ...params });
    const info = await t.runner.wait(job.id);
    expect(info.state, info.message).toBe('done');
    finished = info.result as TrainBaseJobResult;
    expect(finished.step).toBe(6);
    expect(finished.lossCurve.map((p) => p.step)).toEqual([1, 2, 3, 4, 5, 6]);
    const model = new ModelRegistry(t.project.db).get(finished.model!.id);
    expect(model).toMatchObject({ kind: 'base', baseModelId: null, format: 'safetensors', imageSize: 16 });
    expect(model.config.unet).toMatchObject({ modelChannels: 32, channelMult: [1, 2], attentionDownsampleRates: [2], latentDim: 16 });
    expect(model.lineage).toMatchObject({ stage: 1, albumIds: albums, steps: 6, batchSize: 2, learningRate: 1e-3, seed: 3, imageSize: 16, jobId: job.id, encoder: 'resnet18' });
    expect((model.lineage!.photoIds as number[]).length).toBe(3);
    // the buffers' estimator as the codes name it ('synthetic' is none of DECA, EMOCA, fitting)
    expect(model.lineage!.estimators).toEqual({ synthetic: 3 });
    expect(model.estimator).toBeNull();
    expect(model.lineage!.finalLoss).toBe(finished.loss);
    expect(modelImageSize(model)).toBe(16);

    // it loads as an imported checkpoint does, and both networks trained
    const file = readCheckpoint(model.filePath).stateDict;
    const loaded = loadDiffusionRig(file, model.filePath, {}, model.config);
    expect(loaded.config).toEqual(model.config);
    const fresh = stage1Weights(model.config, params.seed);
    const changed = (key: string) => (file.get(key)!.data as Float32Array).some((v, i) => v !== (fresh.get(key)!.data as Float32Array)[i]);
    expect(changed('denoisingUNet.out.2.weight')).toBe(true);
    expect(changed('encoder.fc.weight')).toBe(true);
    expect(changed('encoder.bn1.running_mean')).toBe(true);

    // and it samples through the compute host as the Edit studio does
    const image = Float32Array.from({ length: 3 * 16 * 16 }, (_, i) => Math.sin(i) * 0.5);
    const buffers = Float32Array.from({ length: 9 * 16 * 16 }, (_, i) => Math.cos(i) * 0.5);
    const sampled = await engine.request('sample', {
      model: kitModel(model),
      imageSize: modelImageSize(model)!,
      sampler: { steps: 3, eta: 0, seed: 0, clip: true, inversion: false },
      items: [{ sourceImage: image, sourcePhysical: buffers, physical: buffers, latentImage: image }],
    });
    expect(sampled.samples).toHaveLength(1);
    expect(sampled.samples[0]).toHaveLength(3 * 16 * 16);
    expect(sampled.samples[0].every((v) => Number.isFinite(v) && v >= -1 && v <= 1)).toBe(true);
  }, 180_000);

  it('stops on a restart mid-run and, resumed, ends with the same model', async () => {
    const job = t.runner.start('train-base', { albumIds: albums, ...params, name: 'resumed' });
    const stateFile = join(t.project.paths.derived, 'train', `job-${job.id}`, 'state.safetensors');
    await new Promise<void>((resolve, reject) => {
      const check = setInterval(() => {
        const state = t.runner.get(job.id).state;
        if (existsSync(stateFile) || (state !== 'running' && state !== 'queued')) {
          clearInterval(check);
          if (existsSync(stateFile)) resolve();
          else reject(new Error(`the job ended (${state}) before it saved a state`));
        }
      }, 2);
    });
    await t.reopen(); // the app quits: the running job is left interrupted
    wire();
    expect(t.runner.get(job.id).state).toBe('interrupted');
    const before = t.events.length;
    t.runner.resume(job.id);
    const info: JobInfo = await t.runner.wait(job.id);
    expect(info.state, info.message).toBe('done');
    const stepMessages = t.events.slice(before).map((e) => e.payload as JobInfo).filter((p) => p.id === job.id && p.message?.startsWith('step ')).map((p) => p.message);
    expect(stepMessages[0]).toMatch(/^step [3-6]\/6/);
    const resumed = info.result as TrainBaseJobResult;
    expect(resumed.lossCurve).toHaveLength(6);
    const a = readCheckpoint(finished.model!.filePath).stateDict;
    const b = readCheckpoint(resumed.model!.filePath).stateDict;
    let worst = 0;
    for (const [key, tensor] of a) {
      if (tensor.dtype !== 'float32') continue;
      const x = tensor.data as Float32Array;
      const y = b.get(key)!.data as Float32Array;
      for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i] - y[i]));
    }
    expect(worst).toBeLessThan(1e-6);
  }, 180_000);

  it('refuses an architecture that cannot be built, saying why', async () => {
    const info = await t.runner.wait(t.runner.start('train-base', { albumIds: albums, ...params, attentionResolutions: [5] }).id);
    expect(info.state).toBe('failed');
    expect(info.message).toMatch(/attention at 5 px: the UNet's levels are at 16, 8 px/);
  });

  it('trains a DiffusionRig-EMO v2 base model on each photo\'s shape and identity; it exports as a .pt with the v2 keys; fine-tune pairs carry the album mean shape and the encoder trains by default', async () => {
    // v2 needs each photo's albedo code: estimator records (DECA) with one
    const estimates = new EstimateStore(t.project.db);
    const photos = albums.flatMap((album) => t.library.listPhotos(album, 0, 10).items);
    for (const photo of photos) {
      const codes = estimates.requireCodes(photo.id).codes;
      const code = packCode(codes);
      code.fill(0.1, codeLayout.tex[0], codeLayout.tex[0] + codeLayout.tex[1]);
      const identity = [1, 0, 0, 0, 1, 0];
      estimates.save(photo.id, null, { estimator: 'deca', version: 'test', faceIndex: 0, faceBoxes: [], score: 1, landmarks: [], alignedLandmarks: [], alignTransform: identity, decaTransform: identity, code, camAligned: codes.camera, emotion: {}, alreadyAligned: true, milliseconds: 0 } as never, 'aligned.png');
    }
    const info = await t.runner.wait(t.runner.start('train-base', { albumIds: albums, ...params, steps: 2, variant: 'emo-v2', name: 'v2' }).id);
    expect(info.state, info.message).toBe('done');
    const model = new ModelRegistry(t.project.db).get((info.result as TrainBaseJobResult).model!.id);
    expect(model.config.unet.faceCondition).toEqual({ shapeDim: 100, identityDim: 150 });
    expect(model.lineage).toMatchObject({ variant: 'emo-v2', estimators: { deca: 3 } });
    expect(model.estimator).toBe('deca');

    // exported as upstream PyTorch: exactly the v2 keys, recognised as v2 from them alone
    const pt = join(t.root, 'v2-export.pt');
    exportTorchCheckpoint(model, pt);
    const exported = readCheckpoint(pt).stateDict;
    const saved = readCheckpoint(model.filePath).stateDict;
    expect([...exported.keys()].sort()).toEqual([...saved.keys()].sort());
    expect(exported.get('denoisingUNet.input_blocks.1.0.cond_emb_layers.1.weight')!.shape).toEqual([64, 16 + 250]);
    expect(loadDiffusionRig(exported, pt).config.unet.faceCondition).toEqual({ shapeDim: 100, identityDim: 150 });

    // fine-tuning it feeds shape and identity per item and trains the encoder (the v2 default)
    const settings = finetuneSettings({ albumId: albums[1], modelId: model.id, steps: 1, batchSize: 2, learningRate: 1e-3, seed: 0, checkpointInterval: 1, checkpointMinutes: 10, precision: 'float32', recompute: false }, 16, model.config);
    expect(settings.trainable).toBe('all');
    const pairs = await albumTrainingPairs({ project: t.project, pool, head: await headModelDeps({ flameFiles: () => null, demoHeadDir: defaultDemoHeadDir() }).loadActiveModel() }, albums[1], 16, { faceCondition: model.config.unet.faceCondition });
    expect(pairs.pairs[0].identity!.slice(100)).toEqual(new Float32Array(50).fill(0.1));
    expect(Array.from(pairs.pairs[0].shape!)).toEqual(pairs.meanShape.map(Math.fround));
    // (the step itself is stage 1's graph, shape and identity fed and the encoder trained, run above)
    expect(finetuneSettings({ albumId: albums[1], modelId: model.id, steps: 1, batchSize: 2, learningRate: 1e-3, seed: 0, checkpointInterval: 1, checkpointMinutes: 10, precision: 'float32', recompute: false, trainEncoder: false }, 16, model.config).trainable).toBeUndefined();
  }, 180_000);
});
