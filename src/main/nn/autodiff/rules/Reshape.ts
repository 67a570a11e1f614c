import type { GradientRule } from '../rule';

/** Reshape only relabels the elements: the gradient is dY reshaped back to X's shape. */
export const reshapeGrad: GradientRule = {
  op: 'Reshape',
  inputsToSave: [],
  grad: ({ node, builder, outputGrad }) => [() => builder.reshape(outputGrad(), [...node.inputs[0]!.shape]), undefined],
};
