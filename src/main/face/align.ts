/**
 * Aligned crops from 68 landmarks:
 * - FFHQ alignment (NVlabs ffhq-dataset, the preprocessing DiffusionRig's `scripts/align.py`
 *   runs at 256 px): an oriented square from the eye and mouth centres, reflect-padded with the
 *   blur/median fade where it leaves the photo, resampled bilinearly at a supersampled size and
 *   reduced with Lanczos.
 * - DECA's 224 crop: the landmark box, size (w+h)/2·1.1 around its centre, ×1.25, mapped by a
 *   similarity onto pixel centres 0…223 (no rotation), bilinear, zero outside.
 * Both return the image→crop transform so landmarks and results can move between spaces.
 */
import type { Affine, Point } from './geometry';
import { applyAffine, boundingBox, meanPoint } from './geometry';
import type { FloatImage, RgbImage } from './image';
import { resizeLanczos, toRgb, warpAffine } from './image';

/** A derived image with the transform that produced it. */
export interface AlignedCrop {
  image: RgbImage;
  /** Source image pixels → crop pixels. */
  transform: Affine;
}

/** The FFHQ oriented quad: corners (top-left, bottom-left, bottom-right, top-right) and size. */
export interface FfhqQuad {
  quad: [Point, Point, Point, Point];
  /** Side length in source pixels. */
  size: number;
  eyeLeft: Point;
  eyeRight: Point;
  mouthAverage: Point;
}

/** FFHQ's quad from 68 landmarks (eye centres from 36–41 / 42–47, mouth corners 48 and 54). */
export function ffhqQuad(landmarks: readonly (readonly number[])[]): FfhqQuad {
  if (landmarks.length !== 68) throw new Error(`FFHQ alignment needs 68 landmarks, got ${landmarks.length}`);
  const eyeLeft = meanPoint(landmarks.slice(36, 42));
  const eyeRight = meanPoint(landmarks.slice(42, 48));
  const eyeAvg: Point = [(eyeLeft[0] + eyeRight[0]) / 2, (eyeLeft[1] + eyeRight[1]) / 2];
  const eyeToEye: Point = [eyeRight[0] - eyeLeft[0], eyeRight[1] - eyeLeft[1]];
  const mouthAverage: Point = [(landmarks[48][0] + landmarks[54][0]) / 2, (landmarks[48][1] + landmarks[54][1]) / 2];
  const eyeToMouth: Point = [mouthAverage[0] - eyeAvg[0], mouthAverage[1] - eyeAvg[1]];
  // x: the eye direction blended with the perpendicular of eye→mouth (flipud(v)·[−1, 1] = [−v.y, v.x])
  let x: Point = [eyeToEye[0] + eyeToMouth[1], eyeToEye[1] - eyeToMouth[0]];
  const len = Math.hypot(x[0], x[1]);
  const scale = Math.max(Math.hypot(eyeToEye[0], eyeToEye[1]) * 2, Math.hypot(eyeToMouth[0], eyeToMouth[1]) * 1.8);
  x = [(x[0] / len) * scale, (x[1] / len) * scale];
  const y: Point = [-x[1], x[0]];
  const c: Point = [eyeAvg[0] + eyeToMouth[0] * 0.1, eyeAvg[1] + eyeToMouth[1] * 0.1];
  const quad: FfhqQuad['quad'] = [
    [c[0] - x[0] - y[0], c[1] - x[1] - y[1]],
    [c[0] - x[0] + y[0], c[1] - x[1] + y[1]],
    [c[0] + x[0] + y[0], c[1] + x[1] + y[1]],
    [c[0] + x[0] - y[0], c[1] + x[1] - y[1]],
  ];
  return { quad, size: Math.hypot(x[0], x[1]) * 2, eyeLeft, eyeRight, mouthAverage };
}

/**
 * Source → aligned-image transform of the quad at `size` pixels. PIL's QUAD transform maps the
 * quad's corners to the output's corner edges, so (0,0) edge ↔ quad[0]; in pixel-centre
 * coordinates that is an offset of half a pixel.
 */
export function ffhqTransform(quad: FfhqQuad['quad'], size: number): Affine {
  const [q0, q1, , q3] = quad;
  // columns of the source-space frame: u along the top edge, v down the left edge
  const ux = (q3[0] - q0[0]) / size;
  const uy = (q3[1] - q0[1]) / size;
  const vx = (q1[0] - q0[0]) / size;
  const vy = (q1[1] - q0[1]) / size;
  const det = ux * vy - vx * uy;
  // inverse of [u v] applied to (p − q0), then shift to pixel centres
  const a = vy / det;
  const b = -vx / det;
  const d = -uy / det;
  const e = ux / det;
  return [a, b, -(a * q0[0] + b * q0[1]) - 0.5, d, e, -(d * q0[0] + e * q0[1]) - 0.5];
}

