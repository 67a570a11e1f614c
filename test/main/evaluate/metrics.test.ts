import { describe, expect, it } from 'vitest';
import { landmarkError, maskedPsnr, maskedSsim, type Rgb8 } from '../../../src/main/evaluate/metrics';

const size = 32;
function image(pixel: (x: number, y: number, c: number) => number): Rgb8 {
  const data = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) for (let c = 0; c < 3; c++) data[(y * size + x) * 3 + c] = pixel(x, y, c);
  return { width: size, height: size, data };
}
const textured = image((x, y, c) => (x * 7 + y * 3 + c * 50) % 256);
const centre = Float32Array.from({ length: size * size }, (_, p) => (Math.abs((p % size) - 16) < 8 && Math.abs(Math.floor(p / size) - 16) < 8 ? 1 : 0));

describe('masked PSNR / SSIM', () => {
  it('are Infinity and 1 for equal images', () => {
    expect(maskedPsnr(textured, textured, centre)).toBe(Infinity);
    expect(maskedSsim(textured, textured, centre)).toBeCloseTo(1, 12);
  });

  it('PSNR of an offset of 10 levels inside the mask is 20·log10(255/10), whatever happens outside', () => {
    const changed = image((x, y, c) => {
      const inside = centre[y * size + x] === 1;
      const v = textured.data[(y * size + x) * 3 + c];
      return inside ? Math.min(255, v + 10) : 255 - v;
    });
    const base = image((x, y, c) => Math.min(245, textured.data[(y * size + x) * 3 + c]));
    const shifted = image((x, y, c) => (centre[y * size + x] === 1 ? base.data[(y * size + x) * 3 + c] + 10 : changed.data[(y * size + x) * 3 + c]));
    expect(maskedPsnr(base, shifted, centre)).toBeCloseTo(20 * Math.log10(255 / 10), 10);
  });

  it('SSIM of two flat images is the luminance term (2ab + C1) / (a² + b² + C1); it drops with noise and goes negative for an inverted texture', () => {
    const a = image(() => 100), b = image(() => 150);
    const [la, lb] = [100 / 255, 150 / 255];
    const c1 = 1e-4;
    expect(maskedSsim(a, b, centre)).toBeCloseTo((2 * la * lb + c1) / (la * la + lb * lb + c1), 10);
    let seed = 1;
    const noise = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 60 - 30;
    const noisy = image((x, y, c) => Math.max(0, Math.min(255, textured.data[(y * size + x) * 3 + c] + noise())));
    const ssim = maskedSsim(textured, noisy, centre);
    expect(ssim).toBeLessThan(0.95);
    expect(ssim).toBeGreaterThan(0);
    const inverted = image((x, y, c) => 255 - textured.data[(y * size + x) * 3 + c]);
    expect(maskedSsim(textured, inverted, centre)).toBeLessThan(0);
  });

  it('refuses different sizes and an empty mask, saying which', () => {
    const small = { width: 2, height: 2, data: new Uint8Array(12) };
    expect(() => maskedPsnr(textured, small, centre)).toThrow(/differ in size: 32 × 32 and 2 × 2/);
    expect(() => maskedSsim(textured, textured, new Float32Array(size * size))).toThrow(/mask is empty/);
  });
});

describe('landmarkError', () => {
  it('is the mean distance of corresponding points', () => {
    expect(landmarkError([[0, 0], [1, 1]], [[3, 4], [1, 1]])).toBe(2.5);
    expect(() => landmarkError([[0, 0]], [])).toThrow(/1 and 0 points/);
  });
});
