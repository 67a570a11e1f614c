import type { GradientRule } from '../rule';
import { scalarOf } from '../util';

/** GlobalAveragePool: dY / (spatial size), broadcast over the spatial axes. */
export const globalAveragePoolGrad: GradientRule = {
  op: 'GlobalAveragePool',
  inputsToSave: [],
  grad: ({ node, builder, outputGrad }) => {
    const x = node.inputs[0]!;
    const count = x.shape.slice(2).reduce((n, d) => n * d, 1);
    return [() => builder.expand(builder.mul(outputGrad(), scalarOf(builder, 1 / count, x.dtype)), [...x.shape])];
  },
};
