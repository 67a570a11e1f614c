/**
 * The sampling step of an edit, for a batch of items: global latents from the encoder, the
 * starting noise (one seeded tensor shared by every item, as upstream, or each source's
 * inversion under its own buffers and latent, on the sampler's own times), then DDIM or
 * DPM-Solver++ under the edited buffers.
 *
 * Every item's result depends only on its own inputs and the seed, never on its batch mates
 * (η noise is drawn per item from its own stream), so one cell re-run alone reproduces it.
 */
import type { SamplerSettings } from '../../common/contract/edit';
import type { StepProgress } from '../diffusion/ddim';
import type { DpmSolverLoopOptions, DpmSolverOptions } from '../diffusion/dpmSolver';
import { SeededRandom } from '../diffusion/rng';
import { seededNoise, type DiffusionRigRunner } from '../diffusion/runner';
import type { DiffusionSettings } from '../diffusion/schedule';

/** One item to generate. */
export interface EditItem {
  /** The source photo at the model's size, [3, S, S] in [-1, 1]. */
  sourceImage: Float32Array;
  /** Buffers of the source's own codes [9, S, S]; needed with inversion. */
  sourcePhysical: Float32Array;
  /** Buffers of the edited codes [9, S, S]. */
  physical: Float32Array;
  /** The image whose global latent conditions sampling (the target's for 'latent', else the source itself). */
  latentImage: Float32Array;
  /** DiffusionRig-EMO v2 models: the source's shape and identity, conditioning inversion and sampling alike. */
  shape?: Float32Array;
  identity?: Float32Array;
}

/** Samples and what they cost. */
export interface GeneratedBatch {
  /** [3, S, S] in [-1, 1] per item. */
  samples: Float32Array[];
  inversionMs: number;
  samplingMs: number;
  provider: string;
}

/**
 * The diffusion settings of a sampler: upstream's 1000-step linear schedule respaced to ddimN
 * (DDIM, and the DDIM inversion that may start either sampler; DPM-Solver++ plans its own
 * steps over the unrespaced schedule).
 */
export function diffusionSettings(sampler: SamplerSettings): DiffusionSettings {
  return { steps: 1000, schedule: 'linear', respacing: `ddim${sampler.steps}` };
}

/**
 * DPM-Solver++ as an edit runs it. From seeded noise: the library's setting (time-uniform, what
 * verify-fixture checks), x̂0 clamped with *Clip x̂0*. From the inversion of the source: the
 * source is inverted on the sampler's own times (order 1, i.e. DDIM inversion on that grid) and
 * both are spaced uniformly in log-SNR (the library's advice for low-resolution images): on
 * time-uniform steps the last interval spans t = 0.1 → 0.001, where the reconstruction of the
 * source loses most (bench/quality, 64 edits at 10 steps: 2.65 dB below DDIM 20 with a DDIM
 * inversion on ddim10 and time-uniform steps, 0.26 dB below this way; README, Samplers).
 */
export function dpmSolverEditOptions(sampler: SamplerSettings): DpmSolverLoopOptions & DpmSolverOptions {
  return { clipDenoised: sampler.clip, spacing: sampler.inversion ? 'log-snr' : 'time-uniform' };
}

/**
 * The solver and time grid an edit with `sampler` runs, in words: kept in provenance, since the
 * settings alone do not say it (DPM-Solver++ from an inversion changed grid on 2026-12-07).
 */
export function samplerPlan(sampler: SamplerSettings): string {
  const start = sampler.inversion ? 'from the source inverted on the same times' : 'from seeded noise';
  if ((sampler.method ?? 'ddim') === 'ddim') return `DDIM, ${sampler.steps} steps uniform in time (ddim${sampler.steps}), η ${sampler.eta}, ${start}`;
  const grid = dpmSolverEditOptions(sampler).spacing === 'log-snr' ? 'uniform in log-SNR' : 'uniform in time';
  return `DPM-Solver++ multistep order 2, ${sampler.steps} steps ${grid}, ${start}${sampler.inversion ? ' (order 1)' : ''}`;
}

