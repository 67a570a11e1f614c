import { describe, expect, it } from 'vitest';
import { betaSchedule, createDiffusion, spaceTimesteps } from '../../../src/main/diffusion/schedule';

describe('noise schedules', () => {
  it('linear β runs from 1e-4 to 0.02 over 1000 steps and scales with the step count', () => {
    const betas = betaSchedule('linear', 1000);
    expect(betas[0]).toBe(0.0001);
    expect(betas[999]).toBe(0.02);
    expect(betas[500]).toBeCloseTo(0.0001 + (500 * (0.02 - 0.0001)) / 999, 15);
    expect(betaSchedule('linear', 500)[0]).toBeCloseTo(0.0002, 15);
  });

  it('cosine β stays within (0, 0.999] and ᾱ decreases to ~0', () => {
    const d = createDiffusion({ schedule: 'cosine', steps: 1000 });
    expect(Math.max(...d.betas)).toBeLessThanOrEqual(0.999);
    expect(d.alphasCumprod[0]).toBeGreaterThan(0.9999);
    expect(d.alphasCumprod[999]).toBeLessThan(1e-4);
  });

  it('respaces like upstream: ddimN is evenly strided from 0, section counts split evenly', () => {
    expect(spaceTimesteps(1000, 'ddim10')).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900]);
    expect(spaceTimesteps(1000, 'ddim20')).toEqual(Array.from({ length: 20 }, (_, i) => 50 * i));
    expect(spaceTimesteps(1000, 'ddim1000')).toHaveLength(1000);
    expect(spaceTimesteps(100, '4,2')).toEqual([0, 16, 33, 49, 50, 99]);
    expect(spaceTimesteps(1000, [999, 0, 500])).toEqual([0, 500, 999]);
    expect(() => spaceTimesteps(1000, 'ddim999')).toThrow(/cannot create exactly 999 steps/);
    expect(() => spaceTimesteps(1000, [1000])).toThrow(/0\.\.999/);
  });

  it('a respaced process keeps ᾱ at the kept steps and maps to original indices', () => {
    const base = createDiffusion();
    const spaced = createDiffusion({ respacing: 'ddim10' });
    expect(spaced.steps).toBe(10);
    expect(spaced.timestepMap).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900]);
    spaced.timestepMap.forEach((t, i) => expect(spaced.alphasCumprod[i]).toBeCloseTo(base.alphasCumprod[t], 14));
    expect(spaced.alphasCumprodPrev[0]).toBe(1);
    expect(spaced.alphasCumprodNext[9]).toBe(0);
  });
});
