import type { GradientRule } from '../rule';
import { scalarOf } from '../util';

/** d relu(x) = dY where x > 0, else 0. */
export const reluGrad: GradientRule = {
  op: 'Relu',
  inputsToSave: [0],
  grad: ({ node, builder, outputGrad }) => {
    const x = node.inputs[0]!;
    const zero = scalarOf(builder, 0, x.dtype);
    return [() => builder.where(builder.greater(x, zero), outputGrad(), zero)];
  },
};
