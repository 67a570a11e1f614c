import type { GradientRule } from '../rule';

/** d ln x = dY / x. */
export const logGrad: GradientRule = {
  op: 'Log',
  inputsToSave: [0],
  grad: ({ node, builder, outputGrad }) => [() => builder.div(outputGrad(), node.inputs[0]!)],
};
