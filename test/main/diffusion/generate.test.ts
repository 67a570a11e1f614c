import { describe, expect, it } from 'vitest';
import type { SamplerSettings } from '../../../src/common/contract/edit';
import type { DiffusionRigRunner, Conditioning } from '../../../src/main/diffusion/runner';
import type { DpmSolverOptions } from '../../../src/main/diffusion/dpmSolver';
import { generateBatch, startNoise, type EditItem } from '../../../src/main/diffusion/generate';

const size = 2;
const per = 3 * size * size;

/** A runner that records what it was asked and answers with simple arithmetic. */
function recordingRunner() {
  const calls: { op: string; data: Float32Array; conditioning?: Conditioning }[] = [];
  const runner = {
    lastProvider: 'cpu',
    async encode(images: Float32Array, batch: number) {
      calls.push({ op: 'encode', data: images.slice() });
      // latent = first pixel of each image, 2 values per item
      return Float32Array.from({ length: batch * 2 }, (_, i) => images[Math.floor(i / 2) * per]);
    },
    async invert(images: Float32Array, conditioning: Conditioning) {
      calls.push({ op: 'invert', data: images.slice(), conditioning });
      return images.map((v) => v * 10);
    },
    async sample(noise: Float32Array, conditioning: Conditioning, _settings: unknown, options: { random?: { normal(): number } }) {
      calls.push({ op: 'sample', data: noise.slice(), conditioning });
      return noise.map((v) => v + (options.random ? options.random.normal() : 0));
    },
    async sampleDpmSolver(noise: Float32Array, conditioning: Conditioning, _settings: unknown, steps: number, options: DpmSolverOptions) {
      calls.push({ op: `dpm++:${steps}:${options.spacing}`, data: noise.slice(), conditioning });
      return noise.map((v) => v - 1);
    },
    async invertDpmSolver(images: Float32Array, conditioning: Conditioning, _settings: unknown, steps: number, options: DpmSolverOptions & { clipDenoised?: boolean }) {
      calls.push({ op: `invert-dpm++:${steps}:${options.spacing}:order ${options.order}:clip ${options.clipDenoised}`, data: images.slice(), conditioning });
      return images.map((v) => v * 10);
    },
  };
  return { runner: runner as unknown as DiffusionRigRunner, calls };
}

function item(k: number, latentFromOther = false): EditItem {
  const sourceImage = new Float32Array(per).fill(k + 0.1);
  return {
    sourceImage,
    sourcePhysical: new Float32Array(3 * per).fill(100 + k),
    physical: new Float32Array(3 * per).fill(200 + k),
    latentImage: latentFromOther ? new Float32Array(per).fill(-k - 0.5) : sourceImage,
  };
}

const sampler: SamplerSettings = { steps: 2, eta: 0, seed: 9, clip: true, inversion: false };

describe('generateBatch', () => {
  it('starts every item from the same seeded noise and conditions on the edited buffers and the source latent', async () => {
    const { runner, calls } = recordingRunner();
    const out = await generateBatch(runner, [item(0), item(1)], size, sampler);
    const noise = startNoise(9, size);
    expect(out.samples[0]).toEqual(noise);
    expect(out.samples[1]).toEqual(noise);
    const sample = calls.find((c) => c.op === 'sample')!;
    expect(Array.from(sample.conditioning!.physical.subarray(0, 1))).toEqual([200]);
    expect(Array.from(sample.conditioning!.physical.subarray(3 * per, 3 * per + 1))).toEqual([201]);
    expect(Array.from(sample.conditioning!.latent)).toEqual([Math.fround(0.1), Math.fround(0.1), Math.fround(1.1), Math.fround(1.1)]);
    expect(calls.filter((c) => c.op === 'encode')).toHaveLength(1);
  });

  it('inverts the source under its own buffers and latent, then samples from that under the edit', async () => {
    const { runner, calls } = recordingRunner();
    const out = await generateBatch(runner, [item(0, true), item(1, true)], size, { ...sampler, inversion: true });
    const invert = calls.find((c) => c.op === 'invert')!;
    expect(invert.data[0]).toBeCloseTo(0.1);
    expect(invert.data[per]).toBeCloseTo(1.1);
    expect(invert.conditioning!.physical[0]).toBe(100);
    expect(Array.from(invert.conditioning!.latent)).toEqual([Math.fround(0.1), Math.fround(0.1), Math.fround(1.1), Math.fround(1.1)]);
    const sample = calls.find((c) => c.op === 'sample')!;
    // sampling starts from the inversion, with the target's latent (appearance mode) and the edited buffers
    expect(sample.data[0]).toBeCloseTo(1);
    expect(Array.from(sample.conditioning!.latent)).toEqual([-0.5, -0.5, -1.5, -1.5]);
    expect(sample.conditioning!.physical[0]).toBe(200);
    expect(out.samples[1][0]).toBeCloseTo(11);
  });

  it('DPM-Solver++ starts from the seeded noise (time-uniform, the library), or from the source inverted on its own log-SNR times', async () => {
    const seeded = recordingRunner();
    const out = await generateBatch(seeded.runner, [item(0)], size, { ...sampler, method: 'dpm++', steps: 10 });
    expect(seeded.calls.map((c) => c.op)).toEqual(['encode', 'dpm++:10:time-uniform']);
    expect(out.samples[0]).toEqual(startNoise(9, size).map((v) => v - 1));
    const inverted = recordingRunner();
    await generateBatch(inverted.runner, [item(0)], size, { ...sampler, method: 'dpm++', steps: 10, inversion: true });
    expect(inverted.calls.map((c) => c.op)).toEqual(['encode', 'invert-dpm++:10:log-snr:order 1:clip true', 'dpm++:10:log-snr']);
    expect(inverted.calls[1].conditioning!.physical[0]).toBe(100);
    expect(inverted.calls[2].data[0]).toBeCloseTo(1);
    await expect(generateBatch(seeded.runner, [item(0)], size, { ...sampler, method: 'dpm++', eta: 0.5 })).rejects.toThrow(/DPM-Solver\+\+ is deterministic/);
  });

  it('draws η noise per item, so an item gets the same result in any batch', async () => {
    const alone = await generateBatch(recordingRunner().runner, [item(1)], size, { ...sampler, eta: 0.5 });
    const batched = await generateBatch(recordingRunner().runner, [item(0), item(1), item(2)], size, { ...sampler, eta: 0.5 });
    expect(batched.samples[1]).toEqual(alone.samples[0]);
    expect(batched.samples[0]).toEqual(alone.samples[0]);
  });

  it('refuses inversion with η > 0', async () => {
    await expect(generateBatch(recordingRunner().runner, [item(0)], size, { ...sampler, eta: 0.2, inversion: true })).rejects.toThrow(/η = 0/);
  });
});
