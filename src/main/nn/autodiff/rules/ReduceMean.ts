import type { GradientRule } from '../rule';
import { normaliseAxes, scalarOf } from '../util';
import { expandReduced } from './reduceShared';

/** ReduceMean: dY / count, broadcast back over the reduced axes. */
export const reduceMeanGrad: GradientRule = {
  op: 'ReduceMean',
  inputsToSave: [],
  grad: ({ node, builder, outputGrad }) => {
    const x = node.inputs[0]!;
    const listed = (node.attributes.axes as number[] | undefined) ?? [];
    const axes = listed.length === 0 ? [...x.shape.keys()] : normaliseAxes(node.name, listed, x.rank);
    const count = axes.reduce((n, a) => n * x.shape[a], 1);
    return [() => expandReduced(builder, builder.mul(outputGrad(), scalarOf(builder, 1 / count, x.dtype)), x, axes)];
  },
};
