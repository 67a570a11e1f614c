/**
 * Image-quality measures for edits judged against a known right answer (the demo world, where
 * the expected image of an edit can be rendered exactly): PSNR and SSIM restricted to a mask
 * (the face), and the mean landmark error in pixels. Images are 8-bit RGB, row-major,
 * interleaved; masks hold weights in [0, 1] per pixel.
 */

/** An 8-bit RGB image. */
export interface Rgb8 {
  width: number;
  height: number;
  data: Uint8Array;
}

function checkPair(a: Rgb8, b: Rgb8, mask: Float32Array): void {
  if (a.width !== b.width || a.height !== b.height) throw new Error(`images differ in size: ${a.width} × ${a.height} and ${b.width} × ${b.height}`);
  if (a.data.length !== a.width * a.height * 3 || b.data.length !== b.width * b.height * 3) throw new Error('images must be 8-bit RGB');
  if (mask.length !== a.width * a.height) throw new Error(`the mask has ${mask.length} values for ${a.width} × ${a.height} pixels`);
}

function maskWeight(mask: Float32Array): number {
  let total = 0;
  for (const m of mask) total += m;
  if (total <= 0) throw new Error('the mask is empty: no pixel to compare');
  return total;
}

/** PSNR in dB (peak 1 on [0, 1] values) over the masked pixels, all three channels; Infinity when equal. */
export function maskedPsnr(a: Rgb8, b: Rgb8, mask: Float32Array): number {
  checkPair(a, b, mask);
  const weight = maskWeight(mask);
  let squared = 0;
  for (let p = 0; p < mask.length; p++) {
    const m = mask[p];
    if (m === 0) continue;
    for (let c = 0; c < 3; c++) {
      const d = (a.data[3 * p + c] - b.data[3 * p + c]) / 255;
      squared += m * d * d;
    }
  }
  const mse = squared / (3 * weight);
  return mse === 0 ? Infinity : 10 * Math.log10(1 / mse);
}

/** Luma (BT.601) in [0, 1]. */
function luma(image: Rgb8): Float64Array {
  const out = new Float64Array(image.width * image.height);
  for (let p = 0; p < out.length; p++) out[p] = (0.299 * image.data[3 * p] + 0.587 * image.data[3 * p + 1] + 0.114 * image.data[3 * p + 2]) / 255;
  return out;
}

/** Normalised 1-D Gaussian taps of radius 5 (11 taps, σ 1.5: the window of Wang et al. 2004). */
const gaussian = (() => {
  const taps = Array.from({ length: 11 }, (_, i) => Math.exp(-((i - 5) ** 2) / (2 * 1.5 * 1.5)));
  const sum = taps.reduce((s, v) => s + v, 0);
  return taps.map((v) => v / sum);
})();

/** Separable Gaussian blur with edge clamping. */
function blur(values: Float64Array, width: number, height: number): Float64Array {
  const across = new Float64Array(values.length);
  const out = new Float64Array(values.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let s = 0;
      for (let k = -5; k <= 5; k++) s += gaussian[k + 5] * values[y * width + Math.min(width - 1, Math.max(0, x + k))];
      across[y * width + x] = s;
    }
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let s = 0;
      for (let k = -5; k <= 5; k++) s += gaussian[k + 5] * across[Math.min(height - 1, Math.max(0, y + k)) * width + x];
      out[y * width + x] = s;
    }
  }
  return out;
}

/**
 * SSIM (Wang et al. 2004: 11-tap Gaussian window σ 1.5, K1 0.01, K2 0.03, on luma) averaged over
 * the masked pixels with the mask as weights; 1 when the images are equal there.
 */
export function maskedSsim(a: Rgb8, b: Rgb8, mask: Float32Array): number {
  checkPair(a, b, mask);
  const weight = maskWeight(mask);
  const { width, height } = a;
  const x = luma(a), y = luma(b);
  const product = (u: Float64Array, v: Float64Array) => u.map((value, i) => value * v[i]);
  const muX = blur(x, width, height), muY = blur(y, width, height);
  const xx = blur(product(x, x), width, height), yy = blur(product(y, y), width, height), xy = blur(product(x, y), width, height);
  const c1 = 0.01 ** 2, c2 = 0.03 ** 2;
  let total = 0;
  for (let p = 0; p < mask.length; p++) {
    if (mask[p] === 0) continue;
    const varX = xx[p] - muX[p] ** 2, varY = yy[p] - muY[p] ** 2, cov = xy[p] - muX[p] * muY[p];
    const ssim = ((2 * muX[p] * muY[p] + c1) * (2 * cov + c2)) / ((muX[p] ** 2 + muY[p] ** 2 + c1) * (varX + varY + c2));
    total += mask[p] * ssim;
  }
  return total / weight;
}

/** Mean Euclidean distance in pixels between corresponding landmarks. */
export function landmarkError(a: readonly (readonly [number, number])[], b: readonly (readonly [number, number])[]): number {
  if (a.length !== b.length || a.length === 0) throw new Error(`landmark sets differ: ${a.length} and ${b.length} points`);
  let total = 0;
  for (let i = 0; i < a.length; i++) total += Math.hypot(a[i][0] - b[i][0], a[i][1] - b[i][1]);
  return total / a.length;
}
