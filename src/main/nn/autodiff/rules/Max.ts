import type { GradientRule } from '../rule';
import { scalarOf } from '../util';

/** d max(a,b): dY goes to a where a ≥ b, else to b (ties go to a, like a subgradient). */
export const maxGrad: GradientRule = {
  op: 'Max',
  inputsToSave: [0, 1],
  grad: ({ node, builder, outputGrad, unbroadcast }) => {
    const [a, b] = node.inputs;
    const zero = () => scalarOf(builder, 0, node.outputs[0].dtype);
    return [
      () => unbroadcast(builder.where(builder.less(a!, b!), zero(), outputGrad()), a!),
      () => unbroadcast(builder.where(builder.less(a!, b!), outputGrad(), zero()), b!),
    ];
  },
};
