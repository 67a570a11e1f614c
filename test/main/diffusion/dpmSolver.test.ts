import { describe, expect, it } from 'vitest';
import { worstRelativeError } from '../../../src/main/core/verifier';
import { dpmSolverInversionPlan, dpmSolverPlan, dpmSolverSample } from '../../../src/main/diffusion/dpmSolver';
import { DiffusionRigRunner, seededNoise } from '../../../src/main/diffusion/runner';
import { OnnxBackend } from '../../../src/main/nn/backend';
import { randomWeights } from '../../../src/main/train/init';
import { tinyConfig } from '../../helpers/tinyDiffusionRig';

const lambdas = (plan: ReturnType<typeof dpmSolverPlan>) => plan.steps.map((s) => Math.log(s.alpha / s.sigma));

describe('DPM-Solver++ spacing and inversion', () => {
  it('log-SNR spacing makes equal steps in λ = log(α/σ) between t = 1 and 1/1000; time-uniform stays the default', () => {
    const plan = dpmSolverPlan({}, 10, { spacing: 'log-snr' });
    expect(plan.times[0]).toBe(1);
    expect(plan.times[10]).toBeCloseTo(0.001, 9);
    const steps = lambdas(plan).slice(1).map((l, k) => l - lambdas(plan)[k]);
    for (const h of steps) expect(h).toBeCloseTo(steps[0], 3);
    expect(dpmSolverPlan({}, 10)).toEqual(dpmSolverPlan({}, 10, { spacing: 'time-uniform' }));
    // time-uniform steps are far from equal in λ: the last interval (t = 0.1 → 0.001) is the widest
    expect(dpmSolverPlan({}, 10).steps.map((s) => s.timestep).slice(-2)).toEqual([200, 100]);
    expect(plan.steps.map((s) => s.timestep).slice(-3)).toEqual([52, 17, 4]);
  });

  it('the inversion walks the sampler’s own times upward, calling the network at each interval’s lower end', () => {
    for (const spacing of ['time-uniform', 'log-snr'] as const) {
      const forward = dpmSolverPlan({}, 10, { spacing });
      const inversion = dpmSolverInversionPlan({}, 10, { spacing, order: 1 });
      expect(inversion.times).toEqual([...forward.times].reverse());
      expect(inversion.steps.map((s) => s.order)).toEqual(new Array(10).fill(1));
      expect(inversion.steps[0].timestep).toBe(0);
      expect(inversion.steps.slice(1).map((s) => s.timestep)).toEqual(forward.steps.slice(1).map((s) => s.timestep).reverse());
    }
  });

  for (const order of [1, 2]) {
    it(`order ${order}: inverting x_{1/1000} = α·x0 + σ·ε with a network that knows ε lands on α_1·x0 + σ_1·ε, and sampling comes back`, async () => {
      const x0 = Float32Array.of(0.5, -0.25, 0.75, 2);
      const eps = Float32Array.of(0.3, 1.2, -0.8, 0.1);
      const network = async () => Float32Array.from(eps);
      const forward = dpmSolverPlan({}, 8, { spacing: 'log-snr', order });
      const inversion = dpmSolverInversionPlan({}, 8, { spacing: 'log-snr', order });
      const at = (alpha: number, sigma: number) => Float32Array.from(x0, (v, i) => alpha * v + sigma * eps[i]);
      const image = at(Math.sqrt(1 - 1e-4), 0.01);
      const top = await dpmSolverSample(inversion, network, image, 1, { clampResult: false });
      expect(worstRelativeError(top, at(forward.steps[0].alpha, forward.steps[0].sigma))).toBeLessThan(1e-4);
      // unclamped: an x_T value of 2·α_1 + 0.1·σ_1 stays as it is
      const back = await dpmSolverSample(forward, network, top, 1, { clampResult: false });
      expect(worstRelativeError(back, image)).toBeLessThan(1e-4);
    });
  }

  it('the runner’s inversion (step graph) equals the host loop and is not clamped', async () => {
    const backend = new OnnxBackend({ providers: ['cpu'] });
    const runner = new DiffusionRigRunner({ config: tinyConfig, stateDict: randomWeights(tinyConfig, 5), strippedPrefix: '' }, backend, 'tiny-inversion');
    const size = 16;
    const conditioning = { batch: 2, imageSize: size, physical: seededNoise(1, 6, size), latent: seededNoise(2, 2, 4).subarray(0, 2 * tinyConfig.unet.latentDim) };
    const images = seededNoise(3, 2, size).map((v) => Math.max(-1, Math.min(1, v / 2)));
    try {
      const options = { spacing: 'log-snr', order: 1, clipDenoised: true } as const;
      const device = await runner.invertDpmSolver(images, conditioning, {}, 4, options);
      const host = await dpmSolverSample(dpmSolverInversionPlan({}, 4, options), runner.denoiser(conditioning), images, 2, { ...options, clampResult: false });
      expect(worstRelativeError(device, host)).toBeLessThan(1e-5);
      expect(Math.max(...device.map(Math.abs))).toBeGreaterThan(1);
    } finally {
      await runner.dispose();
    }
  });
});
