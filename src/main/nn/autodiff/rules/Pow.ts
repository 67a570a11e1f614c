import type { GradientRule } from '../rule';
import { scalarOf } from '../util';

/** d(a^b) = dY·b·a^(b−1) for a and dY·y·ln(a) for b (defined for a > 0). */
export const powGrad: GradientRule = {
  op: 'Pow',
  inputsToSave: [0, 1],
  outputsToSave: [0],
  grad: ({ node, builder, outputGrad, unbroadcast }) => {
    const [a, b] = node.inputs;
    const y = node.outputs[0];
    return [
      () => {
        const one = scalarOf(builder, 1, b!.dtype);
        return unbroadcast(builder.mul(outputGrad(), builder.mul(b!, builder.pow(a!, builder.sub(b!, one)))), a!);
      },
      () => unbroadcast(builder.mul(outputGrad(), builder.mul(y, builder.log(a!))), b!),
    ];
  },
};
