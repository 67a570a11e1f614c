import type { GradientRule } from '../rule';

/** d(1/x) = −dY·y². */
export const reciprocalGrad: GradientRule = {
  op: 'Reciprocal',
  inputsToSave: [],
  outputsToSave: [0],
  grad: ({ node, builder, outputGrad }) => {
    const y = node.outputs[0];
    return [() => builder.neg(builder.mul(outputGrad(), builder.mul(y, y)))];
  },
};
