/**
 * The optimiser half of a train-step graph: global gradient-norm clipping and one Adam step,
 * in graph ops, matching torch.nn.utils.clip_grad_norm_ and torch.optim.Adam (PyTorch 1.13):
 *
 *   norm = √Σ‖g‖²;  g ← g · min(1, maxNorm / (norm + 1e−6))
 *   t = step + 1;  m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²
 *   p ← p − (lr / (1−β1^t)) · m / (√v / √(1−β2^t) + ε)
 *
 * Bias corrections are computed in float64 inside the graph (as PyTorch does in Python
 * floats): 1 − 0.999^t in float32 loses five digits at t = 1.
 */
import type { GraphBuilder } from '../nn/builder';
import type { Value } from '../nn/ir';

/** Adam and clipping settings. */
export interface AdamConfig {
  beta1: number;
  beta2: number;
  eps: number;
  /** L2 penalty added to the gradient (torch Adam's weight_decay); 0 upstream. */
  weightDecay: number;
  /** Global gradient-norm clip; Infinity disables clipping. */
  maxGradNorm: number;
}

/** Upstream stage-2 settings. */
export const upstreamAdam: Readonly<AdamConfig> = Object.freeze({ beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, maxGradNorm: 1 });

/** One trained tensor with its gradient and moments (all float32, same shape). */
export interface AdamSlot {
  param: Value;
  grad: Value;
  m: Value;
  v: Value;
}

/** What the optimiser step produced. */
export interface AdamResult {
  /** Global L2 norm of the gradients before clipping (float32 scalar). */
  gradNorm: Value;
  /** True when the norm is finite (mixed precision skips the step otherwise). */
  finite: Value;
  params: Value[];
  m: Value[];
  v: Value[];
  /** step + 1 (float32 scalar). */
  step: Value;
}

/**
 * Appends clipping and one Adam step. `step` is the number of steps already taken (float32
 * scalar), `lr` the learning rate (float32 scalar). With `skipNonFinite`, parameters and
 * moments stay unchanged when the gradient norm is inf/NaN (loss-scale overflow), and the step
 * count does not advance.
 */
export function appendAdamStep(b: GraphBuilder, slots: readonly AdamSlot[], step: Value, lr: Value, config: AdamConfig, options: { skipNonFinite?: boolean } = {}): AdamResult {
  return b.scope('adam', () => {
    let sumSquares: Value | undefined;
    for (const slot of slots) {
      const s = b.reduceSum(b.mul(slot.grad, slot.grad), [], false);
      sumSquares = sumSquares ? b.add(sumSquares, s) : s;
    }
    if (!sumSquares) throw new Error('Adam step with no parameters');
    const gradNorm = b.sqrt(sumSquares);
    const finite = b.less(gradNorm, b.scalar(3.4e38));
    let coefficient: Value | undefined;
    if (Number.isFinite(config.maxGradNorm)) {
      coefficient = b.min(b.div(b.scalar(config.maxGradNorm), b.add(gradNorm, b.scalar(1e-6))), b.scalar(1));
    }

    const t = b.add(step, b.scalar(1));
    const t64 = b.cast(t, 'float64');
    const one64 = b.scalar(1, 'float64');
    const correction1 = b.sub(one64, b.pow(b.scalar(config.beta1, 'float64'), t64));
    const correction2 = b.sub(one64, b.pow(b.scalar(config.beta2, 'float64'), t64));
    const stepSize = b.cast(b.div(b.cast(lr, 'float64'), correction1), 'float32');
    const sqrtCorrection2 = b.cast(b.sqrt(correction2), 'float32');

    const beta1 = b.scalar(config.beta1);
    const beta2 = b.scalar(config.beta2);
    const oneMinusBeta1 = b.scalar(1 - config.beta1);
    const oneMinusBeta2 = b.scalar(1 - config.beta2);
    const eps = b.scalar(config.eps);
    const result: AdamResult = { gradNorm, finite, params: [], m: [], v: [], step: options.skipNonFinite ? b.where(finite, t, step) : t };
    for (const slot of slots) {
      let g = coefficient ? b.mul(slot.grad, coefficient) : slot.grad;
      if (config.weightDecay !== 0) g = b.add(g, b.mul(slot.param, b.scalar(config.weightDecay)));
      let m = b.add(b.mul(slot.m, beta1), b.mul(g, oneMinusBeta1));
      let v = b.add(b.mul(slot.v, beta2), b.mul(b.mul(g, g), oneMinusBeta2));
      const denominator = b.add(b.div(b.sqrt(v), sqrtCorrection2), eps);
      let p = b.sub(slot.param, b.mul(stepSize, b.div(m, denominator)));
      if (options.skipNonFinite) {
        p = b.where(finite, p, slot.param);
        m = b.where(finite, m, slot.m);
        v = b.where(finite, v, slot.v);
      }
      result.params.push(p);
      result.m.push(m);
      result.v.push(v);
    }
    return result;
  });
}
