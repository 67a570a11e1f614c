/**
 * Layers shared by the model definitions, written once over the graph builder so the same
 * code serves inference (parameters as initialisers) and training (parameters as graph inputs
 * the autodiff differentiates). Every parameter is requested through a ParameterSource under
 * its PyTorch state-dict key, which is what makes keys map one-to-one.
 */
import type { GraphBuilder } from '../nn/builder';
import type { Shape, Tensor, Value } from '../nn/ir';

/** Supplies the parameter called `name` (a state-dict key) with the expected shape. */
export type ParameterSource = (name: string, shape: Shape) => Value;

/** Hooks a training graph can set; inference leaves them unset. */
export interface TrainingHooks {
  /** Applied where upstream has nn.Dropout (rate from the config); default identity. */
  dropout?: (h: Value, where: string) => Value;
}

/** Parameters become initialisers from a tensor map; shape mismatches are named. */
export function initializerSource(b: GraphBuilder, tensors: ReadonlyMap<string, Tensor>): ParameterSource {
  return (name, shape) => {
    const existing = b.graph.value(name);
    if (existing) return existing;
    const tensor = tensors.get(name);
    if (!tensor) throw new Error(`missing parameter ${name}`);
    if (tensor.shape.length !== shape.length || tensor.shape.some((d, i) => d !== shape[i])) {
      throw new Error(`parameter ${name} has shape [${tensor.shape.join(',')}], the architecture needs [${shape.join(',')}]`);
    }
    if (tensor.dtype !== 'float32') throw new Error(`parameter ${name} is ${tensor.dtype}, expected float32`);
    return b.initializer(name, tensor);
  };
}

/** Parameters become float32 graph inputs (for training graphs). */
export function inputSource(b: GraphBuilder): ParameterSource {
  return (name, shape) => b.graph.value(name) ?? b.input(name, 'float32', shape);
}

/** Records the parameters a model asks for (names and shapes) as float32 inputs. */
export function recordingSource(b: GraphBuilder, into: Map<string, Shape>): ParameterSource {
  return (name, shape) => {
    into.set(name, shape);
    return b.graph.value(name) ?? b.input(name, 'float32', shape);
  };
}

/** Tag prefix of a normalisation segment (see normSegment). */
export const normSegmentPrefix = 'norm-segment:';

/**
 * Builds `body` (a normalisation and what follows it up to the next convolution: GroupNorm,
 * FiLM, SiLU, dropout) as one segment named `name`: its nodes carry the tag
 * `norm-segment:<name>`. A training graph recomputes a segment's inner values in the backward
 * pass from the segment's input instead of keeping them (see train/trainStep.ts): they are
 * cheap elementwise passes, and otherwise the largest share of what a train step holds.
 * Inference graphs ignore the tag.
 */
export function normSegment<T>(b: GraphBuilder, name: string, body: () => T): T {
  return b.tagged(`${normSegmentPrefix}${name}`, body);
}

/** x · sigmoid(x). */
export function silu(b: GraphBuilder, x: Value): Value {
  return b.mul(x, b.sigmoid(x));
}

/** y = x Wᵀ + b for x [N, in] and a torch Linear named `name` (weight [out, in]). */
export function linear(b: GraphBuilder, params: ParameterSource, name: string, x: Value, inFeatures: number, outFeatures: number): Value {
  const w = params(`${name}.weight`, [outFeatures, inFeatures]);
  const bias = params(`${name}.bias`, [outFeatures]);
  return b.scope(name, () => b.gemm(x, w, bias, { transB: true }));
}

/** A torch Conv2d/Conv1d named `name` (with bias unless `bias` is false). */
export function conv(
  b: GraphBuilder,
  params: ParameterSource,
  name: string,
  x: Value,
  outChannels: number,
  kernel: number,
  options: { stride?: number; padding?: number; bias?: boolean } = {},
): Value {
  const spatial = x.rank - 2;
  const w = params(`${name}.weight`, [outChannels, x.shape[1], ...Array(spatial).fill(kernel)]);
  const bias = options.bias === false ? undefined : params(`${name}.bias`, [outChannels]);
  return b.scope(name, () =>
    b.conv(x, w, bias, { strides: Array(spatial).fill(options.stride ?? 1), pads: options.padding ?? 0 }),
  );
}

/** Per-channel affine parameter reshaped to broadcast over [N, C, ...spatial]. */
function channelwise(b: GraphBuilder, p: Value, rank: number): Value {
  return b.reshape(p, [p.shape[0], ...Array(rank - 2).fill(1)]);
}

/**
 * torch GroupNorm (eps 1e-5, affine), computed in float32 as upstream's GroupNorm32: one
 * InstanceNormalization over [N, G, C/G·H·W] (per-group mean and biased variance, unit scale,
 * zero shift), then the per-channel scale and shift. Its gradient rule keeps only the input
 * (nn/autodiff/rules/InstanceNormalization.ts).
 */
