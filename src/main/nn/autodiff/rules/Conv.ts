import type { GraphBuilder } from '../../builder';
import type { Value } from '../../ir';
import type { GradientRule } from '../rule';

/**
 * Conv (group 1, any number of spatial axes) with the formulations that matched PyTorch's
 * gradients on onnxruntime-node (to about 2e-6 relative against PyTorch in float64) and ran
 * fastest there:
 * - input gradient, stride 1: a Conv of dY with the weight's in/out axes swapped and its taps
 *   flipped, pads d·(k−1)−p; otherwise a ConvTranspose with the forward weight and
 *   output_padding r = (H + p_begin + p_end − d·(k−1) − 1) mod s;
 * - weight gradient: one MatMul per kernel tap over strided, shifted views of the padded
 *   input ("shift", see convWeightGrad);
 * - bias gradient: dY summed over batch and spatial axes.
 */
export const convGrad: GradientRule = {
  op: 'Conv',
  inputsToSave: [0, 1],
  grad: ({ node, builder, outputGrad }) => {
    const [x, w, bias] = node.inputs;
    const geometry = convGeometry(node.name, node.attributes, x!, w!);
    return [
      () => convInputGrad(builder, outputGrad(), w!, geometry),
      () => convWeightGrad(builder, outputGrad(), x!, geometry),
      bias ? () => builder.reduceSum(outputGrad(), [0, ...geometry.kernel.map((_, i) => 2 + i)], false) : undefined,
    ];
  },
};

/** Forward geometry of a Conv node, per spatial axis. */
export interface ConvGeometry {
  kernel: number[];
  strides: number[];
  dilations: number[];
  padBegin: number[];
  padEnd: number[];
  /** Input positions past the last window: (H + pads − d·(k−1) − 1) mod s. */
  remainder: number[];
}

/** Reads and checks the attributes of a Conv node. */
export function convGeometry(what: string, attributes: Readonly<Record<string, unknown>>, x: Value, w: Value): ConvGeometry {
  const spatial = x.rank - 2;
  if (((attributes.group as number | undefined) ?? 1) !== 1) throw new Error(`Conv gradient (${what}): grouped convolutions are not supported`);
  const autoPad = (attributes.auto_pad as string | undefined) ?? 'NOTSET';
  if (autoPad !== 'NOTSET') throw new Error(`Conv gradient (${what}): auto_pad ${autoPad} is not supported (use explicit pads)`);
  const kernel = w.shape.slice(2);
  const ones = kernel.map(() => 1);
  const strides = (attributes.strides as number[] | undefined) ?? ones;
  const dilations = (attributes.dilations as number[] | undefined) ?? ones;
  const pads = (attributes.pads as number[] | undefined) ?? new Array<number>(2 * spatial).fill(0);
  const padBegin = pads.slice(0, spatial);
  const padEnd = pads.slice(spatial);
  const remainder = kernel.map((k, i) => (x.shape[2 + i] + padBegin[i] + padEnd[i] - dilations[i] * (k - 1) - 1) % strides[i]);
  return { kernel, strides, dilations, padBegin, padEnd, remainder };
}

/** dX of a Conv from dY and the forward weight. */
export function convInputGrad(builder: GraphBuilder, dy: Value, w: Value, g: ConvGeometry): Value {
  const span = g.kernel.map((k, i) => g.dilations[i] * (k - 1));
  const flippedPads = [...span.map((s, i) => s - g.padBegin[i]), ...span.map((s, i) => s - g.padEnd[i])];
  if (g.strides.every((s) => s === 1) && flippedPads.every((p) => p >= 0)) {
    const spatialAxes = g.kernel.map((_, i) => 2 + i);
    let swapped = builder.transpose(w, [1, 0, ...spatialAxes]);
    const taps = g.kernel.filter((k) => k > 1).length;
    if (taps > 0) {
      const axes = spatialAxes.filter((_, i) => g.kernel[i] > 1);
      swapped = builder.slice(swapped, axes.map(() => -1), axes.map((a) => -(w.shape[a] + 1)), axes, axes.map(() => -1));
    }
    return builder.conv(dy, swapped, undefined, { pads: flippedPads, dilations: g.dilations });
  }
  return builder.convTranspose(dy, w, undefined, {
    strides: g.strides,
    pads: [...g.padBegin, ...g.padEnd],
    dilations: g.dilations,
    outputPadding: g.remainder,
  });
}

/**
 * dW of a Conv from dY and the forward input, one MatMul per kernel tap ("shift": on
 * onnxruntime's CPU provider faster than im2col or a dilated Conv): for tap τ,
 * dW[:, :, τ] = dY as [Co, N·Ho·Wo] × (the padded input seen by that tap, NHWC, strided) as
 * [N·Ho·Wo, Ci]. A dilated Conv with dY as kernel computes the same but runs ~3× slower there.
 */
export function convWeightGrad(builder: GraphBuilder, dy: Value, x: Value, g: ConvGeometry): Value {
  const spatial = g.kernel.length;
  const [n, ci] = x.shape;
  const co = dy.shape[1];
  const outSpatial = dy.shape.slice(2);
  const positions = n * outSpatial.reduce((a, d) => a * d, 1);
  const spatialAxes = g.kernel.map((_, i) => 2 + i);
  // dY as [Co, N·Ho·Wo]
  const dyMatrix = builder.reshape(builder.transpose(dy, [1, 0, ...spatialAxes]), [co, positions]);
  // padded input, channels last: [N, Hp, Wp, Ci]
  const padded = g.padBegin.some((p) => p > 0) || g.padEnd.some((p) => p > 0)
    ? builder.pad(x, [0, 0, ...g.padBegin, 0, 0, ...g.padEnd])
    : x;
  const channelsLast = builder.transpose(padded, [0, ...spatialAxes, 1]);
  const sliceAxes = g.kernel.map((_, i) => 1 + i);
  const taps: Value[] = [];
  const tapCount = g.kernel.reduce((a, k) => a * k, 1);
  for (let t = 0; t < tapCount; t++) {
    // row-major tap index (matches the weight's [kh, kw] layout)
    const index: number[] = [];
    let rest = t;
    for (let i = spatial - 1; i >= 0; i--) {
      index[i] = rest % g.kernel[i];
      rest = Math.floor(rest / g.kernel[i]);
    }
    const starts = index.map((k, i) => k * g.dilations[i]);
    const ends = starts.map((start, i) => start + g.strides[i] * (outSpatial[i] - 1) + 1);
    const whole = starts.every((start, i) => start === 0 && ends[i] === channelsLast.shape[1 + i] && g.strides[i] === 1);
    const view = whole ? channelsLast : builder.slice(channelsLast, starts, ends, sliceAxes, g.strides);
    taps.push(builder.matmul(dyMatrix, builder.reshape(view, [positions, ci])));
  }
  if (taps.length === 1) return builder.reshape(taps[0], [co, ci, ...g.kernel]);
  const stacked = builder.concat(taps.map((tap) => builder.unsqueeze(tap, [2])), 2);
  return builder.reshape(stacked, [co, ci, ...g.kernel]);
}
