import type { GradientRule } from '../rule';

/** d(a+b) = dY for both operands, summed over broadcast axes. */
export const addGrad: GradientRule = {
  op: 'Add',
  inputsToSave: [],
  grad: ({ node, outputGrad, unbroadcast }) => {
    const [a, b] = node.inputs;
    return [() => unbroadcast(outputGrad(), a!), () => unbroadcast(outputGrad(), b!)];
  },
};
