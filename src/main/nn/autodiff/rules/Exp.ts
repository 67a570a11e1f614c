import type { GradientRule } from '../rule';

/** d e^x = dY·y. */
export const expGrad: GradientRule = {
  op: 'Exp',
  inputsToSave: [],
  outputsToSave: [0],
  grad: ({ node, builder, outputGrad }) => [() => builder.mul(outputGrad(), node.outputs[0])],
};
