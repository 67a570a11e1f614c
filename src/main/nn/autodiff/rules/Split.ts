import type { GradientRule } from '../rule';
import { normaliseAxes } from '../util';

/** Split: the output gradients concatenated back (zeros for outputs with no gradient). */
export const splitGrad: GradientRule = {
  op: 'Split',
  inputsToSave: [],
  grad: ({ node, builder, outputGrad }) => {
    const x = node.inputs[0]!;
    const [axis] = normaliseAxes(node.name, [(node.attributes.axis as number | undefined) ?? 0], x.rank);
    return [() => builder.concat(node.outputs.map((_, i) => outputGrad(i)), axis), undefined];
  },
};
