import { describe, expect, it } from 'vitest';
import { betaSchedule } from '../../../src/main/diffusion/schedule';
import { trainingTables } from '../../../src/main/train/schedule';

// reference values from numpy (np.linspace, np.cumprod; P2's snr = 1/(1−ᾱ) − 1), float64
describe('training tables', () => {
  const tables = trainingTables({ kind: 'linear', steps: 1000 }, { k: 1, gamma: 1 });
  const cases: [number, number, number, number][] = [
    [0, 0.9999499987499375, 0.009999999999999449, 9.9999999999989e-5],
    [10, 0.9989026842029438, 0.04683404202237951, 0.00219342749215401],
    [500, 0.2789205233843933, 0.9603141890209558, 0.9222033416349761],
    [999, 0.006352818087570016, 0.99997982064757, 0.9999596417023462],
  ];
  for (const [t, sqrtAlpha, sqrtOneMinus, weight] of cases) {
    it(`matches numpy at t=${t}`, () => {
      expect(tables.sqrtAlphasCumprod[t]).toBeCloseTo(sqrtAlpha, 14);
      expect(tables.sqrtOneMinusAlphasCumprod[t] / sqrtOneMinus).toBeCloseTo(1, 10);
      expect(tables.p2Weight[t] / weight).toBeCloseTo(1, 9);
    });
  }

  it('linear betas end exactly at 0.02 and cosine betas are capped at 0.999', () => {
    expect(betaSchedule('linear', 1000)[999]).toBe(0.02);
    const cosine = betaSchedule('cosine', 1000);
    expect(cosine[0]).toBeCloseTo(4.128422482196914e-5, 15);
    expect(cosine[500]).toBeCloseTo(0.003155691441585007, 14);
    expect(cosine[999]).toBe(0.999);
  });

  it('turns weighting off with gamma 0', () => {
    expect(trainingTables({ kind: 'linear', steps: 10 }, { k: 1, gamma: 0 }).p2Weight.every((w) => w === 1)).toBe(true);
  });

  it('rejects a bad step count', () => {
    expect(() => trainingTables({ kind: 'linear', steps: 0 }, { k: 1, gamma: 1 })).toThrow(/positive integer/);
  });
});
