import type { GradientRule } from '../rule';

/** d(a−b) = dY for a, −dY for b, summed over broadcast axes. */
export const subGrad: GradientRule = {
  op: 'Sub',
  inputsToSave: [],
  grad: ({ node, builder, outputGrad, unbroadcast }) => {
    const [a, b] = node.inputs;
    return [() => unbroadcast(outputGrad(), a!), () => builder.neg(unbroadcast(outputGrad(), b!))];
  },
};
