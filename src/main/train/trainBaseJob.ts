/**
 * The 'train-base' job (lane 'train'): DiffusionRig stage 1 from fresh random weights on one or
 * more albums. Every photo's buffers are rendered from its own codes (upstream's stage 1 on
 * FFHQ; stage 2's mean shape is for one person), UNet and encoder train jointly with the
 * P2-weighted ε-MSE, Adam at a constant learning rate and grad-norm clipping 1.0. The run is one
 * 'trainBase' request to the compute host: fresh weights, every step, the state files
 * (derived/train/job-<id>/, by steps and minutes, fsynced; a resume continues from them exactly)
 * and the model file happen there, off this event loop. At the end the model is registered as
 * kind 'base' with its architecture, image size and lineage, so Edit and Fine-tune use it like
 * an imported checkpoint.
 */
import { join } from 'node:path';
import { AppError } from '../core/errors';
import type { TrainBaseJobResult, TrainBaseParams } from '../../common/contract/trainBase';
import { trainBaseParamsSchema } from '../../common/contract/trainBase';
import type { Engine } from '../engine/client';
import type { TrainHostTasks } from './hostTasks';
import { transferables } from '../engine/protocol';
import { ModelAssetStore } from '../flame/assets';
import type { FlameTasks } from '../flame/renderTask';
import type { TaskPool } from '../jobs/pool';
import { defineJobKind } from '../jobs/types';
import type { Project } from '../library/project';
import { describeConfig, encoderName } from '../models/config';
import { ModelRegistry } from '../models/registry';
import { resolveDataDir } from '../settings/dataDir';
import { defaultDemoHeadDir, flameFilesFrom, headModelDeps } from '../head/activeModel';
import type { ActiveHeadModel } from '../head/activeModel';
import { albumName } from '../library/lookup';
import { albumsTrainingPairs, trainingEstimator } from './album';
import { EstimateStore } from '../estimate/store';
import { trainingSetByName, trainingSetPairs } from './trainingSets';
import { stage1Config } from './base';
import type { FinetuneSettings } from './finetune';
import { followTrainingRun } from './runProgress';

export type { TrainBaseJobResult, TrainBaseParams };

/** The optimiser and loss, as recorded in the lineage. */
export const stage1Recipe = 'Adam (0.9, 0.999, eps 1e-8), constant lr, grad-norm clip 1.0, P2 k=1 γ=1, linear β 1000 steps; UNet + encoder jointly, BatchNorm running stats updated (train mode)';

/** The run settings of a job's parameters (schema defaults applied). */
export function trainBaseSettings(p: TrainBaseParams): FinetuneSettings {
  return {
    batchSize: p.batchSize,
    learningRate: p.learningRate,
    seed: p.seed,
    imageSize: p.imageSize,
    steps: p.steps,
    checkpointInterval: p.checkpointInterval,
    checkpointMinutes: p.checkpointMinutes,
    trainable: 'all',
  };
}

