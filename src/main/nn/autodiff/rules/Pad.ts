import { constantInts } from '../../shape';
import type { GradientRule } from '../rule';

/** Constant-mode Pad with non-negative pads: the gradient is the unpadded slice of dY. */
export const padGrad: GradientRule = {
  op: 'Pad',
  inputsToSave: [],
  grad: ({ node, builder, outputGrad }) => {
    const x = node.inputs[0]!;
    const mode = (node.attributes.mode as string | undefined) ?? 'constant';
    const pads = constantInts(node.name, node.inputs[1])!;
    if (mode !== 'constant' || pads.some((p) => p < 0)) throw new Error(`Pad gradient (${node.name}): only constant mode with non-negative pads`);
    const axes = [...x.shape.keys()];
    return [
      () => builder.slice(outputGrad(), axes.map((a) => pads[a]), axes.map((a) => pads[a] + x.shape[a]), axes),
      undefined,
      undefined,
    ];
  },
};
