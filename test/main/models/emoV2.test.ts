import { describe, expect, it } from 'vitest';
import { readCheckpoint } from '../../../src/main/checkpoint';
import type { StateDict } from '../../../src/main/checkpoint/stateDict';
import { worstRelativeError } from '../../../src/main/core/verifier';
import { dpmSolverPlan, dpmSolverSample, linspace32 } from '../../../src/main/diffusion/dpmSolver';
import { DiffusionRigRunner, seededNoise } from '../../../src/main/diffusion/runner';
import { loadDiffusionRig } from '../../../src/main/models/diffusionrig';
import { architectureSummary } from '../../../src/main/models/summary';
import { OnnxBackend } from '../../../src/main/nn/backend';
import { randomWeights } from '../../../src/main/train/init';
import { sharedPath } from '../../helpers/shared';
import { tinyConfig, tinyEmoV2Config } from '../../helpers/tinyDiffusionRig';

describe('DiffusionRig-EMO v2 checkpoints', () => {
  it('are recognised from the condition width: 314 = latent 64 + shape 100 + identity 150', () => {
    const path = sharedPath('fixtures', 'diffusionrig-emo-v2-a', 'model000000.pt');
    const weights = loadDiffusionRig(readCheckpoint(path).stateDict, path);
    expect(weights.config.unet.latentDim).toBe(64);
    expect(weights.config.unet.faceCondition).toEqual({ shapeDim: 100, identityDim: 150 });
    expect(weights.config.encoder.latentDim).toBe(64);
    expect(architectureSummary(weights.config)).toMatch(/DiffusionRig-EMO v2 · latent 64 · shape 100 · identity 150$/);
  });

  it('upstream checkpoints stay upstream, and another latent width is recognised too', () => {
    const upstream = loadDiffusionRig(readCheckpoint(sharedPath('fixtures', 'diffusionrig-a', 'model000000.pt')).stateDict, 'a.pt');
    expect(upstream.config.unet.faceCondition).toBeUndefined();
    expect(architectureSummary(upstream.config)).not.toMatch(/EMO/);
    const wide = { ...tinyEmoV2Config, unet: { ...tinyEmoV2Config.unet, latentDim: 32 }, encoder: { ...tinyEmoV2Config.encoder, latentDim: 32 } };
    expect(loadDiffusionRig(randomWeights(wide, 1), 'wide.pt').config.unet).toMatchObject({ latentDim: 32, faceCondition: { shapeDim: 100, identityDim: 150 } });
  });

  it('a condition width that fits neither names the file and both widths', () => {
    const weights = randomWeights(tinyConfig, 2);
    const odd: StateDict = new Map(weights);
    for (const [key, tensor] of weights) {
      if (!key.endsWith('cond_emb_layers.1.weight')) continue;
      odd.set(key, { dtype: 'float32', shape: [tensor.shape[0], 23], data: new Float32Array(tensor.shape[0] * 23) });
    }
    expect(() => loadDiffusionRig(odd, '/data/odd.pt')).toThrow(/\/data\/odd\.pt: the ResBlocks' condition layers read 23 values .* the encoder's latent has 16 .*neither upstream DiffusionRig .* nor DiffusionRig-EMO v2 .* = 266\)/);
  });
});

