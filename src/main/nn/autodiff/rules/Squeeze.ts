import type { GradientRule } from '../rule';

/** Squeeze only relabels the elements: the gradient is dY reshaped back to X's shape. */
export const squeezeGrad: GradientRule = {
  op: 'Squeeze',
  inputsToSave: [],
  grad: ({ node, builder, outputGrad }) => [() => builder.reshape(outputGrad(), [...node.inputs[0]!.shape]), undefined],
};
