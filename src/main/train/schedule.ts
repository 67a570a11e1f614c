import { betaSchedule } from '../diffusion/schedule';

/**
 * The diffusion tables the training loss needs, computed in float64 as upstream
 * (guided-diffusion + P2 weighting) does with numpy: β (diffusion/schedule.ts), ᾱ_t = Π(1−β),
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

/** The tables of a schedule and P2 setting. */
export function trainingTables(schedule: ScheduleConfig, p2: P2Config): TrainingTables {
  const betas = betaSchedule(schedule.kind, schedule.steps);
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
