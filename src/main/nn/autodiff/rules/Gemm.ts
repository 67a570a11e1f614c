import type { GradientRule } from '../rule';
import { scalarOf } from '../util';

/**
 * Y = α·A'·B' + β·C with A' = transA ? Aᵀ : A (same for B): the gradients are Gemms again,
 * dA' = α·dY·B'ᵀ and dB' = α·A'ᵀ·dY, transposed back when the operand was; dC = β·dY summed
 * over broadcast axes.
 */
export const gemmGrad: GradientRule = {
  op: 'Gemm',
  inputsToSave: [0, 1],
  grad: ({ node, builder, outputGrad, unbroadcast }) => {
    const [a, b, c] = node.inputs;
    const alpha = (node.attributes.alpha as number | undefined) ?? 1;
    const beta = (node.attributes.beta as number | undefined) ?? 1;
    const transA = node.attributes.transA === 1;
    const transB = node.attributes.transB === 1;
    return [
      // dA = transA ? B'·dYᵀ : dY·B'ᵀ
      () => (transA ? builder.gemm(b!, outputGrad(), undefined, { alpha, transA: transB, transB: true }) : builder.gemm(outputGrad(), b!, undefined, { alpha, transB: !transB })),
      // dB = transB ? dYᵀ·A' : A'ᵀ·dY
      () => (transB ? builder.gemm(outputGrad(), a!, undefined, { alpha, transA: true, transB: transA }) : builder.gemm(a!, outputGrad(), undefined, { alpha, transA: !transA })),
      c
        ? () => {
            const g = unbroadcast(outputGrad(), c);
            return beta === 1 ? g : builder.mul(g, scalarOf(builder, beta, g.dtype));
          }
        : undefined,
    ];
  },
};
