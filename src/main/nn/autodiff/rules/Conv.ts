import type { GraphBuilder } from '../../builder';
import type { Value } from '../../ir';
import type { GradientRule } from '../rule';

/**
 * Conv (group 1, any number of spatial axes) with the formulations that matched PyTorch on
 * onnxruntime-node (docs/onnx-training.md):
 * - input gradient, stride 1: a Conv of dY with the weight's in/out axes swapped and its taps
 *   flipped, pads d·(k−1)−p; otherwise a ConvTranspose with the forward weight and
 *   output_padding r = (H + p_begin + p_end − d·(k−1) − 1) mod s;
 * - weight gradient: a Conv of Xᵀ (batch and channels swapped) with dYᵀ as kernel, strides =
 *   forward dilations, dilations = forward strides, end pads p_end − r (X cropped when that is
 *   negative), transposed back;
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

/** dW of a Conv from dY and the forward input. */
export function convWeightGrad(builder: GraphBuilder, dy: Value, x: Value, g: ConvGeometry): Value {
  const spatialAxes = g.kernel.map((_, i) => 2 + i);
  let input = x;
  const endPads = g.padEnd.map((p, i) => p - g.remainder[i]);
  if (endPads.some((p) => p < 0)) {
    // the last rows/columns never met the kernel: crop them instead of padding negatively
    input = builder.slice(
      input,
      spatialAxes.map(() => 0),
      spatialAxes.map((a, i) => x.shape[a] + Math.min(0, endPads[i])),
      spatialAxes,
    );
  }
  const xT = builder.transpose(input, [1, 0, ...spatialAxes]);
  const dyT = builder.transpose(dy, [1, 0, ...spatialAxes]);
  const gradT = builder.conv(xT, dyT, undefined, {
    strides: g.dilations,
    dilations: g.strides,
    pads: [...g.padBegin, ...endPads.map((p) => Math.max(0, p))],
  });
  return builder.transpose(gradT, [1, 0, ...spatialAxes]);
}
