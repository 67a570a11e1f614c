import type { GradientRule } from '../rule';

/** d sin x = dY·cos x. */
export const sinGrad: GradientRule = {
  op: 'Sin',
  inputsToSave: [0],
  grad: ({ node, builder, outputGrad }) => [() => builder.mul(outputGrad(), builder.cos(node.inputs[0]!))],
};
