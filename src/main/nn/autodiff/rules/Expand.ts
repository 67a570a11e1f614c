import type { GradientRule } from '../rule';

/** Expand is a broadcast: dY summed over the broadcast axes. */
export const expandGrad: GradientRule = {
  op: 'Expand',
  inputsToSave: [],
  grad: ({ node, outputGrad, unbroadcast }) => [() => unbroadcast(outputGrad(), node.inputs[0]!), undefined],
};
