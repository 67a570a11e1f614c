import { describe, expect, it } from 'vitest';
import { haarNoiseSigma, imageMeasures, laplacianVariance, opencvGray } from '../../../src/main/edit/imageMeasures';

/** A gray RGB image from gray levels, row-major. */
function grayImage(width: number, height: number, levels: number[]) {
  return { width, height, data: Uint8Array.from(levels.flatMap((v) => [v, v, v])) };
}

describe('the lab\'s image measures', () => {
  it('converts to gray with OpenCV\'s fixed-point weights', () => {
    // 0.299·R + 0.587·G + 0.114·B, rounded: pure red 76, pure green 150, pure blue 29
    const rgb = { width: 3, height: 1, data: Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255]) };
    expect([...opencvGray(rgb)]).toEqual([76, 150, 29]);
    expect([...opencvGray(grayImage(2, 1, [17, 255]))]).toEqual([17, 255]);
  });

  it('sharpness: the Laplacian variance with OpenCV\'s reflect-101 border', () => {
    // one row [0, 10, 40]: up and down reflect onto the row itself, left of 0 is 10, right of 40 is 10;
    // Laplacians 20, 20, −60 → variance 4400/3 − (−20/3)²
    expect(laplacianVariance(Uint8Array.from([0, 10, 40]), 3, 1)).toBeCloseTo(4400 / 3 - 400 / 9, 9);
    // a one-pixel checkerboard: every Laplacian is ±4·255, mean 0
    const checker = Array.from({ length: 16 }, (_, i) => ((i % 4) + Math.floor(i / 4)) % 2 ? 255 : 0);
    expect(imageMeasures(grayImage(4, 4, checker)).sharpness).toBeCloseTo(1020 ** 2, 6);
    expect(imageMeasures(grayImage(5, 3, new Array(15).fill(90))).sharpness).toBe(0);
  });

  it('wavelet noise: median |HH| / 0.6745 of the Haar DWT, symmetric extension on odd sides', () => {
    const checker = (w: number, h: number) => Array.from({ length: w * h }, (_, i) => ((i % w) + Math.floor(i / w)) % 2 ? 255 : 0);
    // every 2×2 block of a checkerboard is [0 255; 255 0]: HH = ±255
    expect(imageMeasures(grayImage(4, 4, checker(4, 4))).waveletNoise).toBeCloseTo(255 / 0.6745, 9);
    // vertical stripes have no diagonal detail
    expect(haarNoiseSigma(Uint8Array.from([0, 200, 0, 200, 0, 200, 0, 200]), 4, 2)).toBe(0);
    // 3×3: the last column and row repeat, so only the top-left block has HH ≠ 0; median of [255, 0, 0, 0] is 0
    expect(haarNoiseSigma(Uint8Array.from(checker(3, 3)), 3, 3)).toBe(0);
    // 2×2 blocks with |HH| 2, 4, 6, 8 → median 5
    const levels = [10, 8, 8, 10, 20, 16, 16, 20, 30, 24, 24, 30, 40, 32, 32, 40];
    const blocks = Uint8Array.from(levels);
    // lay the four blocks side by side as an 8 × 2 image
    const image = new Uint8Array(16);
    for (let b = 0; b < 4; b++) {
      image[2 * b] = blocks[4 * b];
      image[2 * b + 1] = blocks[4 * b + 1];
      image[8 + 2 * b] = blocks[4 * b + 2];
      image[8 + 2 * b + 1] = blocks[4 * b + 3];
    }
    expect(haarNoiseSigma(image, 8, 2)).toBeCloseTo(5 / 0.6745, 12);
  });
});