describe('DPM-Solver++', () => {
  it('takes torch.linspace float32 times: the half step at t = 0.5005 goes to 499 with 20 steps and 500 with 10', () => {
    expect(dpmSolverPlan({}, 10).steps.map((s) => s.timestep)).toEqual([999, 899, 799, 699, 599, 500, 400, 300, 200, 100]);
    expect(dpmSolverPlan({}, 20).steps[10].timestep).toBe(499);
    expect(linspace32(0, 1, 5)).toEqual([0, 0.25, 0.5, 0.75, 1]);
  });

  it('is order 1 on its first step and order 2 after, order 1 on the last only below 10 steps', () => {
    expect(dpmSolverPlan({}, 10).steps.map((s) => s.order)).toEqual([1, 2, 2, 2, 2, 2, 2, 2, 2, 2]);
    expect(dpmSolverPlan({}, 5).steps.map((s) => s.order)).toEqual([1, 2, 2, 2, 1]);
    expect(dpmSolverPlan({}, 5).steps[0].correction).toBe(0);
    expect(() => dpmSolverPlan({}, 0)).toThrow(/positive whole number of steps/);
  });

  it('follows x_t = α_t·x0 + σ_t·ε exactly when the network knows ε', async () => {
    // with x_T = α_T·x0 + σ_T·ε and ε predicted exactly, every x̂0 is x0: each step lands on the path
    const x0 = Float32Array.of(0.5, -0.25, 0.75);
    const eps = Float32Array.of(0.3, 1.2, -0.8);
    const plan = dpmSolverPlan({}, 6);
    const at = (alpha: number, sigma: number) => Float32Array.from(x0, (v, i) => alpha * v + sigma * eps[i]);
    const start = at(plan.steps[0].alpha, plan.steps[0].sigma);
    const out = await dpmSolverSample(plan, async () => Float32Array.from(eps), start, 1);
    // the last time is t = 1/1000: α ≈ 0.99995, σ ≈ 0.01
    expect(worstRelativeError(out, at(Math.sqrt(1 - 1e-4), 0.01))).toBeLessThan(1e-5);
  });

  it('clipDenoised clamps each x̂0', async () => {
    const x0 = Float32Array.of(3, -0.25);
    const eps = Float32Array.of(-0.3, 1.2);
    const plan = dpmSolverPlan({}, 4);
    const start = Float32Array.from(x0, (v, i) => plan.steps[0].alpha * v + plan.steps[0].sigma * eps[i]);
    const clipped = await dpmSolverSample(plan, async () => Float32Array.from(eps), start, 1, { clipDenoised: true });
    const free = await dpmSolverSample(plan, async () => Float32Array.from(eps), start, 1);
    // the sample is clamped either way; the path differs only where x̂0 left [−1, 1]
    expect(free[0]).toBe(1);
    expect(clipped[0]).toBeLessThan(1);
    expect(clipped[1]).toBeCloseTo(free[1], 5);
  });

  it('the device loop equals the host loop on a tiny v2 model, with shape and identity fed', async () => {
    const backend = new OnnxBackend({ providers: ['cpu'] });
    const runner = new DiffusionRigRunner({ config: tinyEmoV2Config, stateDict: randomWeights(tinyEmoV2Config, 4), strippedPrefix: '' }, backend, 'tiny-v2');
    const size = 16;
    const conditioning = { batch: 2, imageSize: size, physical: seededNoise(1, 6, size), latent: seededNoise(2, 2, 4).subarray(0, 32), shape: seededNoise(3, 1, 10).subarray(0, 200), identity: seededNoise(4, 1, 10).subarray(0, 300) };
    const noise = seededNoise(5, 2, size);
    try {
      const device = await runner.sampleDpmSolver(noise, conditioning, {}, 4);
      const host = await dpmSolverSample(dpmSolverPlan({}, 4), runner.denoiser(conditioning), noise, 2);
      expect(worstRelativeError(device, host)).toBeLessThan(1e-5);
      const deviceClipped = await runner.sampleDpmSolver(noise, conditioning, {}, 4, { clipDenoised: true });
      const hostClipped = await dpmSolverSample(dpmSolverPlan({}, 4), runner.denoiser(conditioning), noise, 2, { clipDenoised: true });
      expect(worstRelativeError(deviceClipped, hostClipped)).toBeLessThan(1e-5);
      expect(Math.max(...device.map(Math.abs))).toBeLessThanOrEqual(1);
      await expect(runner.sample(noise, { ...conditioning, shape: undefined }, { respacing: 'ddim2' })).rejects.toThrow(/needs shape and identity/);
    } finally {
      await runner.dispose();
    }
  });
});
