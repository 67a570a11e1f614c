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
 * The global L2 norm of `grads` (float32 scalar, as clip_grad_norm_ computes it before
 * clipping) and whether it is finite.
 */
export function appendGradientNorm(b: GraphBuilder, grads: readonly Value[]): { gradNorm: Value; finite: Value } {
  return b.scope('grad_norm', () => {
    let sumSquares: Value | undefined;
    for (const grad of grads) {
      const s = b.reduceSum(b.mul(grad, grad), [], false);
      sumSquares = sumSquares ? b.add(sumSquares, s) : s;
    }
    if (!sumSquares) throw new Error('Adam step with no parameters');
    const gradNorm = b.sqrt(sumSquares);
    return { gradNorm, finite: b.less(gradNorm, b.scalar(3.4e38)) };
  });
}

/**
 * Appends clipping and one Adam step. `step` is the number of steps already taken (float32
 * scalar), `lr` the learning rate (float32 scalar). With `skipNonFinite`, parameters and
 * moments stay unchanged when the gradient norm is inf/NaN (loss-scale overflow), and the step
 * count does not advance.
 */
export function appendAdamStep(b: GraphBuilder, slots: readonly AdamSlot[], step: Value, lr: Value, config: AdamConfig, options: { skipNonFinite?: boolean } = {}): AdamResult {
  return b.scope('adam', () => {
    const { gradNorm, finite } = appendGradientNorm(b, slots.map((slot) => slot.grad));
    // Every update reads the clip coefficient, which reads every gradient, so no update is
    // computed before the last read of any parameter: the runner writes the updates into the
    // parameters' and moments' own buffers (train/runner.ts), and ONNX has no other way to
    // order nodes. Without clipping the coefficient is an exact 1 that still reads the norm.
    const coefficient = Number.isFinite(config.maxGradNorm)
      ? b.min(b.div(b.scalar(config.maxGradNorm), b.add(gradNorm, b.scalar(1e-6))), b.scalar(1))
      : b.where(finite, b.scalar(1), b.scalar(1));

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
      let g = b.mul(slot.grad, coefficient);
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

/** One trained tensor on the host: parameter, gradient and moments, updated in place. */
export interface HostAdamSlot {
  param: Float32Array;
  grad: Float32Array;
  m: Float32Array;
  v: Float32Array;
}

/**
 * Clipping and one Adam step on host buffers, in one pass per tensor: the same float32
 * operations in the same order as appendAdamStep (each rounded with Math.fround), written
 * into `param`, `m` and `v`. `step` is the number of steps already taken, `gradNorm` the
 * float32 norm the graph computed. The caller skips the call for a non-finite norm.
 *
 * Why on the host for the CPU provider: onnxruntime runs the graph version as about fifteen
 * kernels per tensor, each reading and writing every parameter into a fresh buffer (3 s of a
 * 19 s step for upstream's 256-px model on 2 cores); this loop reads each value once.
 */
export function hostAdamStep(slots: readonly HostAdamSlot[], step: number, lr: number, gradNorm: number, config: AdamConfig): void {
  const f = Math.fround;
  const coefficient = Number.isFinite(config.maxGradNorm) ? Math.min(f(f(config.maxGradNorm) / f(gradNorm + f(1e-6))), 1) : 1;
  const t = step + 1;
  const stepSize = f(f(lr) / (1 - config.beta1 ** t));
  const sqrtCorrection2 = f(Math.sqrt(1 - config.beta2 ** t));
  const beta1 = f(config.beta1);
  const beta2 = f(config.beta2);
  const oneMinusBeta1 = f(1 - config.beta1);
  const oneMinusBeta2 = f(1 - config.beta2);
  const eps = f(config.eps);
  const decay = f(config.weightDecay);
  for (const { param, grad, m, v } of slots) {
    const n = param.length;
    if (grad.length !== n || m.length !== n || v.length !== n) throw new Error(`Adam: a gradient or moment has ${grad.length}/${m.length}/${v.length} values for a parameter of ${n}`);
    for (let i = 0; i < n; i++) {
      let g = f(grad[i] * coefficient);
      if (decay !== 0) g = f(g + f(param[i] * decay));
      const mi = f(f(m[i] * beta1) + f(g * oneMinusBeta1));
      const vi = f(f(v[i] * beta2) + f(f(g * g) * oneMinusBeta2));
      m[i] = mi;
      v[i] = vi;
      const denominator = f(f(f(Math.sqrt(vi)) / sqrtCorrection2) + eps);
      param[i] = f(param[i] - f(stepSize * f(mi / denominator)));
    }
  }
}
