import type { GradientRule } from '../rule';

/** Identity passes the gradient through. */
export const identityGrad: GradientRule = {
  op: 'Identity',
  inputsToSave: [],
  grad: ({ outputGrad }) => [() => outputGrad()],
};
