import type { GradientRule } from '../rule';
import { scalarOf, zerosLike } from '../util';

/**
 * 2-D MaxPool (the ResNet stem's 3×3 stride 2 pad 1; any kernel, stride and padding, no
 * dilation, no ceil mode). The gradient of each output goes to the input element that was its
 * maximum: per kernel tap, the strided slice of the (−∞-padded) input that the tap reads is
 * compared with the output; the first tap in row-major window order that equals it wins (as
 * PyTorch and onnxruntime pick the first maximum on ties), and its dY is placed back on the
 * input grid with zero interleaving (Reshape + Pad) and summed over taps, so overlapping
 * windows add up. Standard ops only (Slice, Equal, Cast, Mul, Pad, Reshape, Add): no
 * ScatterElements, which not every execution provider has with reduction.
 */
export const maxPoolGrad: GradientRule = {
  op: 'MaxPool',
  inputsToSave: [0],
  outputsToSave: [0],
  grad: ({ node, builder: b, outputGrad }) => {
    const x = node.inputs[0]!;
    const y = node.outputs[0];
    if (x.rank !== 4) throw new Error(`MaxPool gradient (${node.name}): only 2-D pooling ([N, C, H, W])`);
    const [kh, kw] = node.attributes.kernel_shape as number[];
    const [sh, sw] = (node.attributes.strides as number[] | undefined) ?? [1, 1];
    const [pt, pl] = ((node.attributes.pads as number[] | undefined) ?? [0, 0, 0, 0]).slice(0, 2);
    const dilations = node.attributes.dilations as number[] | undefined;
    if (dilations?.some((d) => d !== 1)) throw new Error(`MaxPool gradient (${node.name}): dilations are not supported`);
    if (node.attributes.ceil_mode) throw new Error(`MaxPool gradient (${node.name}): ceil_mode is not supported`);
    if (node.outputs.length > 1) throw new Error(`MaxPool gradient (${node.name}): the Indices output is not supported`);
    return [
      () => {
        const [n, c, h, w] = x.shape;
        const [ho, wo] = [y.shape[2], y.shape[3]];
        // the padded extent the windows read: (Ho − 1)·s + k
        const hp = (ho - 1) * sh + kh;
        const wp = (wo - 1) * sw + kw;
        const padded = b.pad(x, [0, 0, pt, pl, 0, 0, hp - h - pt, wp - w - pl], 'constant', -Infinity);
        const dy = outputGrad();
        const one = scalarOf(b, 1, x.dtype);
        let claimed = zerosLike(b, y);
        let sum = null;
        for (let a = 0; a < kh; a++) {
          for (let bb = 0; bb < kw; bb++) {
            const tap = b.slice(padded, [a, bb], [a + (ho - 1) * sh + 1, bb + (wo - 1) * sw + 1], [2, 3], [sh, sw]);
            const equal = b.cast(b.equal(tap, y), x.dtype);
            const wins = b.mul(equal, b.sub(one, claimed));
            claimed = b.add(claimed, wins);
            // dY of the windows this tap won, at input rows a + i·sh and columns bb + j·sw
            const spread = b.reshape(
              b.pad(b.reshape(b.mul(dy, wins), [n, c, ho, 1, wo, 1]), [0, 0, 0, 0, 0, 0, 0, 0, 0, sh - 1, 0, sw - 1]),
              [n, c, ho * sh, wo * sw],
            );
            const placed = b.pad(spread, [0, 0, a, bb, 0, 0, hp - a - ho * sh, wp - bb - wo * sw]);
            sum = sum ? b.add(sum, placed) : placed;
          }
        }
        // back to the unpadded input (rows no window reads get zero)
        return b.pad(sum!, [0, 0, -pt, -pl, 0, 0, h + pt - hp, w + pl - wp]);
      },
    ];
  },
};
