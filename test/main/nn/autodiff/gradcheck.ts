/**
 * Finite-difference check of gradient rules: builds f(inputs) with the IR builder, projects the
 * output onto a fixed random tensor R (loss = Σ f·R, so every output element matters), appends
 * the analytic gradients with `addGradients`, runs both on onnxruntime-node (CPU) and compares
 * with central differences at sampled elements.
 *
 * float64 is used when the CPU provider implements every op of the forward and gradient graphs
 * in double; otherwise the check falls back to float32 with a larger step and tolerance.
 */
import * as ort from 'onnxruntime-node';
import { GraphBuilder } from '../../../../src/main/nn/builder';
import type { DType, Value } from '../../../../src/main/nn/ir';
import { serializeGraph } from '../../../../src/main/nn/serialize';
import { addGradients } from '../../../../src/main/nn/autodiff';

/** One input of a checked function. */
export interface CheckInput {
  shape: number[];
  /** Default: uniform in ±[0.2, 1.2] (away from 0, so kinks at 0 are not sampled). */
  values?: (index: number, random: () => number) => number;
  /** Default true. */
  differentiable?: boolean;
}

/** Result of one check. */
export interface CheckResult {
  dtype: 'float64' | 'float32';
  /** max |analytic − numeric| / max |analytic| over sampled elements, worst input. */
  worstRelativeError: number;
  tolerance: number;
}

/** Deterministic PRNG (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Built {
  session: ort.InferenceSession;
  names: string[];
  gradNames: (string | undefined)[];
}

async function build(dtype: 'float64' | 'float32', inputs: CheckInput[], body: (b: GraphBuilder, xs: Value[], dtype: DType) => Value, seed: number): Promise<Built> {
  const b = new GraphBuilder();
  const xs = inputs.map((input, i) => b.input(`x${i}`, dtype, input.shape));
  const y = body(b, xs, dtype);
  const random = seededRandom(seed + 1);
  const projection = Array.from({ length: y.size }, () => random() * 2 - 1);
  const r = b.constant(dtype === 'float64' ? Float64Array.from(projection) : Float32Array.from(projection), [...y.shape], dtype);
  const loss = b.reduceSum(b.mul(y, r), [], false);
  b.output(loss, 'loss');
  const wrt = xs.filter((_, i) => inputs[i].differentiable !== false);
  const { grads } = addGradients(b, loss, wrt, { unreachable: 'throw' });
  const gradNames = xs.map((x, i) => (inputs[i].differentiable === false ? undefined : b.output(grads.get(x)!, `grad_x${i}`).name));
  const session = await ort.InferenceSession.create(serializeGraph(b.graph), { graphOptimizationLevel: 'disabled', intraOpNumThreads: 1 });
  return { session, names: xs.map((x) => x.name), gradNames };
}

/**
 * Checks the gradients of `body` for every differentiable input. `samples` elements per input
 * are compared (all when the input is smaller).
 */
export async function gradCheck(
  inputs: CheckInput[],
  body: (b: GraphBuilder, xs: Value[], dtype: DType) => Value,
  options: { seed?: number; samples?: number; forceFloat32?: boolean } = {},
): Promise<CheckResult> {
  const seed = options.seed ?? 7;
  const random = seededRandom(seed);
  const base = inputs.map((input) => {
    const n = input.shape.reduce((a, d) => a * d, 1);
    const make = input.values ?? ((_: number, rnd: () => number) => (rnd() < 0.5 ? -1 : 1) * (0.2 + rnd()));
    return Array.from({ length: n }, (_, i) => make(i, random));
  });
  let dtype: 'float64' | 'float32' = options.forceFloat32 ? 'float32' : 'float64';
  let built: Built | undefined;
  let firstRun: ort.InferenceSession.OnnxValueMapType | undefined;
  const feedsFor = (values: number[][], d: 'float64' | 'float32') =>
    Object.fromEntries(values.map((v, i) => [`x${i}`, new ort.Tensor(d, d === 'float64' ? Float64Array.from(v) : Float32Array.from(v), inputs[i].shape)]));
  try {
    built = await build(dtype, inputs, body, seed);
    firstRun = await built.session.run(feedsFor(base, dtype));
  } catch (error) {
    if (dtype === 'float32' || !/NOT_IMPLEMENTED|Could not find an implementation|not supported|type/i.test(String(error))) throw error;
    await built?.session.release();
    dtype = 'float32';
    built = await build(dtype, inputs, body, seed);
    firstRun = await built.session.run(feedsFor(base, dtype));
  }
  const step = dtype === 'float64' ? 1e-6 : 1e-2;
  const tolerance = dtype === 'float64' ? 1e-6 : 1e-3;
  const lossAt = async (values: number[][]) => Number((await built!.session.run(feedsFor(values, dtype))).loss.data[0]);

  let worst = 0;
  const samples = options.samples ?? 12;
  for (let i = 0; i < inputs.length; i++) {
    const gradName = built.gradNames[i];
    if (!gradName) continue;
    const analytic = firstRun[gradName].data as Float64Array | Float32Array;
    let scale = 0;
    for (const a of analytic) scale = Math.max(scale, Math.abs(a));
    const n = base[i].length;
    const picks = n <= samples ? [...Array(n).keys()] : Array.from({ length: samples }, () => Math.floor(random() * n));
    let maxDiff = 0;
    for (const k of picks) {
      const plus = base.map((v) => v.slice());
      const minus = base.map((v) => v.slice());
      plus[i][k] += step;
      minus[i][k] -= step;
      const numeric = ((await lossAt(plus)) - (await lossAt(minus))) / (2 * step);
      maxDiff = Math.max(maxDiff, Math.abs(numeric - analytic[k]));
    }
    const relative = scale === 0 ? maxDiff : maxDiff / scale;
    if (!(relative <= worst)) worst = relative;
  }
  await built.session.release();
  return { dtype, worstRelativeError: worst, tolerance };
}
