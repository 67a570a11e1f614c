import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCheckpoint } from '../../../src/main/checkpoint';
import { CancelledError } from '../../../src/main/core/cancellation';
import { DiffusionRigRunner, seededNoise } from '../../../src/main/diffusion/runner';
import { loadDiffusionRig } from '../../../src/main/models/diffusionrig';
import { OnnxBackend } from '../../../src/main/nn/backend';
import { fixtureArrays, fixtureDir } from '../models/fixture';

describe('DiffusionRigRunner', () => {
  const backend = new OnnxBackend({ providers: ['cpu'] });
  let runner: DiffusionRigRunner;
  beforeAll(() => {
    runner = new DiffusionRigRunner(loadDiffusionRig(readCheckpoint(`${fixtureDir()}/model000000.pt`).stateDict, 'fixture'), backend, 'fixture');
  });
  afterAll(() => backend.disposeAll());

  it('samples a batch from seeded noise with per-step progress, on the provider it reports, and cancels between steps', async () => {
    const arrays = fixtureArrays();
    const physical = arrays.get('physic_cond')!.data as Float32Array;
    const conditioning = { batch: 2, imageSize: 64, physical, latent: await runner.encode(arrays.get('x0')!.data as Float32Array, 2, 64) };
    const noise = seededNoise(5, 2, 64, true);
    expect(Array.from(noise.subarray(0, 8))).toEqual(Array.from(noise.subarray(3 * 64 * 64, 3 * 64 * 64 + 8)));
    const steps: number[] = [];
    const image = await runner.sample(noise, conditioning, { respacing: 'ddim3' }, { onStep: (p) => steps.push(p.timestep) });
    expect(steps).toEqual([668, 334, 0]); // upstream: the smallest stride giving 3 steps is 334
    expect(runner.lastProvider).toBe('cpu');
    expect(image.every((v) => Number.isFinite(v) && Math.abs(v) <= 1.0001)).toBe(true);
    // same physical buffers, same noise → the two items differ only through their latents
    expect(Math.max(...image.subarray(0, 100).map((v, i) => Math.abs(v - image[3 * 64 * 64 + i])))).toBeGreaterThan(0);

    const controller = new AbortController();
    const cancelled = runner.sample(noise, conditioning, { respacing: 'ddim10' }, { signal: controller.signal, onStep: (p) => p.step === 2 && controller.abort() });
    await expect(cancelled).rejects.toBeInstanceOf(CancelledError);
  });
});
