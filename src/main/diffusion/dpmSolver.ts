/**
 * DPM-Solver++ (Lu et al. 2022) as DiffusionRig-EMO samples with the official DPM-Solver
 * library: the discrete VP schedule of the model's 1000-step ᾱ (log α piecewise linear in
 * t ∈ (0, 1], knots at i/1000), data prediction x̂0 = (x − σ_t·ε)/α_t, multistep of order 2,
 * time-uniform steps from t = 1 to t = 1/1000, the first step of order 1, no thresholding, and
 * the sample clamped to [−1, 1]. The network is called at the integer step round(1000·t − 1)
 * clamped to [0, 999], so it only sees the steps it was trained at.
 *
 * Every step is x_next = ratio·x − dataScale·x̂0 − correction·(x̂0 − x̂0_prev), with x̂0 the
 * data prediction at the current time and x̂0_prev the previous one (order 1: correction 0).
 * The coefficients are computed once per plan in float64 and rounded to float32; the loop
 * arithmetic is float32 as the reference's tensors are. The host loop here and the device loop
 * (dpmSolverDevice.ts) share the plan, so both give the same numbers.
 *
 * Also the library's log-SNR spacing (skip_type 'logSNR') and an inversion plan: the same times
 * walked upward, which edits use to start DPM-Solver++ from the source (see generate.ts).
 */
import { throwIfCancelled } from '../core/cancellation';
import type { Denoiser, StepProgress } from './ddim';
import type { DiffusionSettings } from './schedule';
import { createDiffusion, roundHalfEven } from './schedule';

const f = Math.fround;

/** One step: the model call at the current time and the update to the next. */
export interface DpmSolverStep {
  /** The integer (1000-step) index the network is called with. */
  timestep: number;
  /** x̂0 = (x − sigma·ε) / alpha at the current time. */
  alpha: number;
  sigma: number;
  /** x_next = ratio·x − dataScale·x̂0 − correction·(x̂0 − x̂0_prev). */
  ratio: number;
  dataScale: number;
  correction: number;
  /** 1 or 2. */
  order: number;
}

/** A plan: the times (sampling: t_0 = 1 > … > t_N = 1/1000; an inversion the reverse) and one step per interval. */
export interface DpmSolverPlan {
  times: number[];
  steps: DpmSolverStep[];
}

/** Options of a plan (the library's defaults as DiffusionRig-EMO calls it). */
export interface DpmSolverOptions {
  /** Solver order, 1 or 2 (default 2). */
  order?: number;
  /**
   * Order 1 on the last step (the library's lower_order_final). With 'few-steps' (default),
   * only when steps < 10, as the official library's current release decides; 'always' and
   * 'never' force it.
   */
  lowerOrderFinal?: 'few-steps' | 'always' | 'never';
  /**
   * How the times are spaced (the library's skip_type): 'time-uniform' (default, what
   * DiffusionRig-EMO uses) or 'log-snr' (uniform in λ = log(α/σ), the library's advice for
   * low-resolution images).
   */
  spacing?: 'time-uniform' | 'log-snr';
}

/**
 * torch.linspace in float32 as its CPU kernel computes it, since a time that lands on a half
 * step decides which integer step the network sees: scalar elements count from the start below
 * halfway and from the end above it; the kernel's vectorised part (runs of 2×8 floats, AVX2)
 * takes each group of 8 from its first element's value plus k·step.
 */
export function linspace32(start: number, end: number, count: number): number[] {
  if (count === 1) return [f(start)];
  const s = f(start);
  const e = f(end);
  const step = f(f(e - s) / (count - 1));
  const halfway = Math.floor(count / 2);
  const scalar = (i: number) => (i < halfway ? f(s + f(step * i)) : f(e - f(step * (count - i - 1))));
  const vector = 8;
  const vectorised = Math.floor(count / (2 * vector)) * 2 * vector;
  return Array.from({ length: count }, (_, i) => {
    if (i >= vectorised) return scalar(i);
    const first = i - (i % vector);
    return f(scalar(first) + f(step * (i - first)));
  });
}

/** The discrete VP schedule of the library: log α_t interpolated between knots t = (i+1)/N. */
class DiscreteSchedule {
  private readonly knots: Float64Array;
  private readonly logAlpha: Float64Array;

