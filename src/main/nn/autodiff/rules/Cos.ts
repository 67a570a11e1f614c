import type { GradientRule } from '../rule';

/** d cos x = −dY·sin x. */
export const cosGrad: GradientRule = {
  op: 'Cos',
  inputsToSave: [0],
  grad: ({ node, builder, outputGrad }) => [() => builder.neg(builder.mul(outputGrad(), builder.sin(node.inputs[0]!)))],
};
