import { describe, expect, it } from 'vitest';
import { defaultLight, lightDirection, scaledShCoefficients, setLightDirection } from '../../../src/common/flame/light';

describe('SH light helpers', () => {
  it('points the first-order light and keeps each channel strength', () => {
    const light = defaultLight();
    light[3] = 0.1; // a red-tinted first-order part
    const strengths = [0, 1, 2].map((c) => Math.hypot(light[3 + c], light[6 + c], light[9 + c]));
    setLightDirection(light, [1, 1, 0]);
    const d = lightDirection(light);
    expect(d[0]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(d[1]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(d[2]).toBeCloseTo(0, 6);
    for (let c = 0; c < 3; c++) expect(Math.hypot(light[3 + c], light[6 + c], light[9 + c])).toBeCloseTo(strengths[c], 6);
    // Zeroth and second order untouched.
    expect(light[0]).toBe(defaultLight()[0]);
    expect(light[12]).toBe(0);
  });

  it('gives a light without a first-order part a visible one', () => {
    const light = new Float32Array(27);
    light[0] = light[1] = light[2] = 2;
    setLightDirection(light, [0, 0, 1]);
    expect(light[9]).toBeCloseTo(0.3, 6);
    expect(lightDirection(light)).toEqual([0, 0, 1]);
  });

  it('folds DECA constants into the coefficients', () => {
    const light = new Float32Array(27).fill(1);
    const scaled = scaledShCoefficients(light);
    expect(scaled[0]).toBeCloseTo(1 / Math.sqrt(4 * Math.PI), 7);
    expect(scaled[3]).toBeCloseTo(((2 * Math.PI) / 3) * Math.sqrt(3 / (4 * Math.PI)), 6);
    expect(scaled[24]).toBeCloseTo((Math.PI / 4) * 0.5 * Math.sqrt(5 / (4 * Math.PI)), 7);
    // Shading of the default light on a frontal normal: bright but not clipped.
    const s = scaledShCoefficients(defaultLight());
    const frontal = s[0] + s[9] + s[24] * 2;
    expect(frontal).toBeGreaterThan(0.8);
    expect(frontal).toBeLessThan(1.2);
  });
});
