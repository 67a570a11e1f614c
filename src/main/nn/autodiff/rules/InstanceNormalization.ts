import type { Value } from '../../ir';
import type { GradientRule } from '../rule';
import { scalarOf } from '../util';

/**
 * InstanceNormalization: y = x̂·s + b with x̂ = (x − μ)/σ per (n, c) over the spatial axes.
 * It saves only x: μ, σ and x̂ are recomputed here (a few passes, instead of the forward
 * keeping them), and
 *   dX = (g − mean(g) − x̂·mean(g·x̂)) / σ   with g = dY·s (then centred: it sums to 0),
 *   dScale = Σ dY·x̂,   dB = Σ dY   (over the batch and spatial axes).
 * A constant all-ones scale (GroupNorm's form, models/layers.ts) skips the product g = dY·s.
 */
export const instanceNormalizationGrad: GradientRule = {
  op: 'InstanceNormalization',
  inputsToSave: [0, 1],
  grad: ({ node, builder: b, outputGrad }) => {
    const [x, scale] = node.inputs as [Value, Value, Value];
    const epsilon = (node.attributes.epsilon as number | undefined) ?? 1e-5;
    const axes = x.shape.map((_, i) => i).slice(2);
    const channelShape = x.shape.map((d, i) => (i === 1 ? d : 1)).slice(1);
    let statistics: { xhat: Value; rstd: Value } | undefined;
    const normalised = () => {
      if (!statistics) {
        const centred = b.sub(x, b.reduceMean(x, axes));
        const variance = b.reduceMean(b.mul(centred, centred), axes);
        const rstd = b.reciprocal(b.sqrt(b.add(variance, scalarOf(b, epsilon, x.dtype))));
        statistics = { xhat: b.mul(centred, rstd), rstd };
      }
      return statistics;
    };
    const unitScale = isAllOnes(scale);
    return [
      () => {
        const { xhat, rstd } = normalised();
        const dy = outputGrad();
        const g = unitScale ? dy : b.mul(dy, b.reshape(scale, channelShape));
        const dx = b.mul(b.sub(b.sub(g, b.reduceMean(g, axes)), b.mul(xhat, b.reduceMean(b.mul(g, xhat), axes))), rstd);
        // dX sums to exactly zero over each instance; rounding (Σx̂ is not exactly 0) leaves
        // noise that Adam would turn into real updates of whatever feeds the normalisation
        // (e.g. a conv bias before a GroupNorm of one-channel groups): project it out
        return b.sub(dx, b.reduceMean(dx, axes));
      },
      () => b.reduceSum(b.mul(outputGrad(), normalised().xhat), [0, ...axes], false),
      () => b.reduceSum(outputGrad(), [0, ...axes], false),
    ];
  },
};

/** True for a constant whose every value is 1 (float32, float64 or float16 bits). */
function isAllOnes(value: Value): boolean {
  const data = value.data;
  if (data instanceof Float32Array || data instanceof Float64Array) return data.every((v) => v === 1);
  if (data instanceof Uint16Array && value.dtype === 'float16') return data.every((v) => v === 0x3c00);
  return false;
}
