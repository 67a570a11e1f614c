import { afterAll, describe, expect, it } from 'vitest';
import { ddimInvert, ddimSample } from '../../../src/main/diffusion/ddim';
import { worstRelativeError } from '../../../src/main/core/verifier';
import { SeededRandom } from '../../../src/main/diffusion/rng';
import { DiffusionRigRunner, seededNoise } from '../../../src/main/diffusion/runner';
import { createDiffusion } from '../../../src/main/diffusion/schedule';
import type { DiffusionRigConfig } from '../../../src/main/models/config';
import { OnnxBackend } from '../../../src/main/nn/backend';
import { randomWeights } from '../../../src/main/train/init';
import { tinyConfig } from '../../helpers/tinyDiffusionRig';

describe('DDIM loops as a step graph on the model’s provider (CPU here)', () => {
  const backend = new OnnxBackend({ providers: ['cpu'] });
  afterAll(() => backend.disposeAll());
  const size = 16;
  const make = (config: DiffusionRigConfig, key: string) => new DiffusionRigRunner({ config, stateDict: randomWeights(config, 9), strippedPrefix: '' }, backend, key);
  const conditioning = { batch: 2, imageSize: size, physical: seededNoise(1, 6, size), latent: seededNoise(2, 1, 4).subarray(0, 32) };
  const settings = { respacing: 'ddim5' };

  // ORT's vectorised elementwise kernels round a little differently from one JS operation at a
  // time (inversion amplifies it to ~5e-6): 1e-5 is still 10× under the fixture tolerance
  const close = 1e-5;

  it('equals the host loop of ddim.ts (sampling with and without clipping, with η > 0, and inversion), in reused buffers', async () => {
    const runner = make(tinyConfig, 'tiny');
    const diffusion = createDiffusion(settings);
    const denoiser = runner.denoiser(conditioning);
    const noise = seededNoise(3, 2, size);
    for (const clipDenoised of [true, false]) {
      const ours = await runner.sample(noise, conditioning, settings, { clipDenoised });
      expect(worstRelativeError(ours, await ddimSample(diffusion, denoiser, noise, 2, { clipDenoised }))).toBeLessThan(close);
      expect(runner.lastLoop).toMatchObject({ resident: false, steps: 5, perStep: { hostToDevice: 0, deviceToHost: 0 } });
    }
    const eta = await runner.sample(noise, conditioning, settings, { eta: 0.5, random: new SeededRandom(4) });
    expect(worstRelativeError(eta, await ddimSample(diffusion, denoiser, noise, 2, { eta: 0.5, random: new SeededRandom(4) }))).toBeLessThan(close);
    const image = noise.map((v) => Math.tanh(v));
    expect(worstRelativeError(await runner.invert(image, conditioning, settings), await ddimInvert(diffusion, denoiser, image, 2))).toBeLessThan(close);
  });

  it('uses the ε half of a learned-σ model’s 6 output channels', async () => {
    const config = { ...tinyConfig, unet: { ...tinyConfig.unet, outChannels: 6 } };
    const runner = make(config, 'sigma');
    const noise = seededNoise(5, 2, size);
    const ours = await runner.sample(noise, conditioning, settings);
    expect(worstRelativeError(ours, await ddimSample(createDiffusion(settings), runner.denoiser(conditioning), noise, 2))).toBeLessThan(close);
  });

  it('reports progress per step and cancels between steps', async () => {
    const runner = make(tinyConfig, 'tiny');
    const controller = new AbortController();
    const steps: number[] = [];
    const run = runner.sample(seededNoise(6, 2, size), conditioning, settings, { signal: controller.signal, onStep: (p) => (steps.push(p.step), p.step === 2 && controller.abort()) });
    await expect(run).rejects.toThrow(/cancelled/);
    expect(steps).toEqual([1, 2]);
  });
});
