import type { GradientRule } from '../rule';

/** Softmax along one axis (opset 13+): dX = y·(dY − Σ_axis dY·y). */
export const softmaxGrad: GradientRule = {
  op: 'Softmax',
  inputsToSave: [],
  outputsToSave: [0],
  grad: ({ node, builder, outputGrad }) => {
    const y = node.outputs[0];
    const axis = (node.attributes.axis as number | undefined) ?? -1;
    return [
      () => {
        const dy = outputGrad();
        const dot = builder.reduceSum(builder.mul(dy, y), [axis < 0 ? axis + y.rank : axis], true);
        return builder.mul(y, builder.sub(dy, dot));
      },
    ];
  },
};
