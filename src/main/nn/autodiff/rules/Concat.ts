import type { GradientRule } from '../rule';
import { normaliseAxes } from '../util';

/** Concat: each input gets its own slice of dY along the axis. */
export const concatGrad: GradientRule = {
  op: 'Concat',
  inputsToSave: [],
  grad: ({ node, builder, outputGrad }) => {
    const y = node.outputs[0];
    const [axis] = normaliseAxes(node.name, [node.attributes.axis as number], y.rank);
    let start = 0;
    return node.inputs.map((input) => {
      const begin = start;
      start += input!.shape[axis];
      const end = start;
      return () => builder.slice(outputGrad(), [begin], [end], [axis]);
    });
  },
};
