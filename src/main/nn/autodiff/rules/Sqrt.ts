import type { GradientRule } from '../rule';

/** d √x = dY / (2y). */
export const sqrtGrad: GradientRule = {
  op: 'Sqrt',
  inputsToSave: [],
  outputsToSave: [0],
  grad: ({ node, builder, outputGrad }) => {
    const y = node.outputs[0];
    return [() => builder.div(builder.mul(outputGrad(), builder.scalar(0.5, y.dtype)), y)];
  },
};
