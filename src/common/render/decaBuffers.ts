/**
 * DiffusionRig's physical buffers, rendered the way DECA's SRenderY does:
 * - `albedo`: the albedo texture sampled through the interpolated UVs (bilinear, like
 *   F.grid_sample with align_corners=False and zero padding; v = 1 is the texture's top row);
 * - `normal`: interpolated world-space vertex normals (not re-normalised), in [−1, 1];
 * - `rendered`: albedo × SH shading of the interpolated normal (not clamped);
 * - `mask`: 1 where a face covers the pixel; every buffer is 0 outside it;
 * - `depth`: the interpolated projected z (smaller = nearer), 0 outside the mask.
 * Images are H × W (× 3 for RGB/XYZ), row-major, row 0 at the top, float32.
 */

import { shadeNormal } from '../flame/geometry';
import type { UvLayout } from '../flame/model';
import type { Fragments } from './rasterize';
import { createFragments, rasterize } from './rasterize';

/** An RGB texture, H × W × 3 floats (about [0, 1]), row 0 at the top (v = 1). */
export interface Texture {
  width: number;
  height: number;
  data: Float32Array;
}

export interface BufferInputs {
  /** DECA's projected vertices (x right, y down in [−1, 1], z smaller nearer), V × 3. */
  projected: ArrayLike<number>;
  /** World-space unit vertex normals, V × 3. */
  normals: ArrayLike<number>;
  faces: ArrayLike<number>;
  /** SH light, 9 × 3 row-major. */
  light: ArrayLike<number>;
  /** UVs and texture for the albedo; without both, `flatAlbedo` is used. */
  uv?: UvLayout;
  texture?: Texture;
  /** Albedo where there is no texture (default a neutral 0.7 grey). */
  flatAlbedo?: readonly [number, number, number];
}

export interface DecaBuffers {
  width: number;
  height: number;
  mask: Float32Array;
  depth: Float32Array;
  rendered: Float32Array;
  normal: Float32Array;
  albedo: Float32Array;
}

/** Allocates a set of buffers (reuse them across frames with `renderDecaBuffers`). */
export function createDecaBuffers(width: number, height = width): DecaBuffers {
  const count = width * height;
  return {
    width, height,
    mask: new Float32Array(count), depth: new Float32Array(count),
    rendered: new Float32Array(count * 3), normal: new Float32Array(count * 3), albedo: new Float32Array(count * 3),
  };
}

/** Bilinear texture lookup matching grid_sample(align_corners=False, padding zeros). */
export function sampleTexture(texture: Texture, u: number, v: number, out: Float32Array, offset: number): void {
  const { width, height, data } = texture;
  const x = u * width - 0.5;
  const y = (1 - v) * height - 0.5;
  const x0 = Math.floor(x), y0 = Math.floor(y);
  const fx = x - x0, fy = y - y0;
  let r = 0, g = 0, b = 0;
  for (let dy = 0; dy < 2; dy++) {
    const row = y0 + dy;
    if (row < 0 || row >= height) continue;
    const wy = dy ? fy : 1 - fy;
    for (let dx = 0; dx < 2; dx++) {
      const column = x0 + dx;
      if (column < 0 || column >= width) continue;
      const w = wy * (dx ? fx : 1 - fx);
      const t = (row * width + column) * 3;
      r += w * data[t]; g += w * data[t + 1]; b += w * data[t + 2];
    }
  }
  out[offset] = r; out[offset + 1] = g; out[offset + 2] = b;
}

/**
 * Renders DECA's buffers into `buffers` (allocated by createDecaBuffers; its size sets the
 * image size). `fragments` may be passed to reuse rasteriser memory. Returns `buffers`.
 */
export function renderDecaBuffers(inputs: BufferInputs, buffers: DecaBuffers, fragments?: Fragments): DecaBuffers {
  const { width, height } = buffers;
  const frags = fragments && fragments.width === width && fragments.height === height ? fragments : createFragments(width, height);
  if (inputs.light.length !== 27) throw new Error(`SH light has ${inputs.light.length} values; expected 27 (9 × 3)`);
  if (inputs.projected.length !== inputs.normals.length) throw new Error('projected vertices and normals differ in length');
  const textured = inputs.uv && inputs.texture;
  if (textured && inputs.uv!.faces.length !== inputs.faces.length) throw new Error('UV faces and mesh faces differ in count');
  rasterize(inputs.projected, inputs.faces, frags);
  const { face, bary, depth } = frags;
  const { faces, normals, light } = inputs;
  const flat = inputs.flatAlbedo ?? [0.7, 0.7, 0.7];
  const { mask, rendered, normal, albedo } = buffers;
  const shading = new Float32Array(3);
  for (let p = 0; p < face.length; p++) {
    const f = face[p];
    const o = p * 3;
    if (f < 0) {
      mask[p] = 0; buffers.depth[p] = 0;
      rendered[o] = rendered[o + 1] = rendered[o + 2] = 0;
      normal[o] = normal[o + 1] = normal[o + 2] = 0;
      albedo[o] = albedo[o + 1] = albedo[o + 2] = 0;
      continue;
    }
    mask[p] = 1;
    buffers.depth[p] = depth[p];
    const wa = bary[o], wb = bary[o + 1], wc = bary[o + 2];
    const a = faces[f * 3] * 3, b = faces[f * 3 + 1] * 3, c = faces[f * 3 + 2] * 3;
    const nx = wa * normals[a] + wb * normals[b] + wc * normals[c];
    const ny = wa * normals[a + 1] + wb * normals[b + 1] + wc * normals[c + 1];
    const nz = wa * normals[a + 2] + wb * normals[b + 2] + wc * normals[c + 2];
    normal[o] = nx; normal[o + 1] = ny; normal[o + 2] = nz;
    if (textured) {
      const uv = inputs.uv!;
      const ta = uv.faces[f * 3] * 2, tb = uv.faces[f * 3 + 1] * 2, tc = uv.faces[f * 3 + 2] * 2;
      const u = wa * uv.coords[ta] + wb * uv.coords[tb] + wc * uv.coords[tc];
      const v = wa * uv.coords[ta + 1] + wb * uv.coords[tb + 1] + wc * uv.coords[tc + 1];
      sampleTexture(inputs.texture!, u, v, albedo, o);
    } else {
      albedo[o] = flat[0]; albedo[o + 1] = flat[1]; albedo[o + 2] = flat[2];
    }
    shadeNormal(nx, ny, nz, light, shading, 0);
    rendered[o] = albedo[o] * shading[0];
    rendered[o + 1] = albedo[o + 1] * shading[1];
    rendered[o + 2] = albedo[o + 2] * shading[2];
  }
  return buffers;
}

/** H × W × C interleaved → C × H × W planar (the layout networks take). */
export function toPlanar(image: Float32Array, width: number, height: number, channels: number, out = new Float32Array(image.length)): Float32Array {
  const count = width * height;
  for (let p = 0; p < count; p++) for (let ch = 0; ch < channels; ch++) out[ch * count + p] = image[p * channels + ch];
  return out;
}
