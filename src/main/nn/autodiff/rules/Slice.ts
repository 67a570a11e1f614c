import { constantInts } from '../../shape';
import type { GradientRule } from '../rule';
import { normaliseAxes } from '../util';

/**
 * Slice with step 1: dY padded with zeros back to X's shape. Other steps are not needed by any
 * model here and are rejected.
 */
export const sliceGrad: GradientRule = {
  op: 'Slice',
  inputsToSave: [],
  grad: ({ node, builder, outputGrad }) => {
    const x = node.inputs[0]!;
    const starts = constantInts(node.name, node.inputs[1])!;
    const axes = normaliseAxes(node.name, constantInts(node.name, node.inputs[3]) ?? starts.map((_, i) => i), x.rank);
    const steps = constantInts(node.name, node.inputs[4]) ?? starts.map(() => 1);
    if (steps.some((s) => s !== 1)) throw new Error(`Slice gradient (${node.name}): only step 1 is supported`);
    return [
      () => {
        const begin = new Array<number>(x.rank).fill(0);
        const end = new Array<number>(x.rank).fill(0);
        const y = node.outputs[0];
        axes.forEach((axis, i) => {
          const dim = x.shape[axis];
          const start = Math.min(Math.max(starts[i] < 0 ? starts[i] + dim : starts[i], 0), dim);
          begin[axis] = start;
          end[axis] = dim - start - y.shape[axis];
        });
        return builder.pad(outputGrad(), [...begin, ...end]);
      },
      undefined,
      undefined,
      undefined,
      undefined,
    ];
  },
};
