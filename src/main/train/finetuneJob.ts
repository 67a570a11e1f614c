/**
 * The 'finetune' job (lane 'train', so imports and edits keep running beside it): DiffusionRig
 * stage 2 on one album. It renders every photo's buffers with the album's mean shape, trains
 * the UNet of a registered base model (encoder frozen, BatchNorm on batch statistics, as
 * upstream), writes the run state under derived/train/job-<id>/ every checkpoint interval and
 * on cancel, continues from it when resumed (after a cancel, a crash or a restart), and at the
 * end registers the personalised model with its lineage. Progress: step, loss, steps/s, ETA;
 * the result carries the loss curve while running. The run itself (train/finetune.ts) is one
 * 'finetune' request to the compute host (src/main/engine): checkpoint read, every train step,
 * the run state files and the personalised model's file happen there, off this event loop.
 */
import { join } from 'node:path';
import type { FinetuneJobResult, FinetuneParams } from '../../common/contract/train';
import { finetuneParamsSchema } from '../../common/contract/train';
import { kitModel, modelImageSize } from '../diffusion/kit';
import type { Engine } from '../engine/client';
import type { TrainHostTasks } from './hostTasks';
import { transferables } from '../engine/protocol';
import { ModelAssetStore } from '../flame/assets';
import type { FlameTasks } from '../flame/renderTask';
import type { TaskPool } from '../jobs/pool';
import { defineJobKind } from '../jobs/types';
import type { Project } from '../library/project';
import type { ModelRecord } from '../models/registry';
import { ModelRegistry } from '../models/registry';
import { resolveDataDir } from '../settings/dataDir';
import { defaultDemoHeadDir, flameFilesFrom, headModelDeps } from '../head/activeModel';
import type { ActiveHeadModel } from '../head/activeModel';
import { albumName } from '../library/lookup';
import { albumTrainingPairs, trainingEstimator } from './album';
import { EstimateStore } from '../estimate/store';
import { trainingSetPairs } from './trainingSets';
import { finetuneSettings } from './finetune';
import { followTrainingRun } from './runProgress';

/** The job's parameters (the contract's schema: one source for the UI, the CLI and the job). */
export const finetuneParams = finetuneParamsSchema;
export type { FinetuneJobResult, FinetuneParams };

export { lossCurve } from './runProgress';

/** A model's name for a job title (`model <id>` when it is gone). */
function modelLabel(project: Project, modelId: number): string {
  try {
    return new ModelRegistry(project.db).get(modelId).name;
  } catch {
    return `model ${modelId}`;
  }
}

