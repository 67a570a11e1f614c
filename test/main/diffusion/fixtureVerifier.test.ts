import { describe, expect, it } from 'vitest';
import { worstRelativeError } from '../../../src/main/core/verifier';
import { diffusionRigFixtureVerifier, verifyDiffusionRigFixture } from '../../../src/main/diffusion/fixtureVerifier';
import { sharedPath } from '../../helpers/shared';

describe('diffusionrig fixture verifier', () => {
  it('matches latent, ε, DDIM samples (clipped and not) and DDIM inversion of diffusionrig-a within 1e-4', async () => {
    const dir = sharedPath('fixtures', 'diffusionrig-a');
    expect(diffusionRigFixtureVerifier.recognises(dir)).toBe(true);
    expect(diffusionRigFixtureVerifier.recognises(sharedPath('fixtures', 'deca-a'))).toBe(false);
    const checks = await verifyDiffusionRigFixture(dir);
    expect(checks.map((c) => c.name)).toEqual(['latent', 'eps', 'ddim_sample', 'ddim_sample_noclip', 'ddim_inverted']);
    for (const check of checks) {
      expect(check.worstRelativeError, check.name).toBeLessThan(1e-4);
      expect(check.ok).toBe(true);
    }
  });

  it('matches latent, ε, DDIM sample and inversion and both DPM-Solver++ samples of the DiffusionRig-EMO v2 fixture within 1e-4', async () => {
    const dir = sharedPath('fixtures', 'diffusionrig-emo-v2-a');
    expect(diffusionRigFixtureVerifier.recognises(dir)).toBe(true);
    const checks = await verifyDiffusionRigFixture(dir);
    expect(checks.map((c) => c.name)).toEqual(['latent', 'eps', 'ddim_sample', 'ddim_inverted', 'dpm_solver_10', 'dpm_solver_20']);
    for (const check of checks) {
      expect(check.worstRelativeError, check.name).toBeLessThan(1e-4);
      expect(check.ok).toBe(true);
    }
  });

  it('measures max |ours − ref| / max |ref| and fails on NaN', () => {
    expect(worstRelativeError([1, 2.5], [1, 2])).toBeCloseTo(0.25, 12);
    expect(worstRelativeError([NaN], [1])).toBe(Infinity);
  });
});