/** Options of the FFHQ alignment. */
export interface FfhqOptions {
  /** Output side (DiffusionRig: 256). */
  outputSize?: number;
  /** Supersampled size the quad is first resampled to (upstream 4096; 4× the output is enough). */
  transformSize?: number;
  /** Reflect-pad and fade where the quad leaves the photo (upstream default true). */
  padding?: boolean;
}

/** FFHQ-aligned crop of `image` from its 68 landmarks. */
export async function alignFfhq(image: RgbImage, landmarks: readonly (readonly number[])[], options: FfhqOptions = {}): Promise<AlignedCrop> {
  const outputSize = options.outputSize ?? 256;
  const transformSize = Math.max(outputSize, options.transformSize ?? outputSize * 4);
  const full = ffhqQuad(landmarks);
  let quad = full.quad.map((p) => [p[0], p[1]] as Point) as FfhqQuad['quad'];
  let size = full.size;
  let source = image;
  // Shrink: a face much larger than the output is first reduced (upstream: PIL Lanczos).
  const shrink = Math.floor((size / outputSize) * 0.5);
  if (shrink > 1) {
    const w = Math.round(image.width / shrink);
    const h = Math.round(image.height / shrink);
    source = await resizeLanczos(image, w, h);
    // pixel-edge scaling: edge 0 stays 0, centres move by (p + 0.5)·k − 0.5
    const kx = w / image.width;
    const ky = h / image.height;
    quad = quad.map((p) => [(p[0] + 0.5) * kx - 0.5, (p[1] + 0.5) * ky - 0.5]) as FfhqQuad['quad'];
    size *= (kx + ky) / 2;
  }
  const quadBox = boundingBox(quad);
  const border = Math.max(Math.round(size * 0.1), 3);
  // Crop to the quad plus a border (upstream crops before padding too).
  const x0 = Math.max(Math.floor(quadBox.x) - border, 0);
  const y0 = Math.max(Math.floor(quadBox.y) - border, 0);
  const x1 = Math.min(Math.ceil(quadBox.x + quadBox.width) + border, source.width);
  const y1 = Math.min(Math.ceil(quadBox.y + quadBox.height) + border, source.height);
  let region: FloatImage = cropRegion(source, x0, y0, x1 - x0, y1 - y0);
  let offset: Point = [x0, y0];
  // Pad where the quad leaves the photo.
  const padNeeded = [
    Math.max(-Math.floor(quadBox.x) + border - x0, 0),
    Math.max(-Math.floor(quadBox.y) + border - y0, 0),
    Math.max(Math.ceil(quadBox.x + quadBox.width) - x1 + border, 0),
    Math.max(Math.ceil(quadBox.y + quadBox.height) - y1 + border, 0),
  ];
  let borderMode: 'zero' | 'edge' = 'zero';
  if ((options.padding ?? true) && Math.max(...padNeeded) > border - 4) {
    const pad = padNeeded.map((p) => Math.max(p, Math.round(size * 0.3))) as [number, number, number, number];
    region = padAndFade(region, pad, size * 0.02);
    offset = [x0 - pad[0], y0 - pad[1]];
    borderMode = 'edge';
  }
  // Transform: the quad, in region coordinates, onto the supersampled square; then Lanczos down.
  const regionQuad = quad.map((p) => [p[0] - offset[0], p[1] - offset[1]] as Point) as FfhqQuad['quad'];
  const supersampled = toRgb(warpAffine(region, ffhqTransform(regionQuad, transformSize), transformSize, transformSize, borderMode));
  const result = transformSize === outputSize ? supersampled : await resizeLanczos(supersampled, outputSize, outputSize);
  return { image: result, transform: ffhqTransform(full.quad, outputSize) };
}

function cropRegion(image: RgbImage, x: number, y: number, width: number, height: number): FloatImage {
  const out = new Float32Array(width * height * 3);
  for (let r = 0; r < height; r++) {
    const from = ((y + r) * image.width + x) * 3;
    for (let i = 0; i < width * 3; i++) out[r * width * 3 + i] = image.data[from + i];
  }
  return { width, height, data: out };
}

/**
 * Upstream's padding: reflect-pad by `pad` = [left, top, right, bottom], blur towards the
 * padded edges (Gaussian, sigma = `blur`) and fade to the median colour, so hair and
 * background continue plausibly instead of showing a hard mirror seam.
 */
function padAndFade(image: FloatImage, pad: [number, number, number, number], blur: number): FloatImage {
  const [pl, pt, pr, pb] = pad;
  const w = image.width + pl + pr;
  const h = image.height + pt + pb;
  const data = new Float32Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    const sy = reflectIndex(y - pt, image.height);
    for (let x = 0; x < w; x++) {
      const sx = reflectIndex(x - pl, image.width);
      const o = (y * w + x) * 3;
      const i = (sy * image.width + sx) * 3;
      data[o] = image.data[i];
      data[o + 1] = image.data[i + 1];
      data[o + 2] = image.data[i + 2];
    }
  }
  const blurred = gaussianBlur({ width: w, height: h, data }, blur);
  const median = channelMedians(data);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const mx = 1 - Math.min(x / pl, (w - 1 - x) / pr);
      const my = 1 - Math.min(y / pt, (h - 1 - y) / pb);
      const mask = Math.max(mx, my);
      const blurWeight = clamp01(mask * 3 + 1);
      const medianWeight = clamp01(mask);
      const o = (y * w + x) * 3;
      for (let c = 0; c < 3; c++) {
        let v = data[o + c];
        v += (blurred[o + c] - v) * blurWeight;
        v += (median[c] - v) * medianWeight;
        data[o + c] = v;
      }
    }
  }
  return { width: w, height: h, data };
}

