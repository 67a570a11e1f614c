import type { GradientRule } from '../rule';

/** d(a·b) = dY·b for a and dY·a for b, summed over broadcast axes. */
export const mulGrad: GradientRule = {
  op: 'Mul',
  inputsToSave: [0, 1],
  grad: ({ node, builder, outputGrad, unbroadcast }) => {
    const [a, b] = node.inputs;
    return [() => unbroadcast(builder.mul(outputGrad(), b!), a!), () => unbroadcast(builder.mul(outputGrad(), a!), b!)];
  },
};