/** The job kind, for one open project. */
export function finetuneJobKind(deps: {
  project: Project;
  pool: TaskPool<FlameTasks>;
  /** The compute host the run goes to (its training backend never converts graphs to float16 by itself: precision is the run's choice). */
  engine: Engine<TrainHostTasks>;
  /** The head model buffers are rendered with (default: the researcher's FLAME from Settings, else the demo head). */
  headModel?: () => Promise<ActiveHeadModel>;
}) {
  const headModel = deps.headModel ?? (() => headModelDeps({ flameFiles: flameFilesFrom(new ModelAssetStore(resolveDataDir())), demoHeadDir: defaultDemoHeadDir() }).loadActiveModel());
  return defineJobKind<FinetuneParams>({
    kind: 'finetune',
    lane: 'train',
    params: finetuneParams,
    title: (p) => `Fine-tune ${modelLabel(deps.project, p.modelId)} on ${albumName(deps.project.db, p.albumId)} (${p.steps} steps)`,
    async run(ctx): Promise<FinetuneJobResult> {
      const { project } = deps;
      const p = ctx.params;
      let base: ModelRecord;
      try {
        base = new ModelRegistry(project.db).get(p.modelId);
      } catch {
        throw new Error(`model ${p.modelId} is not registered in this project`);
      }
      const size = modelImageSize(base, p.imageSize);
      if (!size) throw new Error(`the weights of model ${p.modelId} (${base.name}) do not tell the image size it was trained at: enter it in the Fine-tune dialog's Image size field (or on the model's details in Models), e.g. 64, 128 or 256`);
      ctx.progress(null, 'rendering the album\'s buffers with its mean shape');
      const head = await headModel();
      const album = await albumTrainingPairs({ project, pool: deps.pool, head }, p.albumId, size, {
        signal: ctx.signal,
        faceCondition: base.config.unet.faceCondition,
        onPhoto: (done, total) => ctx.progress(null, `rendering buffers ${done}/${total}`),
      });
      const sets = p.trainingSets ?? [];
      album.pairs.push(...(await trainingSetPairs(project.db, sets, size, { signal: ctx.signal, onRecord: (name, done, total) => ctx.progress(null, `reading training set "${name}" ${done}/${total}`) })));
      ctx.log('info', `${album.pairs.length} training pairs at ${size} px${sets.length ? ` (album ${p.albumId} and training set${sets.length > 1 ? 's' : ''} ${sets.join(', ')})` : ''} (attempt ${ctx.attempt})`);

      // the whole run is one request to the compute host: the checkpoint is read, trained and the
      // personalised model written there; this side hears a few numbers per step
      const settings = finetuneSettings(p, size, base.config);
      const follow = followTrainingRun(ctx, p.steps);
      ctx.progress(null, `training ${base.name} in the compute engine`);
      const run = await deps.engine.request(
        'finetune',
        { model: kitModel(base), pairs: album.pairs, settings, stateDir: join(project.paths.derived, 'train', `job-${ctx.jobId}`), outputDir: join(project.paths.derived, 'models') },
        {
          signal: ctx.signal,
          transfer: transferables(album.pairs),
          onEvent: follow.onEvent,
        },
      );
      const { model: written, curve } = follow.finish(run);
      ctx.complete(); // the run is done: a late cancel must not leave a registered model under a 'cancelled' job
      ctx.progress(1, 'registering the personalised model');
      // the album's codes tell which estimator made the buffers; mixed or unknown keeps the base's
      const used = trainingEstimator(new EstimateStore(project.db), album.photoIds);
      const estimator = used.estimator ?? base.estimator;
      const registry = new ModelRegistry(project.db);
      const model = registry.add({
        name: registry.uniqueName(p.name ?? `${base.name} · ${albumName(project.db, p.albumId)}`),
        kind: 'personalized',
        sourcePath: written.path,
        filePath: written.path,
        format: 'safetensors',
        sha256: written.sha256,
        sizeBytes: written.sizeBytes,
        config: base.config,
        parameterCount: written.parameterCount,
        baseModelId: base.id,
        estimator,
        albedoBasis: estimator === base.estimator ? base.albedoBasis : null,
        lineage: {
          estimators: used.counts,
          baseModelId: base.id,
          baseModelSha256: base.sha256,
          albumId: p.albumId,
          photoIds: album.photoIds,
          meanShape: album.meanShape,
          // which head rendered the buffers: a model only edits well with buffers of the same head
          head: head.source,
          imageSize: size,
          steps: run.step,
          batchSize: p.batchSize,
          learningRate: p.learningRate,
          seed: p.seed,
          precision: p.precision,
          trainedEncoder: settings.trainable === 'all',
          optimiser: 'Adam (0.9, 0.999, eps 1e-8), grad-norm clip 1.0, P2 k=1 γ=1',
          jobId: ctx.jobId,
          finalLoss: run.losses.at(-1) ?? null,
        },
      }).model;
      const result: FinetuneJobResult = { step: run.step, steps: p.steps, loss: run.losses.at(-1) ?? null, stepsPerSecond: null, lossCurve: curve, model: { id: model.id, name: model.name, filePath: model.filePath, baseModelId: model.baseModelId } };
      ctx.setResult(result);
      ctx.log('info', `registered personalised model ${model.id} (${model.name})`);
      ctx.progress(1, `registered as model ${model.id}`);
      return result;
    },
  });
}
