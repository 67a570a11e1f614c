import { constantFloats } from '../../shape';
import type { GradientRule } from '../rule';

/**
 * Nearest-neighbour upsampling by integer factors (asymmetric coordinates, floor rounding, as
 * PyTorch's `interpolate(mode='nearest')`): each input pixel was copied to an s×s block, so its
 * gradient is the block sum: Reshape dY to [N, C, H, s, W, s] and ReduceSum over the s axes.
 */
export const resizeGrad: GradientRule = {
  op: 'Resize',
  inputsToSave: [],
  grad: ({ node, builder, outputGrad }) => {
    const x = node.inputs[0]!;
    const y = node.outputs[0];
    const mode = (node.attributes.mode as string | undefined) ?? 'nearest';
    const transform = (node.attributes.coordinate_transformation_mode as string | undefined) ?? 'half_pixel';
    const rounding = (node.attributes.nearest_mode as string | undefined) ?? 'round_prefer_floor';
    const scales = constantFloats(node.name, node.inputs[2]) ?? [];
    const factors = x.shape.map((d, i) => y.shape[i] / d);
    const integral = factors.every((f, i) => Number.isInteger(f) && (scales.length === 0 || scales[i] === f));
    if (mode !== 'nearest' || transform !== 'asymmetric' || rounding !== 'floor' || !integral) {
      throw new Error(`Resize gradient (${node.name}): only nearest, asymmetric, floor, integer scales are supported`);
    }
    return [
      () => {
        const split: number[] = [];
        const sumAxes: number[] = [];
        x.shape.forEach((d, i) => {
          split.push(d);
          if (factors[i] !== 1) {
            split.push(factors[i]);
            sumAxes.push(split.length - 1);
          }
        });
        const blocks = builder.reshape(outputGrad(), split);
        return builder.reshape(builder.reduceSum(blocks, sumAxes, false), [...x.shape]);
      },
      undefined,
      undefined,
      undefined,
    ];
  },
};