/** UNet passes one item of an edit costs: the sampler's steps, plus as many for the inversion. */
export function passesPerEdit(sampler: SamplerSettings): number {
  return sampler.steps * (sampler.inversion ? 2 : 1);
}

/** The seeded starting noise x_T for one item [3, S, S]. */
export function startNoise(seed: number, size: number): Float32Array {
  return seededNoise(seed, 1, size);
}

/**
 * η noise for a batch where item k draws from its own stream seeded like every other item's,
 * so an item sees the same noise in any batch. ddimSample draws one normal per element of the
 * batch in order each step; this hands them out per item.
 */
class PerItemRandom extends SeededRandom {
  private readonly streams: SeededRandom[];
  private drawn = 0;

  constructor(seed: number, private readonly items: number, private readonly perItem: number) {
    super(seed);
    this.streams = Array.from({ length: items }, () => new SeededRandom(seed));
  }

  override normal(): number {
    const item = Math.floor((this.drawn % (this.items * this.perItem)) / this.perItem);
    this.drawn++;
    return this.streams[item].normal();
  }
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** Generates a batch of edits with one model. */
export async function generateBatch(
  runner: DiffusionRigRunner,
  items: readonly EditItem[],
  size: number,
  sampler: SamplerSettings,
  options: { signal?: AbortSignal; onStep?: (phase: 'inversion' | 'sampling', progress: StepProgress) => void } = {},
): Promise<GeneratedBatch> {
  if (sampler.inversion && sampler.eta !== 0) throw new Error('DDIM inversion needs η = 0');
  const method = sampler.method ?? 'ddim';
  if (method === 'dpm++' && sampler.eta !== 0) throw new Error('DPM-Solver++ is deterministic: η must be 0');
  const batch = items.length;
  const per = 3 * size * size;
  const settings = diffusionSettings(sampler);
  const sources = concat(items.map((i) => i.sourceImage));
  const sourceLatent = await runner.encode(sources, batch, size);
  const sameLatent = items.every((i) => i.latentImage === i.sourceImage);
  const latent = sameLatent ? sourceLatent : await runner.encode(concat(items.map((i) => i.latentImage)), batch, size);
  // EMO v2: every item has both or none (the runner names a model that needs them)
  const face = items.every((i) => i.shape && i.identity) ? { shape: concat(items.map((i) => i.shape!)), identity: concat(items.map((i) => i.identity!)) } : {};
  let noise: Float32Array;
  let inversionMs = 0;
  if (sampler.inversion) {
    const started = performance.now();
    const inversionConditioning = { batch, imageSize: size, physical: concat(items.map((i) => i.sourcePhysical)), latent: sourceLatent, ...face };
    const onStep = (p: StepProgress) => options.onStep?.('inversion', p);
    noise =
      method === 'dpm++'
        ? await runner.invertDpmSolver(sources, inversionConditioning, settings, sampler.steps, { ...dpmSolverEditOptions(sampler), order: 1, signal: options.signal, onStep })
        : await runner.invert(sources, inversionConditioning, settings, { clipDenoised: sampler.clip, signal: options.signal, onStep });
    inversionMs = performance.now() - started;
  } else {
    noise = seededNoise(sampler.seed, batch, size, true);
  }
  const started = performance.now();
  const conditioning = { batch, imageSize: size, physical: concat(items.map((i) => i.physical)), latent, ...face };
  const onStep = (p: StepProgress) => options.onStep?.('sampling', p);
  const out =
    method === 'dpm++'
      ? await runner.sampleDpmSolver(noise, conditioning, settings, sampler.steps, { ...dpmSolverEditOptions(sampler), signal: options.signal, onStep })
      : await runner.sample(noise, conditioning, settings, {
          eta: sampler.eta,
          clipDenoised: sampler.clip,
          random: sampler.eta > 0 ? new PerItemRandom(sampler.seed + 1, batch, per) : undefined,
          signal: options.signal,
          onStep,
        });
  const samplingMs = performance.now() - started;
  return {
    samples: Array.from({ length: batch }, (_, k) => out.slice(k * per, (k + 1) * per)),
    inversionMs,
    samplingMs,
    provider: runner.lastProvider ?? 'unknown',
  };
}
