import type { GradientRule } from '../rule';
import { scalarOf } from '../util';

/** d √x = dY / (2y). */
export const sqrtGrad: GradientRule = {
  op: 'Sqrt',
  inputsToSave: [],
  outputsToSave: [0],
  grad: ({ node, builder, outputGrad }) => {
    const y = node.outputs[0];
    return [() => builder.div(builder.mul(outputGrad(), scalarOf(builder, 0.5, y.dtype)), y)];
  },
};
