import type { GradientRule } from '../rule';
import { scalarOf } from '../util';

/** d|x| = dY·sign(x) (0 taken as positive). */
export const absGrad: GradientRule = {
  op: 'Abs',
  inputsToSave: [0],
  grad: ({ node, builder, outputGrad }) => {
    const x = node.inputs[0]!;
    return [() => builder.where(builder.less(x, scalarOf(builder, 0, x.dtype)), builder.neg(outputGrad()), outputGrad())];
  },
};
