import type { GradientRule } from '../rule';
import { scalarOf } from '../util';

/** d tanh x = dY·(1−y²). */
export const tanhGrad: GradientRule = {
  op: 'Tanh',
  inputsToSave: [],
  outputsToSave: [0],
  grad: ({ node, builder, outputGrad }) => {
    const y = node.outputs[0];
    return [() => builder.mul(outputGrad(), builder.sub(scalarOf(builder, 1, y.dtype), builder.mul(y, y)))];
  },
};
