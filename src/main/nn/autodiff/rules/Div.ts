import type { GradientRule } from '../rule';

/** d(a/b) = dY/b for a and −dY·y/b for b (y = a/b reused), summed over broadcast axes. */
export const divGrad: GradientRule = {
  op: 'Div',
  inputsToSave: [1],
  outputsToSave: [0],
  grad: ({ node, builder, outputGrad, unbroadcast }) => {
    const [a, b] = node.inputs;
    const y = node.outputs[0];
    return [
      () => unbroadcast(builder.div(outputGrad(), b!), a!),
      () => unbroadcast(builder.neg(builder.div(builder.mul(outputGrad(), y), b!)), b!),
    ];
  },
};
