/**
 * Checks the train step against a fixture written by upstream's PyTorch code
 * (`fixtures/diffusionrig-a` layout): a checkpoint, `io.npz` (x0, physic_cond, t, noise and the
 * reference train_loss, train_loss_per_item, train_grad_norm_preclip), `train_grads.npz`
 * (gradient of every trained tensor, `/` for `.`) and `train_params_after_adam.npz` (the
 * trained tensors after clipping to norm 1 and one Adam step, lr 1e-5). The step runs as
 * upstream stage 2: UNet trained, encoder frozen with BatchNorm on batch statistics, no
 * dropout (the fixture's config has none; a random mask could not match PyTorch's anyway).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCheckpoint } from '../checkpoint';
import type { NdArray } from '../io/ndarray';
import { readNpz } from '../io/npy';
import { OnnxBackend, type ProviderName } from '../nn/backend';
import { loadDiffusionRig } from '../models/diffusionrig';
import type { ArchitectureOverrides } from '../models/infer';
import type { Tensor } from '../nn/ir';
import { upstreamAdam } from './adam';
import { stage1Trainable } from './base';
import type { ArrayCheck } from '../core/verifier';
import { TrainStepRunner } from './runner';
import { buildTrainStep, gradientName } from './trainStep';

/** One compared array. */
export type TrainingCheck = ArrayCheck;

/** Files that mark a training fixture. */
export const trainingFixtureFiles = ['io.npz', 'train_grads.npz', 'train_params_after_adam.npz'] as const;

/** True when `dir` has the training reference files and a checkpoint. */
export function isTrainingFixture(dir: string): boolean {
  return trainingFixtureFiles.every((f) => existsSync(join(dir, f))) && findCheckpoint(dir) !== undefined;
}

function findCheckpoint(dir: string): string | undefined {
  if (!existsSync(dir)) return undefined;
  const files = readdirSync(dir).filter((f) => /\.(pt|pth|ckpt|safetensors)$/i.test(f)).sort();
  const preferred = files.find((f) => /^model\d+\.pt$/.test(f)) ?? files[0];
  return preferred && join(dir, preferred);
}

function array(arrays: Map<string, NdArray>, name: string, file: string): NdArray {
  const a = arrays.get(name);
  if (!a) throw new Error(`${file}: missing array '${name}'`);
  return a;
}

function floats(a: NdArray): Float32Array {
  return a.data instanceof Float32Array ? a.data : Float32Array.from(a.data as ArrayLike<number>);
}

/** max |a − b| and max |b|. */
function differences(ours: ArrayLike<number>, ref: ArrayLike<number>, what: string): { maxDiff: number; maxRef: number } {
  if (ours.length !== ref.length) throw new Error(`${what}: ${ours.length} values, the reference has ${ref.length}`);
  let maxDiff = 0;
  let maxRef = 0;
  for (let i = 0; i < ref.length; i++) {
    const d = Math.abs(ours[i] - ref[i]);
    if (!(d <= maxDiff)) maxDiff = d;
    maxRef = Math.max(maxRef, Math.abs(ref[i]));
  }
  return { maxDiff, maxRef };
}

const adamEps = upstreamAdam.eps;

/** Spacing of float32 values around x. */
function ulp32(x: number): number {
  const a = Math.abs(x);
  if (a < 1.1754943508222875e-38) return 1.401298464324817e-45;
  return 2 ** (Math.floor(Math.log2(a)) - 23);
}

/**
 * Tolerances of the checks: scalars, gradients and buffers relative to the reference's
 * largest magnitude; parameters and updates relative to the largest reference update.
 */
export const trainingTolerances = Object.freeze({ scalars: 1e-4, gradients: 1e-3, parameters: 1e-3, updates: 1e-3, buffers: 1e-5 });