function reflectIndex(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  let r = ((i % period) + period) % period;
  if (r >= n) r = period - r;
  return r;
}

function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}

/**
 * Gaussian blur of `sigma` approximated by three box blurs per axis (running sums, so the cost
 * does not grow with sigma; the blur only softens the padded border, where this approximation
 * of scipy's gaussian_filter is invisible). Edges repeat as scipy's 'reflect' mode.
 */
function gaussianBlur(image: FloatImage, sigma: number): Float32Array {
  const { width: w, height: h } = image;
  let data: Float32Array = image.data.slice();
  if (sigma <= 0) return data;
  // box widths whose three-pass variance matches sigma² (Kovesi, "Fast almost-Gaussian filtering")
  const ideal = Math.sqrt((12 * sigma * sigma) / 3 + 1);
  let lower = Math.floor(ideal);
  if (lower % 2 === 0) lower--;
  const upper = lower + 2;
  const m = Math.round((12 * sigma * sigma - 3 * lower * lower - 12 * lower - 9) / (-4 * lower - 4));
  for (let pass = 0; pass < 3; pass++) {
    const radius = ((pass < m ? lower : upper) - 1) / 2;
    data = boxBlur(data, w, h, radius, true);
    data = boxBlur(data, w, h, radius, false);
  }
  return data;
}

/** One box-blur pass of `radius` along rows (`horizontal`) or columns, RGB interleaved. */
function boxBlur(src: Float32Array, w: number, h: number, radius: number, horizontal: boolean): Float32Array {
  const out = new Float32Array(src.length);
  const lines = horizontal ? h : w;
  const length = horizontal ? w : h;
  const step = horizontal ? 3 : 3 * w;
  const size = 2 * radius + 1;
  const reflect = (i: number) => {
    const period = 2 * length;
    let r = ((i % period) + period) % period;
    if (r >= length) r = period - 1 - r;
    return r;
  };
  for (let line = 0; line < lines; line++) {
    const base = horizontal ? line * 3 * w : line * 3;
    for (let c = 0; c < 3; c++) {
      let sum = 0;
      for (let k = -radius; k <= radius; k++) sum += src[base + reflect(k) * step + c];
      for (let i = 0; i < length; i++) {
        out[base + i * step + c] = sum / size;
        sum += src[base + reflect(i + radius + 1) * step + c] - src[base + reflect(i - radius) * step + c];
      }
    }
  }
  return out;
}

function channelMedians(data: Float32Array): [number, number, number] {
  const n = data.length / 3;
  const result: number[] = [];
  for (let c = 0; c < 3; c++) {
    const values = new Float32Array(n);
    for (let i = 0; i < n; i++) values[i] = data[3 * i + c];
    values.sort();
    result.push(n % 2 ? values[(n - 1) / 2] : (values[n / 2 - 1] + values[n / 2]) / 2);
  }
  return result as [number, number, number];
}

/** DECA's crop box from 68 landmarks: centre and side in source pixels. */
export function decaCropBox(landmarks: readonly (readonly number[])[], scale = 1.25): { center: Point; size: number } {
  const box = boundingBox(landmarks);
  const oldSize = ((box.width + box.height) / 2) * 1.1;
  // upstream truncates the side to an integer (`int(old_size * scale)`)
  return { center: [box.x + box.width / 2, box.y + box.height / 2], size: Math.trunc(oldSize * scale) };
}

/**
 * DECA's input crop: [cx − s/2, cy − s/2] → pixel 0 and side s → pixel `resolution − 1`
 * (skimage similarity + warp, bilinear, zero fill). Returns 8-bit RGB and the transform;
 * `decaInput` gives the float tensor in [0, 1].
 */
export function cropDeca(image: RgbImage, landmarks: readonly (readonly number[])[], resolution = 224): { crop: FloatImage; transform: Affine } {
  const { center, size } = decaCropBox(landmarks);
  const s = (resolution - 1) / size;
  const transform: Affine = [s, 0, -(center[0] - size / 2) * s, 0, s, -(center[1] - size / 2) * s];
  return { crop: warpAffine(image, transform, resolution, resolution, 'zero'), transform };
}

/** Landmarks moved through a transform. */
export function transformPoints(points: readonly (readonly number[])[], m: Affine): Point[] {
  return points.map((p) => applyAffine(m, p));
}
