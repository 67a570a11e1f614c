import type { GradientRule } from '../rule';
import { swapLastTwo } from '../util';

/**
 * Y = A·B (numpy matmul, both operands of rank ≥ 2): dA = dY·Bᵀ and dB = Aᵀ·dY, each summed
 * over the batch axes it was broadcast along.
 */
export const matMulGrad: GradientRule = {
  op: 'MatMul',
  inputsToSave: [0, 1],
  grad: ({ node, builder, outputGrad, unbroadcast }) => {
    const [a, b] = node.inputs;
    if (a!.rank < 2 || b!.rank < 2) throw new Error(`MatMul gradient (${node.name}): rank-1 operands are not supported`);
    return [
      () => unbroadcast(builder.matmul(outputGrad(), swapLastTwo(builder, b!)), a!),
      () => unbroadcast(builder.matmul(swapLastTwo(builder, a!), outputGrad()), b!),
    ];
  },
};
