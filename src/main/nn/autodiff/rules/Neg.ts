import type { GradientRule } from '../rule';

/** d(−x) = −dY. */
export const negGrad: GradientRule = {
  op: 'Neg',
  inputsToSave: [],
  grad: ({ builder, outputGrad }) => [() => builder.neg(outputGrad())],
};