/**
 * Update-relative checks of one optimiser step: for each tensor `param/<key>` compares our
 * update (after − before) with the reference update, relative to the reference update's own
 * largest magnitude, so an optimiser that moves nothing (or moves the wrong way) fails however
 * small the step is; `adam_update` is the worst of them relative to the largest update of the
 * model (the summary). Two allowances, both about float32 rounding rather than the optimiser:
 * a float32 parameter moves in steps of its ulp, so one ulp is discounted; and where the
 * reference gradient is within 100·ε of zero Adam's first step lr·g/(|g|+ε) hinges on
 * gradient digits below float32 rounding, so those elements are left out (a tensor with no
 * other element, whose exact gradient is zero, must move no further than the reference did).
 */
export function parameterUpdateChecks(
  before: ReadonlyMap<string, Float32Array>,
  ours: ReadonlyMap<string, Float32Array>,
  referenceAfter: ReadonlyMap<string, Float32Array>,
  referenceGradients: ReadonlyMap<string, Float32Array>,
): TrainingCheck[] {
  const measured: { key: string; worst: number; worstAll: number; compared: number; ownSize: number }[] = [];
  for (const [key, refData] of referenceAfter) {
    const start = before.get(key);
    const after = ours.get(key);
    const grad = referenceGradients.get(key);
    if (!start || !after || !grad) throw new Error(`update check ${key}: missing ${!start ? 'the value before the step' : !after ? 'our value after the step' : 'the reference gradient'}`);
    if (start.length !== refData.length || after.length !== refData.length || grad.length !== refData.length) throw new Error(`update check ${key}: lengths differ (${start.length}, ${after.length}, reference ${refData.length})`);
    let worst = 0;
    let worstAll = 0;
    let compared = 0;
    let ownSize = 0;
    for (let i = 0; i < refData.length; i++) {
      const refUpdate = refData[i] - start[i];
      ownSize = Math.max(ownSize, Math.abs(refUpdate));
      const d = Math.abs(after[i] - start[i] - refUpdate) - ulp32(refData[i]);
      const beyond = Math.abs(after[i] - start[i]) - ulp32(refData[i]);
      if (!(beyond <= worstAll)) worstAll = beyond;
      if (Math.abs(grad[i]) < 100 * adamEps) continue;
      compared++;
      if (!(d <= worst)) worst = d;
    }
    measured.push({ key, worst, worstAll, compared, ownSize });
  }
  const largestUpdate = measured.reduce((a, m) => Math.max(a, m.ownSize), 0) || 1;
  const checks: TrainingCheck[] = measured.map(({ key, worst, worstAll, compared, ownSize }) => {
    // a tensor whose every gradient is rounding noise (exactly zero in exact arithmetic, e.g. a
    // bias right before a GroupNorm of one-channel groups): Adam turns that noise into updates
    // neither side can reproduce, so ours must stay within the reference's envelope (no larger
    // than the reference's largest move); not moving at all is the exact answer there
    const error = compared > 0 ? worst / (ownSize || 1) : Math.max(0, worstAll - ownSize) / (ownSize || largestUpdate);
    return { name: `param/${key}`, worstRelativeError: error, tolerance: trainingTolerances.parameters, ok: error <= trainingTolerances.parameters };
  });
  const summary = measured.reduce((a, m) => Math.max(a, m.worst), 0) / largestUpdate;
  checks.push({ name: 'adam_update', worstRelativeError: summary, tolerance: trainingTolerances.updates, ok: summary <= trainingTolerances.updates });
  return checks;
}

/** Options of `verifyTrainingFixture`. */
export interface TrainingVerifyOptions {
  checkpoint?: string;
  gradientFloor?: number;
  /** Architecture overrides for what the checkpoint's shapes cannot tell (verify-fixture's flags). */
  overrides?: ArchitectureOverrides;
  /** Shorthands for `overrides.unet.numHeadChannels` / `.useNewAttentionOrder`. */
  numHeadChannels?: number;
  newAttentionOrder?: boolean;
  /** Execution provider the step runs on (default cpu). */
  provider?: ProviderName;
  /**
   * Where clipping and Adam run (default: as training runs them on that provider: on the host
   * for the CPU, in the graph elsewhere; see Trainer.create).
   */
  optimizer?: 'graph' | 'host';
}

