import type { GradientRule } from '../rule';

/** Unsqueeze only relabels the elements: the gradient is dY reshaped back to X's shape. */
export const unsqueezeGrad: GradientRule = {
  op: 'Unsqueeze',
  inputsToSave: [],
  grad: ({ node, builder, outputGrad }) => [() => builder.reshape(outputGrad(), [...node.inputs[0]!.shape]), undefined],
};
