import type { GradientRule } from '../rule';
import { scalarOf } from '../util';

/** Where(c, x, y): dY flows to x where c holds and to y elsewhere; c gets none. */
export const whereGrad: GradientRule = {
  op: 'Where',
  inputsToSave: [0],
  grad: ({ node, builder, outputGrad, unbroadcast }) => {
    const [condition, x, y] = node.inputs;
    const zero = () => scalarOf(builder, 0, node.outputs[0].dtype);
    return [
      undefined,
      () => unbroadcast(builder.where(condition!, outputGrad(), zero()), x!),
      () => unbroadcast(builder.where(condition!, zero(), outputGrad()), y!),
    ];
  },
};
