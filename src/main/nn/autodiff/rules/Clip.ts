import type { GradientRule } from '../rule';
import { scalarOf } from '../util';

/** Clip(x, min, max): dY where min ≤ x ≤ max, else 0; the bounds get none. */
export const clipGrad: GradientRule = {
  op: 'Clip',
  inputsToSave: [0, 1, 2],
  grad: ({ node, builder, outputGrad }) => {
    const [x, min, max] = node.inputs;
    return [
      () => {
        const zero = scalarOf(builder, 0, x!.dtype);
        let g = outputGrad();
        if (min) g = builder.where(builder.less(x!, min), zero, g);
        if (max) g = builder.where(builder.greater(x!, max), zero, g);
        return g;
      },
      undefined,
      undefined,
    ];
  },
};