  constructor(alphasCumprod: Float64Array) {
    const n = alphasCumprod.length;
    // float32 arrays as the library keeps them (t_array, log_alpha_array)
    this.knots = Float64Array.from(linspace32(0, 1, n + 1).slice(1));
    this.logAlpha = Float64Array.from(alphasCumprod, (a) => f(0.5 * Math.log(a)));
  }

  get total(): number {
    return this.knots.length;
  }

  /** log α_t: linear between the knots, extended linearly beyond them. */
  logMeanCoefficient(t: number): number {
    const { knots, logAlpha } = this;
    const last = knots.length - 1;
    let i = 0;
    if (t >= knots[last]) i = last - 1;
    else if (t > knots[0]) {
      while (knots[i + 1] < t) i++;
    }
    const slope = (logAlpha[i + 1] - logAlpha[i]) / (knots[i + 1] - knots[i]);
    return logAlpha[i] + slope * (t - knots[i]);
  }

  alpha(t: number): number {
    return Math.exp(this.logMeanCoefficient(t));
  }

  sigma(t: number): number {
    return Math.sqrt(1 - Math.exp(2 * this.logMeanCoefficient(t)));
  }

  /** λ_t = log(α_t / σ_t). */
  lambda(t: number): number {
    const l = this.logMeanCoefficient(t);
    return l - 0.5 * Math.log(1 - Math.exp(2 * l));
  }

  /** The time whose λ is `lambda`: log α = −½·log(1 + e^(−2λ)), t interpolated between the knots. */
  timeOfLambda(lambda: number): number {
    const logAlpha = -0.5 * Math.log1p(Math.exp(-2 * lambda));
    const { knots, logAlpha: table } = this;
    // log α decreases with t: find the knots around it, extending the end segments linearly
    let i = 0;
    while (i < table.length - 2 && table[i + 1] > logAlpha) i++;
    const slope = (knots[i + 1] - knots[i]) / (table[i + 1] - table[i]);
    return knots[i] + slope * (logAlpha - table[i]);
  }

  /** The integer step the network is called with at continuous time t. */
  modelTimestep(t: number): number {
    const continuous = f(f(f(t) - f(1 / this.total)) * this.total);
    return Math.min(this.total - 1, Math.max(0, roundHalfEven(continuous)));
  }
}

/** The plan of `steps` DPM-Solver++ steps over the model's (unrespaced) noise schedule. */
export function dpmSolverPlan(settings: DiffusionSettings, steps: number, options: DpmSolverOptions = {}): DpmSolverPlan {
  const schedule = checkedSchedule(settings, steps, options.order ?? 2);
  return planOver(schedule, planTimes(schedule, steps, options), options.order ?? 2, options.lowerOrderFinal ?? 'few-steps');
}

/** The times t_0 = 1 > … > t_N = 1/1000 of `steps` steps, spaced as asked. */
function planTimes(schedule: DiscreteSchedule, steps: number, options: DpmSolverOptions): number[] {
  const [first, last] = [1, 1 / schedule.total];
  if ((options.spacing ?? 'time-uniform') === 'time-uniform') return linspace32(first, last, steps + 1);
  const [from, to] = [schedule.lambda(first), schedule.lambda(last)];
  return Array.from({ length: steps + 1 }, (_, k) => (k === 0 ? first : k === steps ? last : schedule.timeOfLambda(from + ((to - from) * k) / steps)));
}

/**
 * The plan that inverts `dpmSolverPlan(settings, steps, options)`: the same times walked
 * upward from t = 1/1000 (the clean image) to t = 1, the same multistep update with the signs
 * of h reversed, so the network is called at the sampler's own grid (each step at the lower
 * end of its interval, as DDIM inversion does). Sampling from its result retraces it.
 */
export function dpmSolverInversionPlan(settings: DiffusionSettings, steps: number, options: DpmSolverOptions = {}): DpmSolverPlan {
  const schedule = checkedSchedule(settings, steps, options.order ?? 2);
  const times = planTimes(schedule, steps, options).reverse();
  return planOver(schedule, times, options.order ?? 2, options.lowerOrderFinal ?? 'few-steps');
}

