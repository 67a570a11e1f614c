import type { GradientRule } from '../rule';
import { scalarOf } from '../util';

/**
 * AveragePool with kernel = stride, no padding, sizes divisible by the kernel (the UNet's 2×2
 * downsampling): each input pixel belongs to exactly one window, so its gradient is that
 * window's dY divided by the window size (an Expand of dY to [N, C, Ho, k, Wo, k]).
 */
export const averagePoolGrad: GradientRule = {
  op: 'AveragePool',
  inputsToSave: [],
  grad: ({ node, builder, outputGrad }) => {
    const x = node.inputs[0]!;
    const y = node.outputs[0];
    const kernel = node.attributes.kernel_shape as number[];
    const strides = (node.attributes.strides as number[] | undefined) ?? kernel.map(() => 1);
    const pads = (node.attributes.pads as number[] | undefined) ?? [];
    const spatial = x.shape.slice(2);
    const simple = kernel.every((k, i) => strides[i] === k && spatial[i] === k * y.shape[2 + i]) && pads.every((p) => p === 0);
    if (!simple) throw new Error(`AveragePool gradient (${node.name}): only kernel = stride without padding on divisible sizes`);
    return [
      () => {
        const window = kernel.reduce((n, k) => n * k, 1);
        const withAxes: number[] = [y.shape[0], y.shape[1]];
        const expanded: number[] = [y.shape[0], y.shape[1]];
        kernel.forEach((k, i) => {
          withAxes.push(y.shape[2 + i], 1);
          expanded.push(y.shape[2 + i], k);
        });
        const g = builder.mul(outputGrad(), scalarOf(builder, 1 / window, x.dtype));
        return builder.reshape(builder.expand(builder.reshape(g, withAxes), expanded), [...x.shape]);
      },
    ];
  },
};
