import type { GradientRule } from '../rule';
import { scalarOf } from '../util';

/** d min(a,b): dY goes to a where a ≤ b, else to b (ties go to a). */
export const minGrad: GradientRule = {
  op: 'Min',
  inputsToSave: [0, 1],
  grad: ({ node, builder, outputGrad, unbroadcast }) => {
    const [a, b] = node.inputs;
    const zero = () => scalarOf(builder, 0, node.outputs[0].dtype);
    return [
      () => unbroadcast(builder.where(builder.greater(a!, b!), zero(), outputGrad()), a!),
      () => unbroadcast(builder.where(builder.greater(a!, b!), outputGrad(), zero()), b!),
    ];
  },
};