/** The job kind, for one open project. */
export function trainBaseJobKind(deps: {
  project: Project;
  pool: TaskPool<FlameTasks>;
  engine: Engine<TrainHostTasks>;
  /** The head model buffers are rendered with (default: the researcher's FLAME from Settings, else the demo head). */
  headModel?: () => Promise<ActiveHeadModel>;
}) {
  const headModel = deps.headModel ?? (() => headModelDeps({ flameFiles: flameFilesFrom(new ModelAssetStore(resolveDataDir())), demoHeadDir: defaultDemoHeadDir() }).loadActiveModel());
  return defineJobKind<TrainBaseParams>({
    kind: 'train-base',
    lane: 'train',
    params: trainBaseParamsSchema,
    title: (p) => `Train a base model (${p.imageSize} px, ${p.channels} ch) on ${[p.albumIds.length ? p.albumIds.map((id) => albumName(deps.project.db, id)).join(', ') : '', p.trainingSets.length ? `training set${p.trainingSets.length > 1 ? 's' : ''} ${p.trainingSets.join(', ')}` : ''].filter(Boolean).join(' and ')} (${p.steps} steps)`,
    async run(ctx): Promise<TrainBaseJobResult> {
      const { project } = deps;
      const p = ctx.params;
      if (p.albumIds.length + p.trainingSets.length === 0) throw new AppError('invalid-params', 'train on at least one album or training set');
      const config = stage1Config(p); // a configuration that cannot be built fails here, before any rendering
      ctx.progress(null, 'rendering the albums\' buffers from each photo\'s own codes');
      const head = await headModel();
      const data = p.albumIds.length
        ? await albumsTrainingPairs({ project, pool: deps.pool, head }, p.albumIds, p.imageSize, {
            signal: ctx.signal,
            faceCondition: config.unet.faceCondition,
            onPhoto: (done, total) => ctx.progress(null, `rendering buffers ${done}/${total}`),
          })
        : { pairs: [], photoIds: [] };
      const fromSets = await trainingSetPairs(project.db, p.trainingSets, p.imageSize, { signal: ctx.signal, onRecord: (name, done, total) => ctx.progress(null, `reading training set "${name}" ${done}/${total}`) });
      data.pairs.push(...fromSets);
      ctx.log('info', `${data.pairs.length} training pairs at ${p.imageSize} px from ${[p.albumIds.length ? `album(s) ${p.albumIds.join(', ')}` : '', p.trainingSets.length ? `training set(s) ${p.trainingSets.join(', ')}` : ''].filter(Boolean).join(' and ')} (attempt ${ctx.attempt})`);

      const settings = trainBaseSettings(p);
      const follow = followTrainingRun(ctx, p.steps);
      ctx.progress(null, 'training from fresh weights in the compute engine');
      const run = await deps.engine.request(
        'trainBase',
        { config, pairs: data.pairs, settings, stateDir: join(project.paths.derived, 'train', `job-${ctx.jobId}`), outputDir: join(project.paths.derived, 'models') },
        {
          signal: ctx.signal,
          transfer: transferables(data.pairs),
          onEvent: follow.onEvent,
        },
      );
      const { model: written, curve } = follow.finish(run);
      ctx.complete(); // the run is done: a late cancel must not leave a registered model under a 'cancelled' job
      ctx.progress(1, 'registering the base model');
      const finalLoss = run.losses.at(-1) ?? null;
      const used = trainingEstimator(new EstimateStore(project.db), data.photoIds);
      const registry = new ModelRegistry(project.db);
      const model = registry.add({
        name: registry.uniqueName(p.name ?? `Base ${p.imageSize} px · ${p.channels} ch · ${run.step} steps`),
        kind: 'base',
        sourcePath: written.path,
        filePath: written.path,
        format: 'safetensors',
        sha256: written.sha256,
        sizeBytes: written.sizeBytes,
        config,
        parameterCount: written.parameterCount,
        baseModelId: null,
        imageSize: p.imageSize,
        estimator: used.estimator,
        lineage: {
          stage: 1,
          variant: p.variant,
          estimators: used.counts,
          architecture: describeConfig(config, p.imageSize),
          encoder: encoderName(config.encoder),
          albumIds: p.albumIds,
          photoIds: data.photoIds,
          trainingSets: p.trainingSets.map((name) => trainingSetByName(project.db, name)).map(({ name, path, length }) => ({ name, path, length })),
          buffers: 'each photo\'s own FLAME codes',
          // which head rendered the buffers: a model only edits well with buffers of the same head
          head: head.source,
          imageSize: p.imageSize,
          steps: run.step,
          batchSize: p.batchSize,
          learningRate: p.learningRate,
          seed: p.seed,
          initialisation: 'PyTorch default (uniform ±1/√fan_in) with guided-diffusion zero_module convs zeroed',
          optimiser: stage1Recipe,
          jobId: ctx.jobId,
          finalLoss,
        },
      }).model;
      const result: TrainBaseJobResult = { step: run.step, steps: p.steps, loss: finalLoss, stepsPerSecond: null, lossCurve: curve, model: { id: model.id, name: model.name, filePath: model.filePath } };
      ctx.setResult(result);
      ctx.log('info', `registered base model ${model.id} (${model.name})`);
      ctx.progress(1, `registered as model ${model.id}`);
      return result;
    },
  });
}
