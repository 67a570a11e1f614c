import type { GradientRule } from '../rule';

/** Cast between float types: the gradient is cast back (mixed precision relies on this). */
export const castGrad: GradientRule = {
  op: 'Cast',
  inputsToSave: [],
  grad: ({ node, builder, outputGrad }) => [() => builder.cast(outputGrad(), node.inputs[0]!.dtype)],
};
