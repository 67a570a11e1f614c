/**
 * DDIM sampling and DDIM inversion (the deterministic reverse loop) over any ε-predictor.
 * The per-element arithmetic repeats upstream's float32 tensor expressions operation by
 * operation (coefficients rounded from float64 to float32 as `_extract_into_tensor` does),
 * so results track PyTorch closely. Progress is reported per step; an AbortSignal cancels
 * between steps.
 */
import { throwIfCancelled } from '../core/cancellation';
import type { Diffusion } from './schedule';
import type { SeededRandom } from './rng';

const f = Math.fround;

/** ε-prediction for a batch: x [N·C·H·W] at original step indices (one per item). */
export type Denoiser = (x: Float32Array, timesteps: Float32Array) => Promise<Float32Array>;

/** Progress of one loop. */
export interface StepProgress {
  /** 1-based step number. */
  step: number;
  total: number;
  /** Original (1000-step) index the model was called with. */
  timestep: number;
}

/** Options of the sampling and inversion loops. */
export interface DdimOptions {
  /** 0 = deterministic DDIM (upstream's setting). Inversion requires 0. */
  eta?: number;
  /** Clamp x̂0 to [-1, 1] (upstream: true). */
  clipDenoised?: boolean;
  /** Source of the per-step noise when eta > 0. */
  random?: SeededRandom;
  onStep?: (progress: StepProgress) => void;
  signal?: AbortSignal;
}

function timestepsFor(diffusion: Diffusion, index: number, batch: number): Float32Array {
  return new Float32Array(batch).fill(diffusion.timestepMap[index]);
}

/** x̂0 = √(1/ᾱ)·x − √(1/ᾱ−1)·ε, optionally clamped; returns x̂0 and ε re-derived from it. */
function predictStart(diffusion: Diffusion, index: number, x: Float32Array, eps: Float32Array, clip: boolean): { start: Float32Array; eps: Float32Array } {
  const c1 = f(diffusion.sqrtRecipAlphasCumprod[index]);
  const c2 = f(diffusion.sqrtRecipm1AlphasCumprod[index]);
  const start = new Float32Array(x.length);
  const rederived = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const scaled = f(c1 * x[i]);
    let s = f(scaled - f(c2 * eps[i]));
    if (clip) s = Math.min(1, Math.max(-1, s));
    start[i] = s;
    rederived[i] = f(f(scaled - s) / c2);
  }
  return { start, eps: rederived };
}

/**
 * The per-step float32 coefficients of one DDIM update (shared by the host loop below and the
 * device-resident loop in ddimDevice.ts, so both use the same numbers): x̂0 = c1·x − c2·ε
 * (clamped), ε' = (c1·x − x̂0)/c2, x_next = startScale·x̂0 + epsScale·ε' + sigma·noise.
 */
export interface StepCoefficients {
  c1: number;
  c2: number;
  startScale: number;
  epsScale: number;
  sigma: number;
}

/** Coefficients of sampling step `index` (toward index − 1). */
export function sampleCoefficients(diffusion: Diffusion, index: number, eta: number): StepCoefficients {
  const alphaBar = f(diffusion.alphasCumprod[index]);
  const alphaBarPrev = f(diffusion.alphasCumprodPrev[index]);
  const sigma = eta === 0 ? 0 : f(f(f(eta) * f(Math.sqrt(f(f(1 - alphaBarPrev) / f(1 - alphaBar))))) * f(Math.sqrt(f(1 - f(alphaBar / alphaBarPrev)))));
  return {
    c1: f(diffusion.sqrtRecipAlphasCumprod[index]),
    c2: f(diffusion.sqrtRecipm1AlphasCumprod[index]),
    startScale: f(Math.sqrt(alphaBarPrev)),
    epsScale: f(Math.sqrt(f(f(1 - alphaBarPrev) - f(sigma * sigma)))),
    sigma,
  };
}

