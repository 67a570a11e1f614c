import type { GradientRule } from '../rule';
import { scalarOf } from '../util';

/** dσ(x) = dY·y·(1−y). */
export const sigmoidGrad: GradientRule = {
  op: 'Sigmoid',
  inputsToSave: [],
  outputsToSave: [0],
  grad: ({ node, builder, outputGrad }) => {
    const y = node.outputs[0];
    return [() => builder.mul(outputGrad(), builder.mul(y, builder.sub(scalarOf(builder, 1, y.dtype), y)))];
  },
};
