/**
 * Noise schedules and respacing, computed in float64 as upstream (guided-diffusion's
 * numpy arrays), so coefficients round to the same float32 values when used.
 */

/** Upstream's named schedules. */
export type ScheduleName = 'linear' | 'cosine';

/** numpy.linspace: start + i·step, with the last value set to `stop` exactly. */
function linspace(start: number, stop: number, count: number): Float64Array {
  const out = new Float64Array(count);
  const step = (stop - start) / (count - 1);
  for (let i = 0; i < count; i++) out[i] = i * step + start;
  if (count > 1) out[count - 1] = stop;
  return out;
}

/** β_t for `steps` steps (linear: 1e-4..0.02 scaled by 1000/steps; cosine: Nichol & Dhariwal). */
export function betaSchedule(name: ScheduleName, steps: number): Float64Array {
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`diffusion steps must be a positive integer, got ${steps}`);
  if (name === 'linear') {
    const scale = 1000 / steps;
    return linspace(scale * 0.0001, scale * 0.02, steps);
  }
  if (name === 'cosine') {
    const alphaBar = (t: number) => Math.cos(((t + 0.008) / 1.008) * Math.PI / 2) ** 2;
    return Float64Array.from({ length: steps }, (_, i) => Math.min(1 - alphaBar((i + 1) / steps) / alphaBar(i / steps), 0.999));
  }
  throw new Error(`unknown noise schedule '${String(name)}' (linear or cosine)`);
}

/**
 * Which of `steps` steps to keep: 'ddimN' (N evenly strided steps starting at 0, upstream's
 * rule), or comma-separated section counts ('10,15,20': the steps split into equal sections,
 * each strided to its count), or an explicit list of step indices.
 */
export function spaceTimesteps(steps: number, spec: string | readonly number[]): number[] {
  if (Array.isArray(spec)) {
    const list = [...new Set(spec as number[])].sort((a, b) => a - b);
    if (list.length === 0 || list.some((t) => !Number.isInteger(t) || t < 0 || t >= steps)) {
      throw new Error(`timestep list must hold distinct integers in 0..${steps - 1}`);
    }
    return list;
  }
  const text = (spec as string).trim();
  if (text === '') return Array.from({ length: steps }, (_, i) => i);
  if (text.startsWith('ddim')) {
    const desired = Number(text.slice(4));
    if (!Number.isInteger(desired) || desired < 1) throw new Error(`bad respacing '${text}' (expected ddimN)`);
    for (let stride = 1; stride < steps; stride++) {
      if (Math.ceil(steps / stride) === desired) return Array.from({ length: desired }, (_, i) => i * stride);
    }
    if (desired === steps) return Array.from({ length: steps }, (_, i) => i);
    throw new Error(`cannot create exactly ${desired} steps with an integer stride from ${steps}`);
  }
  const counts = text.split(',').map(Number);
  if (counts.some((c) => !Number.isInteger(c) || c < 0)) throw new Error(`bad respacing '${text}' (expected ddimN or section counts like 10,15,20)`);
  const sizePer = Math.floor(steps / counts.length);
  const extra = steps % counts.length;
  let start = 0;
  const all: number[] = [];
  counts.forEach((count, i) => {
    const size = sizePer + (i < extra ? 1 : 0);
    if (size < count) throw new Error(`cannot divide a section of ${size} steps into ${count}`);
    const stride = count <= 1 ? 1 : (size - 1) / (count - 1);
    let current = 0;
    for (let k = 0; k < count; k++) {
      all.push(start + roundHalfEven(current));
      current += stride;
    }
    start += size;
  });
  return [...new Set(all)].sort((a, b) => a - b);
}

/** Python's round() (and torch.round): halves go to the even neighbour. */
export function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const fraction = value - floor;
  if (fraction > 0.5) return floor + 1;
  if (fraction < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** Coefficients of one (possibly respaced) diffusion process. */
export interface Diffusion {
  /** Number of (respaced) steps. */
  steps: number;
  /** Original step index for each respaced step: what the model is called with. */
  timestepMap: number[];
  betas: Float64Array;
  alphasCumprod: Float64Array;
  alphasCumprodPrev: Float64Array;
  alphasCumprodNext: Float64Array;
  sqrtRecipAlphasCumprod: Float64Array;
  sqrtRecipm1AlphasCumprod: Float64Array;
  sqrtAlphasCumprod: Float64Array;
  sqrtOneMinusAlphasCumprod: Float64Array;
}

function fromBetas(betas: Float64Array, timestepMap: number[]): Diffusion {
  const n = betas.length;
  const alphasCumprod = new Float64Array(n);
  let product = 1;
  for (let i = 0; i < n; i++) {
    product *= 1 - betas[i];
    alphasCumprod[i] = product;
  }
  const map = (f: (v: number, i: number) => number) => Float64Array.from(alphasCumprod, f);
  return {
    steps: n,
    timestepMap,
    betas,
    alphasCumprod,
    alphasCumprodPrev: map((_, i) => (i === 0 ? 1 : alphasCumprod[i - 1])),
    alphasCumprodNext: map((_, i) => (i === n - 1 ? 0 : alphasCumprod[i + 1])),
    sqrtRecipAlphasCumprod: map((a) => Math.sqrt(1 / a)),
    sqrtRecipm1AlphasCumprod: map((a) => Math.sqrt(1 / a - 1)),
    sqrtAlphasCumprod: map((a) => Math.sqrt(a)),
    sqrtOneMinusAlphasCumprod: map((a) => Math.sqrt(1 - a)),
  };
}

/** Settings of a diffusion process (upstream's names in comments). */
export interface DiffusionSettings {
  /** `diffusion_steps`, default 1000. */
  steps?: number;
  /** `noise_schedule`, default 'linear'. */
  schedule?: ScheduleName;
  /** `timestep_respacing`: '' (all), 'ddimN', section counts, or explicit indices. */
  respacing?: string | readonly number[];
}

/**
 * The diffusion process, respaced as upstream's SpacedDiffusion: kept steps get
 * β'_i = 1 − ᾱ_i / ᾱ_prev-kept, and the model is called with the original indices.
 */
export function createDiffusion(settings: DiffusionSettings = {}): Diffusion {
  const steps = settings.steps ?? 1000;
  const base = fromBetas(betaSchedule(settings.schedule ?? 'linear', steps), Array.from({ length: steps }, (_, i) => i));
  const keep = new Set(spaceTimesteps(steps, settings.respacing ?? ''));
  if (keep.size === steps) return base;
  const betas: number[] = [];
  const timestepMap: number[] = [];
  let last = 1;
  base.alphasCumprod.forEach((alphaCumprod, i) => {
    if (!keep.has(i)) return;
    betas.push(1 - alphaCumprod / last);
    last = alphaCumprod;
    timestepMap.push(i);
  });
  return fromBetas(Float64Array.from(betas), timestepMap);
}