/** The architecture overrides the options ask for (the shorthands win over `overrides`). */
export function trainingOverrides(options: TrainingVerifyOptions): ArchitectureOverrides {
  const unet = { ...options.overrides?.unet };
  if (options.numHeadChannels !== undefined) unet.numHeadChannels = options.numHeadChannels;
  if (options.newAttentionOrder !== undefined) unet.useNewAttentionOrder = options.newAttentionOrder;
  return { ...options.overrides, unet };
}

/**
 * Runs one train step on the fixture and compares every number. Checks: `train_loss`,
 * `train_loss_per_item`, `train_grad_norm_preclip`, `grad/<key>` per trained tensor,
 * `param/<key>` per updated tensor and the `adam_update` summary (update-relative, see
 * parameterUpdateChecks), and, when the fixture has `train_buffers_after_step.npz`,
 * `buffer/<key>` per BatchNorm buffer after the step (running statistics updated in train
 * mode; num_batches_tracked exactly).
 *
 * A gradient's error is relative to max(its own largest magnitude, 1e-3 × the largest
 * gradient of the model; `gradientFloor` changes the 1e-3): a few biases feed straight into a GroupNorm whose groups are
 * single channels, so their exact gradient is zero and both sides hold rounding noise.
 */
export async function verifyTrainingFixture(dir: string, options: TrainingVerifyOptions = {}): Promise<TrainingCheck[]> {
  const checkpointPath = options.checkpoint ?? findCheckpoint(dir);
  if (!checkpointPath) throw new Error(`${dir}: no checkpoint (.pt/.safetensors) found`);
  const ioPath = join(dir, 'io.npz');
  const gradsPath = join(dir, 'train_grads.npz');
  const afterPath = join(dir, 'train_params_after_adam.npz');
  const buffersPath = join(dir, trainingBuffersFile);
  const io = readNpz(readFileSync(ioPath), ioPath);
  const refGrads = readNpz(readFileSync(gradsPath), gradsPath);
  const refAfter = readNpz(readFileSync(afterPath), afterPath);
  const refBuffers = existsSync(buffersPath) ? readNpz(readFileSync(buffersPath), buffersPath) : undefined;
  const weights = loadDiffusionRig(readCheckpoint(checkpointPath).stateDict, checkpointPath, trainingOverrides(options));

  const x0 = array(io, 'x0', ioPath);
  const [batch, , imageSize] = x0.shape;
  const t = array(io, 't', ioPath);
  const trained = new Set([...refGrads.keys()].map((k) => k.replaceAll('/', '.')));
  // a fixture with encoder gradients trained the whole model (the EMO v2 trainer), though it
  // may list only some encoder tensors: the clip norm is over all of them, so all train here
  const wholeModel = [...trained].some((k) => k.startsWith('encoder.'));
  const isTrained = (key: string) => trained.has(key) || (wholeModel && stage1Trainable(key));
  const graph = buildTrainStep({
    config: weights.config,
    stateDict: weights.stateDict,
    batch,
    imageSize,
    trainable: isTrained,
    batchNorm: 'batch',
    dropout: false,
    exposeGradients: true,
    optimizer: options.optimizer ?? ((options.provider ?? 'cpu') === 'cpu' ? 'host' : 'graph'),
  });
  const missing = [...trained].filter((k) => !graph.parameters.some((p) => p.key === k));
  if (missing.length > 0) throw new Error(`${gradsPath}: gradients for tensors the model does not train: ${missing.slice(0, 5).join(', ')}`);

  // 'basic' optimisation: a train graph's session is created ~4x faster than with 'all', same numbers
  // float32 on every provider (float16: 'never'): the reference step ran in float32
  const backend = new OnnxBackend({ providers: [options.provider ?? 'cpu'], graphOptimizationLevel: 'basic', float16: 'never' });
  try {
    const session = await backend.load('train-fixture', () => graph.graph);
    const runner = new TrainStepRunner(session, graph, weights.stateDict);
    const fetchGrads = new Map<string, Float32Array>();
    const result = await runner.step(
      {
        x0: floats(x0),
        physical: floats(array(io, 'physic_cond', ioPath)),
        ...(weights.config.unet.faceCondition ? { shape: floats(array(io, 'shape', ioPath)), identity: floats(array(io, 'identity', ioPath)) } : {}),
        timesteps: BigInt64Array.from(t.data as ArrayLike<bigint | number>, (v) => BigInt(v)),
        noise: floats(array(io, 'noise', ioPath)),
      },
      1e-5,
      (outputs) => {
        for (const { key } of graph.parameters) fetchGrads.set(key, outputs[gradientName(key)].data as Float32Array);
      },
    );

    const checks: TrainingCheck[] = [];
    const scalar = (name: string, ours: number[], ref: NdArray) => {
      const { maxDiff, maxRef } = differences(ours, Float64Array.from(ref.data as ArrayLike<number>), name);
      const error = maxRef === 0 ? maxDiff : maxDiff / maxRef;
      checks.push({ name, worstRelativeError: error, tolerance: trainingTolerances.scalars, ok: error <= trainingTolerances.scalars });
    };
    scalar('train_loss', [result.loss], array(io, 'train_loss', ioPath));
    scalar('train_loss_per_item', result.lossPerItem, array(io, 'train_loss_per_item', ioPath));
    scalar('train_grad_norm_preclip', [result.gradNorm], array(io, 'train_grad_norm_preclip', ioPath));

    let largestGradient = 0;
    for (const ref of refGrads.values()) for (const v of floats(ref)) largestGradient = Math.max(largestGradient, Math.abs(v));
    for (const [name, ref] of refGrads) {
      const key = name.replaceAll('/', '.');
      const { maxDiff, maxRef } = differences(fetchGrads.get(key)!, floats(ref), `grad ${key}`);
      const error = maxDiff / Math.max(maxRef, (options.gradientFloor ?? 1e-3) * largestGradient);
      checks.push({ name: `grad/${key}`, worstRelativeError: error, tolerance: trainingTolerances.gradients, ok: error <= trainingTolerances.gradients });
    }

    const before = new Map<string, Float32Array>();
    const ours = new Map<string, Float32Array>();
    const referenceAfter = new Map<string, Float32Array>();
    const referenceGradients = new Map<string, Float32Array>();
    for (const [name, ref] of refAfter) {
      const key = name.replaceAll('/', '.');
      const start = weights.stateDict.get(key);
      if (!start) throw new Error(`${afterPath}: ${name} is not in the checkpoint`);
      before.set(key, start.data as Float32Array);
      ours.set(key, runner.tensor(key).data as Float32Array);
      referenceAfter.set(key, floats(ref));
      referenceGradients.set(key, floats(array(refGrads, name, gradsPath)));
    }
    checks.push(...parameterUpdateChecks(before, ours, referenceAfter, referenceGradients));
    if (refBuffers) checks.push(...bufferChecks(refBuffers, buffersPath, (key) => (graph.buffers.some((b) => b.key === key) ? runner.tensor(key) : undefined)));
    return checks;
  } finally {
    await backend.disposeAll();
  }
}

/** The fixture file with every buffer after the step. */
export const trainingBuffersFile = 'train_buffers_after_step.npz';

/** `buffer/<key>` checks: every reference buffer must be one the step updated, and match. */
function bufferChecks(refBuffers: Map<string, NdArray>, path: string, ours: (key: string) => Tensor | undefined): TrainingCheck[] {
  const checks: TrainingCheck[] = [];
  for (const [name, ref] of refBuffers) {
    const key = name.replaceAll('/', '.');
    const tensor = ours(key);
    if (!tensor) {
      checks.push({ name: `buffer/${key}`, worstRelativeError: Infinity, tolerance: trainingTolerances.buffers, ok: false });
      continue;
    }
    const refValues = Float64Array.from(ref.data as ArrayLike<number | bigint>, Number);
    const { maxDiff, maxRef } = differences(Float64Array.from(tensor.data as ArrayLike<number | bigint>, Number), refValues, `${path}: ${name}`);
    const error = maxRef === 0 ? maxDiff : maxDiff / maxRef;
    checks.push({ name: `buffer/${key}`, worstRelativeError: error, tolerance: trainingTolerances.buffers, ok: error <= trainingTolerances.buffers });
  }
  return checks;
}
