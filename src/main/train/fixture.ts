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
import { upstreamAdam } from './adam';
import { TrainStepRunner } from './runner';
import { buildTrainStep, gradientName } from './trainStep';

/** One compared array (same meaning as the CLI's ArrayCheck). */
export interface TrainingCheck {
  name: string;
  worstRelativeError: number;
  tolerance: number;
  ok: boolean;
}

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

/** Tolerances of the checks (relative to the reference's largest magnitude). */
export const trainingTolerances = Object.freeze({ scalars: 1e-4, gradients: 1e-3, parameters: 1e-4, updates: 1e-3 });

/**
 * Runs one train step on the fixture and compares every number. Checks: `train_loss`,
 * `train_loss_per_item`, `train_grad_norm_preclip`, `grad/<key>` per trained tensor,
 * `param/<key>` per updated tensor, and `adam_update` (worst over tensors of the error of
 * the update p_after − p_before, relative to the largest reference update; the parameters
 * themselves barely move at lr 1e-5, so this is the sharper test of the optimiser).
 *
 * A gradient's error is relative to max(its own largest magnitude, 1e-3 × the largest
 * gradient of the model; `gradientFloor` changes the 1e-3): a few biases feed straight into a GroupNorm whose groups are
 * single channels, so their exact gradient is zero and both sides hold rounding noise.
 */
export async function verifyTrainingFixture(dir: string, options: { checkpoint?: string; gradientFloor?: number; provider?: ProviderName } = {}): Promise<TrainingCheck[]> {
  const checkpointPath = options.checkpoint ?? findCheckpoint(dir);
  if (!checkpointPath) throw new Error(`${dir}: no checkpoint (.pt/.safetensors) found`);
  const ioPath = join(dir, 'io.npz');
  const gradsPath = join(dir, 'train_grads.npz');
  const afterPath = join(dir, 'train_params_after_adam.npz');
  const io = readNpz(readFileSync(ioPath), ioPath);
  const refGrads = readNpz(readFileSync(gradsPath), gradsPath);
  const refAfter = readNpz(readFileSync(afterPath), afterPath);
  const weights = loadDiffusionRig(readCheckpoint(checkpointPath).stateDict, checkpointPath);

  const x0 = array(io, 'x0', ioPath);
  const [batch, , imageSize] = x0.shape;
  const t = array(io, 't', ioPath);
  const trained = new Set([...refGrads.keys()].map((k) => k.replaceAll('/', '.')));
  const graph = buildTrainStep({
    config: weights.config,
    stateDict: weights.stateDict,
    batch,
    imageSize,
    trainable: (key) => trained.has(key),
    batchNorm: 'batch',
    dropout: false,
    exposeGradients: true,
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

    // Adam's first step moves each weight by about lr·g/(|g| + ε): where |g| is within a few ε
    // the update hinges on gradient digits below float32 rounding, so compare it where
    // |g_ref| ≥ 100·ε (the other elements still count in the param/ checks above)
    let worstUpdate = 0;
    let largestUpdate = 0;
    const updateDiffs: number[] = [];
    for (const [name, ref] of refAfter) {
      const key = name.replaceAll('/', '.');
      const ours = runner.tensor(key).data as Float32Array;
      const refData = floats(ref);
      const { maxDiff, maxRef } = differences(ours, refData, `param ${key}`);
      const error = maxRef === 0 ? maxDiff : maxDiff / maxRef;
      checks.push({ name: `param/${key}`, worstRelativeError: error, tolerance: trainingTolerances.parameters, ok: error <= trainingTolerances.parameters });
      const before = weights.stateDict.get(key)!.data as Float32Array;
      const refGrad = floats(refGrads.get(name) ?? refGrads.get(key)!);
      let diff = 0;
      for (let i = 0; i < refData.length; i++) {
        const refUpdate = refData[i] - before[i];
        largestUpdate = Math.max(largestUpdate, Math.abs(refUpdate));
        // a float32 parameter can only move in steps of its ulp: discount one ulp of rounding
        if (Math.abs(refGrad[i]) >= 100 * adamEps) diff = Math.max(diff, Math.abs(ours[i] - before[i] - refUpdate) - ulp32(refData[i]));
      }
      updateDiffs.push(diff);
    }
    for (const d of updateDiffs) worstUpdate = Math.max(worstUpdate, Math.max(0, d) / largestUpdate);
    checks.push({ name: 'adam_update', worstRelativeError: worstUpdate, tolerance: trainingTolerances.updates, ok: worstUpdate <= trainingTolerances.updates });
    return checks;
  } finally {
    await backend.disposeAll();
  }
}
