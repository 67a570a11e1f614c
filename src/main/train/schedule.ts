/**
 * The diffusion tables the training loss needs, computed in float64 as upstream
 * (guided-diffusion + P2 weighting) does with numpy: β (linear or cosine), ᾱ_t = Π(1−β),
 * √ᾱ_t, √(1−ᾱ_t), and the P2 weight 1/(k + SNR_t)^γ with SNR_t = 1/(1−ᾱ_t) − 1.
 */

/** Noise schedule settings (upstream `noise_schedule`, `diffusion_steps`). */
export interface ScheduleConfig {
  kind: 'linear' | 'cosine';
  steps: number;
}

/** P2 weighting settings; `gamma` 0 turns weighting off (weight 1). */
export interface P2Config {
  k: number;
  gamma: number;
}

/** Per-step tables of length `steps`. */
export interface TrainingTables {
  sqrtAlphasCumprod: Float64Array;
  sqrtOneMinusAlphasCumprod: Float64Array;
  p2Weight: Float64Array;
}

/** β_t for a schedule, as numpy would compute it. */
export function betaSchedule(config: ScheduleConfig): Float64Array {
  const n = config.steps;
  if (!Number.isInteger(n) || n < 1) throw new Error(`diffusion steps must be a positive integer, got ${n}`);
  const betas = new Float64Array(n);
  if (config.kind === 'linear') {
    const scale = 1000 / n;
    const start = scale * 0.0001;
    const end = scale * 0.02;
    // np.linspace: start + i·step, the last value set to `end` exactly
    const step = n > 1 ? (end - start) / (n - 1) : 0;
    for (let i = 0; i < n; i++) betas[i] = i * step + start;
    betas[n - 1] = end;
    return betas;
  }
  const alphaBar = (t: number) => Math.cos(((t + 0.008) / 1.008) * Math.PI * 0.5) ** 2;
  for (let i = 0; i < n; i++) betas[i] = Math.min(1 - alphaBar((i + 1) / n) / alphaBar(i / n), 0.999);
  return betas;
}

/** The tables of a schedule and P2 setting. */
export function trainingTables(schedule: ScheduleConfig, p2: P2Config): TrainingTables {
  const betas = betaSchedule(schedule);
  const n = betas.length;
  const tables: TrainingTables = {
    sqrtAlphasCumprod: new Float64Array(n),
    sqrtOneMinusAlphasCumprod: new Float64Array(n),
    p2Weight: new Float64Array(n),
  };
  let cumprod = 1;
  for (let i = 0; i < n; i++) {
    cumprod *= 1 - betas[i];
    tables.sqrtAlphasCumprod[i] = Math.sqrt(cumprod);
    tables.sqrtOneMinusAlphasCumprod[i] = Math.sqrt(1 - cumprod);
    const snr = 1 / (1 - cumprod) - 1;
    tables.p2Weight[i] = p2.gamma === 0 ? 1 : 1 / (p2.k + snr) ** p2.gamma;
  }
  return tables;
}
