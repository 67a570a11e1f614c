/**
 * The lab's own image measures of a generated face (shared/docs/diffusionrig-emo.md, "How they
 * evaluate"), on the 8-bit grayscale image as OpenCV makes it:
 * - sharpness: population variance of the 3×3 Laplacian [0,1,0; 1,−4,1; 0,1,0]
 *   (`cv2.Laplacian(gray, cv2.CV_64F)`, whose default border reflects without repeating the edge);
 * - wavelet noise σ: median(|HH|) / 0.6745, HH the diagonal detail band of a one-level Haar DWT
 *   (PyWavelets' `dwt2(gray, 'haar')`, symmetric extension for an odd side), in gray levels.
 */
import type { RgbImage } from '../face/image';

/** OpenCV's RGB → 8-bit gray: fixed-point BT.601 weights (14 bits), rounded. */
export function opencvGray(image: RgbImage): Uint8Array {
  const { width, height, data } = image;
  if (data.length !== width * height * 3) throw new Error(`image measures need 8-bit RGB: ${data.length} bytes for ${width} × ${height}`);
  const gray = new Uint8Array(width * height);
  for (let p = 0; p < gray.length; p++) gray[p] = (data[3 * p] * 4899 + data[3 * p + 1] * 9617 + data[3 * p + 2] * 1868 + 8192) >> 14;
  return gray;
}

/** OpenCV's BORDER_REFLECT_101 index (gfedcb|abcdefgh|gfedcba); a side of 1 stays at 0. */
function reflect101(i: number, n: number): number {
  if (n === 1) return 0;
  if (i < 0) return -i;
  if (i >= n) return 2 * n - 2 - i;
  return i;
}

/** Population variance of the Laplacian of the gray image. */
export function laplacianVariance(gray: Uint8Array, width: number, height: number): number {
  let sum = 0;
  let squares = 0;
  for (let y = 0; y < height; y++) {
    const up = reflect101(y - 1, height) * width, row = y * width, down = reflect101(y + 1, height) * width;
    for (let x = 0; x < width; x++) {
      const left = reflect101(x - 1, width), right = reflect101(x + 1, width);
      const value = gray[up + x] + gray[down + x] + gray[row + left] + gray[row + right] - 4 * gray[row + x];
      sum += value;
      squares += value * value;
    }
  }
  const count = width * height;
  const mean = sum / count;
  return squares / count - mean * mean;
}

/**
 * σ of the Haar HH band: each 2×2 block [a b; c d] gives (a − b − c + d) / 2; an odd side is
 * extended by repeating its last sample (PyWavelets' 'symmetric' mode), as pywt.dwt2 does.
 */
export function haarNoiseSigma(gray: Uint8Array, width: number, height: number): number {
  const at = (x: number, y: number) => gray[Math.min(y, height - 1) * width + Math.min(x, width - 1)];
  const bands: number[] = [];
  for (let y = 0; y < height; y += 2) {
    for (let x = 0; x < width; x += 2) bands.push(Math.abs(at(x, y) - at(x + 1, y) - at(x, y + 1) + at(x + 1, y + 1)) / 2);
  }
  bands.sort((a, b) => a - b);
  const middle = bands.length >> 1;
  const median = bands.length % 2 ? bands[middle] : (bands[middle - 1] + bands[middle]) / 2;
  return median / 0.6745;
}

/** Both measures of one image. */
export function imageMeasures(image: RgbImage): { sharpness: number; waveletNoise: number } {
  const gray = opencvGray(image);
  return { sharpness: laplacianVariance(gray, image.width, image.height), waveletNoise: haarNoiseSigma(gray, image.width, image.height) };
}
