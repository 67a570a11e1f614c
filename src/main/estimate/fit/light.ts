/**
 * Spherical-harmonics light by linear least squares against the photo: with the head's pose
 * and camera known, each visible face vertex v with albedo a_v and normal n_v should show
 * colour I_v = a_v · Σ_k L_k · c_k·Y_k(n_v) (DECA's shading, per RGB channel). That is linear
 * in the 9 coefficients of each channel, so three 9×9 ridge-regularised normal equations give
 * the 27 values. The basis comes from the FLAME code's own `shadeNormal` (one-hot lights), so
 * the solved light shades exactly as the renderer does.
 */
import { shadeNormal } from '../../../common/flame/geometry';
import type { RgbImage } from '../../face/image';
import { solveSymmetric } from './linear';

/** Inputs of the light solve, per vertex (count × 3 arrays). */
export interface LightObservations {
  /** Observed colour in [0, 1]. */
  colours: Float64Array;
  /** Albedo in [0, 1]. */
  albedo: Float64Array;
  /** Unit normals in model space (as DECA shades). */
  normals: Float64Array;
  /** Which vertices to use (visible face skin); all when omitted. */
  mask?: Uint8Array;
}

/** SH basis values c_k·Y_k(n) of one normal, in the order of DECA's 9 coefficients. */
export function shBasis(nx: number, ny: number, nz: number, out: Float64Array = new Float64Array(9)): Float64Array {
  const one = new Float64Array(27);
  const rgb = new Float64Array(3);
  for (let k = 0; k < 9; k++) {
    one.fill(0);
    one[k * 3] = 1;
    shadeNormal(nx, ny, nz, one, rgb, 0);
    out[k] = rgb[0];
  }
  return out;
}

/** The 27 light values (9 × 3, row-major as DECA's `light`) that best explain the colours. */
export function solveLight(observations: LightObservations, regularisation = 1e-6): { light: Float64Array; used: number; rms: number } {
  const { colours, albedo, normals, mask } = observations;
  const count = normals.length / 3;
  const light = new Float64Array(27);
  const basis = new Float64Array(9);
  const ata = Array.from({ length: 3 }, () => new Float64Array(81));
  const atb = Array.from({ length: 3 }, () => new Float64Array(9));
  let used = 0;
  for (let v = 0; v < count; v++) {
    if (mask && !mask[v]) continue;
    used++;
    shBasis(normals[3 * v], normals[3 * v + 1], normals[3 * v + 2], basis);
    for (let c = 0; c < 3; c++) {
      const a = albedo[3 * v + c];
      const target = colours[3 * v + c];
      for (let i = 0; i < 9; i++) {
        const ai = a * basis[i];
        atb[c][i] += ai * target;
        for (let j = 0; j < 9; j++) ata[c][i * 9 + j] += ai * a * basis[j];
      }
    }
  }
  if (used < 9) throw new Error(`light solve: only ${used} usable vertices (the face is too small or hidden)`);
  let squared = 0;
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < 9; i++) ata[c][i * 9 + i] += regularisation * used;
    const x = solveSymmetric(ata[c], atb[c], 9);
    if (!x) throw new Error('light solve: normal equations are singular');
    for (let k = 0; k < 9; k++) light[k * 3 + c] = x[k];
  }
  const shaded = new Float64Array(3);
  for (let v = 0; v < count; v++) {
    if (mask && !mask[v]) continue;
    shadeNormal(normals[3 * v], normals[3 * v + 1], normals[3 * v + 2], light, shaded, 0);
    for (let c = 0; c < 3; c++) squared += (albedo[3 * v + c] * shaded[c] - colours[3 * v + c]) ** 2;
  }
  return { light, used, rms: Math.sqrt(squared / (3 * used)) };
}

/**
 * Photo colours (0–1) at projected vertex positions (`pixels`: count × 2), bilinear; vertices
 * outside the image are dropped from `mask`.
 */
export function sampleColours(image: RgbImage, pixels: ArrayLike<number>, mask: Uint8Array): Float64Array {
  const count = pixels.length / 2;
  const out = new Float64Array(count * 3);
  for (let v = 0; v < count; v++) {
    if (!mask[v]) continue;
    const x = pixels[2 * v];
    const y = pixels[2 * v + 1];
    const x0 = Math.floor(x);
    const y0 = Math.floor(y);
    if (x0 < 0 || y0 < 0 || x0 + 1 >= image.width || y0 + 1 >= image.height) {
      mask[v] = 0;
      continue;
    }
    const fx = x - x0;
    const fy = y - y0;
    for (let c = 0; c < 3; c++) {
      const at = (yy: number, xx: number) => image.data[(yy * image.width + xx) * 3 + c];
      const top = at(y0, x0) * (1 - fx) + at(y0, x0 + 1) * fx;
      const bottom = at(y0 + 1, x0) * (1 - fx) + at(y0 + 1, x0 + 1) * fx;
      out[3 * v + c] = (top * (1 - fy) + bottom * fy) / 255;
    }
  }
  return out;
}

/**
 * Vertices to light-fit on: facing the camera (model-space normal z above `minFacing`, DECA's
 * visibility test) and inside the face outline (jaw 0–16, then the brows back, 26–17).
 */
export function faceSkinMask(normals: ArrayLike<number>, pixels: ArrayLike<number>, landmarks68: readonly (readonly number[])[], minFacing = 0.05): Uint8Array {
  const outline = [...landmarks68.slice(0, 17), ...landmarks68.slice(17, 27).reverse()];
  const count = pixels.length / 2;
  const mask = new Uint8Array(count);
  for (let v = 0; v < count; v++) {
    if (!(normals[3 * v + 2] > minFacing)) continue;
    if (insidePolygon(pixels[2 * v], pixels[2 * v + 1], outline)) mask[v] = 1;
  }
  return mask;
}

function insidePolygon(x: number, y: number, polygon: readonly (readonly number[])[]): boolean {
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xi, yi] = polygon[i];
    const [xj, yj] = polygon[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}
