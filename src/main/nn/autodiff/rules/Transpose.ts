import type { GradientRule } from '../rule';
import { inversePermutation } from '../util';

/** Transpose: dY transposed by the inverse permutation. */
export const transposeGrad: GradientRule = {
  op: 'Transpose',
  inputsToSave: [],
  grad: ({ node, builder, outputGrad }) => {
    const x = node.inputs[0]!;
    const perm = (node.attributes.perm as number[] | undefined) ?? [...x.shape.keys()].reverse();
    return [() => builder.transpose(outputGrad(), inversePermutation(perm))];
  },
};
