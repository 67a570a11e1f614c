import { constantInts } from '../../shape';
import type { GradientRule } from '../rule';
import { normaliseAxes } from '../util';
import { expandReduced } from './reduceShared';

/** ReduceSum: dY is broadcast back over the reduced axes. */
export const reduceSumGrad: GradientRule = {
  op: 'ReduceSum',
  inputsToSave: [],
  grad: ({ node, builder, outputGrad }) => {
    const x = node.inputs[0]!;
    const listed = constantInts(node.name, node.inputs[1]) ?? [];
    const axes = listed.length === 0 ? [...x.shape.keys()] : normaliseAxes(node.name, listed, x.rank);
    return [() => expandReduced(builder, outputGrad(), x, axes), undefined];
  },
};
