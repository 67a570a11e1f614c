/**
 * Images for the face pipeline: decoding with sharp (EXIF orientation applied, alpha dropped),
 * and bilinear resampling through an affine transform, which every crop here is (detector
 * letterbox, mesh crop, DECA crop, FFHQ alignment).
 */
import sharp from 'sharp';
import type { Affine } from './geometry';
import { invertAffine } from './geometry';

/** 8-bit RGB, interleaved, row-major. */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Float RGB image, interleaved, values in the source's 0–255 range. */
export interface FloatImage {
  width: number;
  height: number;
  data: Float32Array;
}

/** Decodes an image file (or bytes) to RGB; names the file when it is not a readable image. */
export async function loadImage(source: string | Uint8Array, label = typeof source === 'string' ? source : 'image'): Promise<RgbImage> {
  try {
    const { data, info } = await sharp(source).rotate().removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`${info.channels} channels after conversion`);
    return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
  } catch (e) {
    throw new Error(`${label}: cannot read as an image (${(e as Error).message})`);
  }
}

/** Encodes RGB to PNG bytes. */
export async function encodePng(image: RgbImage): Promise<Buffer> {
  return sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.length), {
    raw: { width: image.width, height: image.height, channels: 3 },
  })
    .png()
    .toBuffer();
}

/** How samples outside the source are filled. */
export type Border = 'zero' | 'edge' | 'reflect';

/**
 * Resamples `src` into a `width`×`height` float image: output pixel (x, y) takes the bilinear
 * sample of the source at `inverse(toOutput)·(x, y)`. `toOutput` maps source pixels to output
 * pixels (pixel centres at integers).
 */
export function warpAffine(src: RgbImage | FloatImage, toOutput: Affine, width: number, height: number, border: Border = 'zero'): FloatImage {
  const m = invertAffine(toOutput);
  const out = new Float32Array(width * height * 3);
  const sw = src.width;
  const sh = src.height;
  const s = src.data;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const sx = m[0] * x + m[1] * y + m[2];
      const sy = m[3] * x + m[4] * y + m[5];
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      const o = (y * width + x) * 3;
      for (let dy = 0; dy < 2; dy++) {
        const wy = dy === 0 ? 1 - fy : fy;
        if (wy === 0) continue;
        const yy = resolve(y0 + dy, sh, border);
        for (let dx = 0; dx < 2; dx++) {
          const w = wy * (dx === 0 ? 1 - fx : fx);
          if (w === 0) continue;
          const xx = resolve(x0 + dx, sw, border);
          if (xx < 0 || yy < 0) continue;
          const i = (yy * sw + xx) * 3;
          out[o] += w * s[i];
          out[o + 1] += w * s[i + 1];
          out[o + 2] += w * s[i + 2];
        }
      }
    }
  }
  return { width, height, data: out };
}

/** Source index for a possibly out-of-range coordinate; −1 means "contributes zero". */
function resolve(i: number, n: number, border: Border): number {
  if (i >= 0 && i < n) return i;
  if (border === 'zero') return -1;
  if (border === 'edge') return i < 0 ? 0 : n - 1;
  if (n === 1) return 0;
  // reflect without repeating the edge pixel (numpy 'reflect')
  const period = 2 * (n - 1);
  let r = ((i % period) + period) % period;
  if (r >= n) r = period - r;
  return r;
}

/** Rounds and clamps a float image to 8-bit RGB. */
export function toRgb(image: FloatImage): RgbImage {
  const data = new Uint8Array(image.data.length);
  for (let i = 0; i < data.length; i++) data[i] = Math.min(255, Math.max(0, Math.round(image.data[i])));
  return { width: image.width, height: image.height, data };
}

/**
 * Planar NCHW float tensor data (batch 1) from an interleaved image, computing
 * `value · scale + offset` per channel.
 */
export function toPlanar(image: FloatImage | RgbImage, scale: number, offset: number): Float32Array {
  const n = image.width * image.height;
  const out = new Float32Array(3 * n);
  const d = image.data;
  for (let i = 0; i < n; i++) {
    out[i] = d[3 * i] * scale + offset;
    out[n + i] = d[3 * i + 1] * scale + offset;
    out[2 * n + i] = d[3 * i + 2] * scale + offset;
  }
  return out;
}

/** Resizes 8-bit RGB with sharp's Lanczos filter (used where upstream uses PIL's LANCZOS). */
export async function resizeLanczos(image: RgbImage, width: number, height: number): Promise<RgbImage> {
  const { data, info } = await sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.length), {
    raw: { width: image.width, height: image.height, channels: 3 },
  })
    .resize(width, height, { kernel: 'lanczos3', fit: 'fill' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

/** Box-filter shrink by an integer factor (partial edge blocks average what they cover). */
export function shrinkImage(image: RgbImage, factor: number): RgbImage {
  const k = Math.max(1, Math.floor(factor));
  if (k === 1) return image;
  const width = Math.ceil(image.width / k);
  const height = Math.ceil(image.height / k);
  const sums = new Float64Array(width * height * 3);
  const counts = new Uint32Array(width * height);
  const src = image.data;
  for (let y = 0; y < image.height; y++) {
    const row = Math.floor(y / k) * width;
    for (let x = 0; x < image.width; x++) {
      const o = row + Math.floor(x / k);
      const i = (y * image.width + x) * 3;
      sums[3 * o] += src[i];
      sums[3 * o + 1] += src[i + 1];
      sums[3 * o + 2] += src[i + 2];
      counts[o]++;
    }
  }
  const data = new Uint8Array(width * height * 3);
  for (let o = 0; o < width * height; o++) {
    for (let c = 0; c < 3; c++) data[3 * o + c] = Math.round(sums[3 * o + c] / counts[o]);
  }
  return { width, height, data };
}

/**
 * `warpAffine` that first box-shrinks the source when the transform reduces it by 2× or more,
 * so small crops of large photos are not aliased. Block (i, j) of a k-shrink covers source
 * pixels k·i … k·i + k − 1, i.e. its centre is source pixel k·i + (k − 1)/2.
 */
export function resampleAffine(src: RgbImage, toOutput: Affine, width: number, height: number, border: Border = 'zero'): FloatImage {
  const scale = Math.sqrt(Math.abs(toOutput[0] * toOutput[4] - toOutput[1] * toOutput[3]));
  const k = Math.floor(1 / scale);
  if (k < 2) return warpAffine(src, toOutput, width, height, border);
  const shrunk = shrinkImage(src, k);
  const offset = (k - 1) / 2;
  const m: Affine = [
    toOutput[0] * k, toOutput[1] * k, toOutput[2] + (toOutput[0] + toOutput[1]) * offset,
    toOutput[3] * k, toOutput[4] * k, toOutput[5] + (toOutput[3] + toOutput[4]) * offset,
  ];
  return warpAffine(shrunk, m, width, height, border);
}