export function groupNorm(b: GraphBuilder, params: ParameterSource, name: string, x: Value, groups = 32, eps = 1e-5): Value {
  const channels = x.shape[1];
  if (channels % groups !== 0) throw new Error(`${name}: ${channels} channels do not split into ${groups} groups`);
  const gamma = params(`${name}.weight`, [channels]);
  const beta = params(`${name}.bias`, [channels]);
  return b.scope(name, () => b.tagged('float32', () => {
    const grouped = b.reshape(x, [0, groups, -1]); // 0 copies the (possibly symbolic) batch
    const unit = b.constant(new Float32Array(groups).fill(1), [groups]);
    const zero = b.constant(new Float32Array(groups), [groups]);
    const normalised = b.reshape(b.instanceNormalization(grouped, unit, zero, eps), [0, ...x.shape.slice(1)]);
    return b.add(b.mul(normalised, channelwise(b, gamma, x.rank)), channelwise(b, beta, x.rank));
  }));
}

/** The batch statistics of one train-mode BatchNorm, as a recorder sees them. */
export interface BatchStatistics {
  /** The module's state-dict prefix, e.g. `bn1` (inside the builder's scope). */
  name: string;
  /** [C] batch mean. */
  mean: Value;
  /** [C] biased batch variance (what the normalisation uses). */
  variance: Value;
  /** Values per channel the statistics are taken over (N·H·W), for the unbiased correction. */
  count: number;
  /** The module's running statistics as the parameter source gave them. */
  runningMean: Value;
  runningVar: Value;
}

const batchStatisticsRecorders = new WeakMap<GraphBuilder, (statistics: BatchStatistics) => void>();

/**
 * Calls `recorder` for every batch-statistics BatchNorm built on `b` from now on (until the
 * returned function is called), so a training graph can update the running statistics as
 * torch does in train mode. A hook on the builder rather than a model option keeps the model
 * definitions (resnet.ts) unaware of training.
 */
export function recordBatchStatistics(b: GraphBuilder, recorder: (statistics: BatchStatistics) => void): () => void {
  batchStatisticsRecorders.set(b, recorder);
  return () => batchStatisticsRecorders.delete(b);
}

/** Longest run of values one float32 sum adds up in `blockedSum`. */
const sumBlock = 64;

/** Σ of `x` along one axis (kept, length 1), as sums of at most `sumBlock` terms each. */
function blockedAxisSum(b: GraphBuilder, x: Value, axis: number): Value {
  const length = x.shape[axis];
  if (length <= sumBlock) return b.reduceSum(x, [axis], true);
  const groups = Math.ceil(length / sumBlock);
  let h = x;
  if (groups * sumBlock !== length) {
    // zeros leave the sum as it is
    const pads = new Array<number>(2 * x.rank).fill(0);
    pads[x.rank + axis] = groups * sumBlock - length;
    h = b.pad(h, pads);
  }
  const shape = [...h.shape];
  shape.splice(axis, 1, groups, sumBlock);
  const partial = b.reduceSum(b.reshape(h, shape), [axis + 1], false);
  return blockedAxisSum(b, partial, axis);
}

/**
 * Σ of `x` over `axes` (kept as length 1) as a tree of short float32 sums, innermost axis
 * first: a float32 sum of n terms can lose about n·ε, which over the N·H·W values of a
 * BatchNorm channel (10⁵ at 256 px) reaches 1e-5, while torch's CPU BatchNorm sums in double.
 * With no sum longer than 64 terms the result stays within a few ε of the double sum.
 */
export function blockedSum(b: GraphBuilder, x: Value, axes: readonly number[]): Value {
  let h = x;
  for (const axis of [...axes].sort((p, q) => q - p)) h = blockedAxisSum(b, h, axis);
  return h;
}

/**
 * torch BatchNorm2d (eps 1e-5). Eval mode uses the running statistics; `batchStatistics`
 * normalises with the batch's own mean and biased variance, as a module in train mode does
 * (upstream stage 2 keeps the frozen encoder in train mode). The batch statistics are two
 * passes as torch's CPU kernel computes them: the mean, then Σ(x − mean)², each summed with
 * `blockedSum` so they keep float32 precision on any shape.
 */
export function batchNorm(b: GraphBuilder, params: ParameterSource, name: string, x: Value, batchStatistics: boolean, eps = 1e-5): Value {
  const channels = x.shape[1];
  const gamma = params(`${name}.weight`, [channels]);
  const beta = params(`${name}.bias`, [channels]);
  const runningMean = params(`${name}.running_mean`, [channels]);
  const runningVar = params(`${name}.running_var`, [channels]);
  return b.scope(name, () => {
    if (batchStatistics) {
      const axes = [0, ...x.shape.slice(2).map((_, i) => i + 2)];
      const count = axes.reduce((a, axis) => a * x.shape[axis], 1);
      const mean = b.div(blockedSum(b, x, axes), b.scalar(count));
      const centred = b.sub(x, mean);
      const variance = b.div(blockedSum(b, b.mul(centred, centred), axes), b.scalar(count));
      batchStatisticsRecorders.get(b)?.({ name, mean: b.reshape(mean, [channels]), variance: b.reshape(variance, [channels]), count, runningMean, runningVar });
      const normalised = b.div(centred, b.sqrt(b.add(variance, b.scalar(eps))));
      return b.add(b.mul(normalised, channelwise(b, gamma, x.rank)), channelwise(b, beta, x.rank));
    }
    // folded to scale/shift; ORT constant-folds these when the statistics are initialisers
    const scale = b.div(gamma, b.sqrt(b.add(runningVar, b.scalar(eps))));
    const shift = b.sub(beta, b.mul(runningMean, scale));
    return b.add(b.mul(x, channelwise(b, scale, x.rank)), channelwise(b, shift, x.rank));
  });
}