function checkedSchedule(settings: DiffusionSettings, steps: number, order: number): DiscreteSchedule {
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`DPM-Solver++ needs a positive whole number of steps, not ${steps}`);
  if (order !== 1 && order !== 2) throw new Error(`DPM-Solver++ order ${order}: only orders 1 and 2 are supported`);
  if (steps < order) throw new Error(`DPM-Solver++ of order ${order} needs at least ${order} steps`);
  // the schedule the model was trained with, never respaced (see docs: EMO's 500-step pitfall)
  const diffusion = createDiffusion({ steps: settings.steps, schedule: settings.schedule });
  return new DiscreteSchedule(diffusion.alphasCumprod);
}

/** One step per interval of `times` (either direction): the library's multistep update. */
function planOver(schedule: DiscreteSchedule, times: number[], order: number, lowerFinal: NonNullable<DpmSolverOptions['lowerOrderFinal']>): DpmSolverPlan {
  const steps = times.length - 1;
  const plan: DpmSolverStep[] = [];
  for (let k = 1; k <= steps; k++) {
    const [s, t] = [times[k - 1], times[k]];
    let stepOrder = k < order ? k : order;
    if (k === steps && (lowerFinal === 'always' || (lowerFinal === 'few-steps' && steps < 10))) stepOrder = Math.min(stepOrder, 1);
    const h = schedule.lambda(t) - schedule.lambda(s);
    const alphaT = schedule.alpha(t);
    const phi = Math.expm1(-h);
    let correction = 0;
    if (stepOrder === 2) {
      const r0 = (schedule.lambda(s) - schedule.lambda(times[k - 2])) / h;
      correction = (0.5 * alphaT * phi) / r0;
    }
    plan.push({
      timestep: schedule.modelTimestep(s),
      alpha: f(schedule.alpha(s)),
      sigma: f(schedule.sigma(s)),
      ratio: f(schedule.sigma(t) / schedule.sigma(s)),
      dataScale: f(alphaT * phi),
      correction: f(correction),
      order: stepOrder,
    });
  }
  return { times, steps: plan };
}

/** Options of a DPM-Solver++ loop. */
export interface DpmSolverLoopOptions {
  /**
   * Clamp each data prediction x̂0 to [−1, 1] (as DDIM's clip_denoised does). Off in the
   * library's setting (no thresholding, what the fixture checks); an edit that starts from a
   * DDIM inversion needs it: x̂0 = (x − σ·ε̂)/α divides the network's error by α_1 ≈ 0.006.
   */
  clipDenoised?: boolean;
  /** Clamp the result to [−1, 1] (default true: a sample; an inversion's x_T is not clamped). */
  clampResult?: boolean;
  onStep?: (progress: StepProgress) => void;
  signal?: AbortSignal;
}

/** Clamps a sample to [−1, 1] in place (the library's caller does so after the last step). */
export function clampSample(x: Float32Array): Float32Array {
  for (let i = 0; i < x.length; i++) x[i] = Math.min(1, Math.max(-1, x[i]));
  return x;
}

/** DPM-Solver++ from x_T (N·3·S·S values) over any ε-predictor, on the host. */
export async function dpmSolverSample(plan: DpmSolverPlan, denoiser: Denoiser, noise: Float32Array, batch: number, options: DpmSolverLoopOptions = {}): Promise<Float32Array> {
  let x = Float32Array.from(noise);
  let previous: Float32Array | undefined;
  const total = plan.steps.length;
  for (let k = 0; k < total; k++) {
    throwIfCancelled(options.signal);
    const step = plan.steps[k];
    const eps = await denoiser(x, new Float32Array(batch).fill(step.timestep));
    if (eps.length !== x.length) throw new Error(`denoiser returned ${eps.length} values for ${x.length}`);
    const data = new Float32Array(x.length);
    const next = new Float32Array(x.length);
    for (let i = 0; i < x.length; i++) {
      let d = f(f(x[i] - f(eps[i] * step.sigma)) / step.alpha);
      if (options.clipDenoised) d = Math.min(1, Math.max(-1, d));
      data[i] = d;
      let v = f(f(x[i] * step.ratio) - f(d * step.dataScale));
      if (step.correction !== 0) v = f(v - f(f(d - previous![i]) * step.correction));
      next[i] = v;
    }
    previous = data;
    x = next;
    options.onStep?.({ step: k + 1, total, timestep: step.timestep });
  }
  return options.clampResult === false ? x : clampSample(x);
}