/** Coefficients of inversion step `index` (toward index + 1; η = 0). */
export function inversionCoefficients(diffusion: Diffusion, index: number): StepCoefficients {
  const alphaBarNext = f(diffusion.alphasCumprodNext[index]);
  return {
    c1: f(diffusion.sqrtRecipAlphasCumprod[index]),
    c2: f(diffusion.sqrtRecipm1AlphasCumprod[index]),
    startScale: f(Math.sqrt(alphaBarNext)),
    epsScale: f(Math.sqrt(f(1 - alphaBarNext))),
    sigma: 0,
  };
}

/** Original step index fed to the model at respaced step `index`, for `batch` items. */
export function timestepsAt(diffusion: Diffusion, index: number, batch: number): Float32Array {
  return timestepsFor(diffusion, index, batch);
}

/**
 * DDIM sampling from x_T (length N·C·H·W, `batch` items) down to x_0 over the diffusion's
 * (respaced) steps.
 */
export async function ddimSample(diffusion: Diffusion, denoiser: Denoiser, noise: Float32Array, batch: number, options: DdimOptions = {}): Promise<Float32Array> {
  const eta = options.eta ?? 0;
  const clip = options.clipDenoised ?? true;
  if (eta > 0 && !options.random) throw new Error('ddimSample: eta > 0 needs a seeded random source');
  let x = Float32Array.from(noise);
  const total = diffusion.steps;
  for (let index = total - 1; index >= 0; index--) {
    throwIfCancelled(options.signal);
    const timesteps = timestepsFor(diffusion, index, batch);
    const eps = await denoiser(x, timesteps);
    if (eps.length !== x.length) throw new Error(`denoiser returned ${eps.length} values for ${x.length}`);
    const predicted = predictStart(diffusion, index, x, eps, clip);
    const { startScale, epsScale, sigma } = sampleCoefficients(diffusion, index, eta);
    const next = new Float32Array(x.length);
    for (let i = 0; i < x.length; i++) {
      let v = f(f(predicted.start[i] * startScale) + f(epsScale * predicted.eps[i]));
      if (sigma !== 0 && index !== 0) v = f(v + f(sigma * options.random!.normal()));
      next[i] = v;
    }
    x = next;
    options.onStep?.({ step: total - index, total, timestep: diffusion.timestepMap[index] });
  }
  return x;
}

/**
 * DDIM inversion: the deterministic reverse loop from a clean image x_0 up to x_T, so that
 * sampling from the result reproduces the image (keeps background and hair when editing).
 */
export async function ddimInvert(diffusion: Diffusion, denoiser: Denoiser, image: Float32Array, batch: number, options: DdimOptions = {}): Promise<Float32Array> {
  if ((options.eta ?? 0) !== 0) throw new Error('DDIM inversion is only defined for eta = 0');
  const clip = options.clipDenoised ?? true;
  let x = Float32Array.from(image);
  const total = diffusion.steps;
  for (let index = 0; index < total; index++) {
    throwIfCancelled(options.signal);
    const eps = await denoiser(x, timestepsFor(diffusion, index, batch));
    if (eps.length !== x.length) throw new Error(`denoiser returned ${eps.length} values for ${x.length}`);
    const predicted = predictStart(diffusion, index, x, eps, clip);
    const { startScale, epsScale } = inversionCoefficients(diffusion, index);
    const next = new Float32Array(x.length);
    for (let i = 0; i < x.length; i++) next[i] = f(f(predicted.start[i] * startScale) + f(epsScale * predicted.eps[i]));
    x = next;
    options.onStep?.({ step: index + 1, total, timestep: diffusion.timestepMap[index] });
  }
  return x;
}

/** q(x_t | x_0): √ᾱ_t·x0 + √(1−ᾱ_t)·noise per item, t = original step index per item (unrespaced diffusion). */
export function qSample(diffusion: Diffusion, x0: Float32Array, timesteps: readonly number[], noise: Float32Array): Float32Array {
  const per = x0.length / timesteps.length;
  const out = new Float32Array(x0.length);
  timesteps.forEach((t, item) => {
    const a = f(diffusion.sqrtAlphasCumprod[t]);
    const b = f(diffusion.sqrtOneMinusAlphasCumprod[t]);
    for (let i = item * per; i < (item + 1) * per; i++) out[i] = f(f(a * x0[i]) + f(b * noise[i]));
  });
  return out;
}
