/**
 * The photo's texture of a fitted head, as DECA extracts it (`uv_gt` in DECA's decode):
 * 1. the posed mesh is projected with the photo's orthographic camera (DECA's trans_verts);
 * 2. it is rasterised in UV space (the rasteriser of src/common/render with UVs as positions),
 *    which gives each texel a face and barycentrics, hence its projected image position
 *    (DECA's world2uv of the projected vertices);
 * 3. the photo is sampled there bilinearly (grid_sample, align_corners = False);
 * 4. unlike DECA, which keeps every texel inside its face/eye mask, a texel counts as seen only
 *    when it is visible: its depth matches the image-space depth buffer of the same mesh at that
 *    pixel (so the far cheek behind the nose and the back of the head take no photo colour),
 *    none of its bilinear taps falls on background (the silhouette's one-pixel ring) and its
 *    surface does not graze the view (see minFacing);
 * 5. the rest is filled: from the mirror texel when that one was seen (left/right symmetry of
 *    the mesh, see symmetry.ts), else from the model's albedo texture where the head model has
 *    one (scaled per channel to the photo's colour over the seen texels, so the seam is soft),
 *    else (and outside the UV islands, which matters for texture filtering) by push–pull
 *    diffusion from the filled texels. Every texel ends with a colour.
 * With a photo mask in UV space (DECA's uv_face_eye_mask.png from the researcher's DECA data
 * folder) the photo is used only inside the mask, as DECA does.
 */

import { FlameEvaluator } from '../../common/flame/evaluate';
import type { FlameModel } from '../../common/flame/model';
import type { SkinningCodes } from '../../common/flame/codes';
import type { Texture } from '../../common/render/decaBuffers';
import { sampleTexture } from '../../common/render/decaBuffers';
import { createFragments, rasterize } from '../../common/render/rasterize';
import { mirrorMap, type MirrorMap } from './symmetry';

/** Where each texel's colour came from. */
export const texelSource = Object.freeze({ none: 0, photo: 1, mirror: 2, albedo: 3, spread: 4 });

export interface BakeInputs {
  /** The head model; it needs a UV layout. */
  model: FlameModel;
  /** The codes the head is posed with; `camera` maps it onto `photo` (DECA's camera, NDC of a square image). */
  codes: SkinningCodes;
  /** The aligned photo the camera refers to (square, RGB in [0, 1], row 0 at the top). */
  photo: Texture;
  /** Side of the square UV texture in texels. */
  size: number;
  /** The head model's albedo texture (same UV layout), when it has one. */
  albedo?: Texture | null;
  /** A UV-space mask (channel 0 > 0.5 = may take photo colour), e.g. DECA's uv_face_eye_mask. */
  photoMask?: Texture | null;
  /** Mirror faces of the model (computed when not given; cache it per model). */
  mirror?: MirrorMap;
}

export interface BakedTexture {
  size: number;
  /** size² × 3 RGB in [0, 1] (not clamped), row 0 at the top (v = 1). */
  data: Float32Array;
  /** Per texel, a value of `texelSource`. */
  source: Uint8Array;
  /** Texel counts per source (`inside` = texels inside the UV islands). */
  counts: { photo: number; mirror: number; albedo: number; spread: number; inside: number };
  /** The posed vertices and normals the texture was sampled with (model space). */
  vertices: Float64Array;
  normals: Float64Array;
}

/**
 * Depth slack of the visibility test, in pixels of the photo: a texel's point lies anywhere in
 * its pixel while the depth buffer holds the depth at the pixel centre, so slanted surfaces
 * need a little more than zero.
 */
const depthSlackPixels = 3;

/**
 * Texels whose surface turns away from the camera by more than ~78° (normal z below this; the
 * orthographic camera looks along −z) take no photo colour: one photo pixel smears over many
 * texels there, which streaks the texture along the silhouette. They are filled like unseen ones.
 */
const minFacing = 0.2;

/** Bilinear sample of an RGB image at pixel coordinates (x, y), edge-clamped. */
function samplePixel(image: Texture, x: number, y: number, out: Float32Array, offset: number): void {
  const { width, height, data } = image;
  const x0 = Math.floor(x), y0 = Math.floor(y);
  const fx = x - x0, fy = y - y0;
  let r = 0, g = 0, b = 0;
  for (let dy = 0; dy < 2; dy++) {
    const row = Math.min(height - 1, Math.max(0, y0 + dy));
    const wy = dy ? fy : 1 - fy;
    for (let dx = 0; dx < 2; dx++) {
      const column = Math.min(width - 1, Math.max(0, x0 + dx));
      const w = wy * (dx ? fx : 1 - fx);
      const t = (row * width + column) * 3;
      r += w * data[t]; g += w * data[t + 1]; b += w * data[t + 2];
    }
  }
  out[offset] = r; out[offset + 1] = g; out[offset + 2] = b;
}

/** Bakes the photo's texture of the posed head (see the file header). */
export function bakePhotoTexture(inputs: BakeInputs): BakedTexture {
  const { model, codes, photo, size } = inputs;
  const uv = model.uv;
  if (!uv) throw new Error(`${model.name} has no UV layout, so it cannot carry a texture (set DECA's data folder with head_template.obj in Settings)`);
  if (photo.width !== photo.height) throw new Error(`the photo is ${photo.width} × ${photo.height}; DECA's camera needs the square aligned crop`);
  if (!(Number.isInteger(size) && size >= 16 && size <= 4096)) throw new Error(`texture size ${size} must be an integer from 16 to 4096`);

  const frame = new FlameEvaluator(model).evaluate(codes, { landmarks: false, shading: false });
  const projected = frame.projected;
  const normals = frame.normals;
  const faces = model.faces;

  // Image-space depth buffer of the posed head (visibility).
  const W = photo.width;
  const image = createFragments(W, W);
  rasterize(projected, faces, image);

  // UV-space rasterisation: UVs as positions (x = 2u − 1, y = 1 − 2v so v = 1 is the top row).
  const uvCount = uv.coords.length / 2;
  const uvPositions = new Float64Array(uvCount * 3);
  for (let t = 0; t < uvCount; t++) {
    uvPositions[t * 3] = 2 * uv.coords[t * 2] - 1;
    uvPositions[t * 3 + 1] = 1 - 2 * uv.coords[t * 2 + 1];
  }
  const texels = createFragments(size, size);
  rasterize(uvPositions, uv.faces, texels);

  const count = size * size;
  const data = new Float32Array(count * 3);
  const source = new Uint8Array(count);
  const slack = (depthSlackPixels * 2) / W;
  const mask = inputs.photoMask ?? null;
  const maskValue = new Float32Array(3);
  let photoCount = 0, inside = 0;
  for (let p = 0; p < count; p++) {
    const f = texels.face[p];
    if (f < 0) continue;
    inside++;
    if (mask) {
      const u = ((p % size) + 0.5) / size, v = 1 - (Math.floor(p / size) + 0.5) / size;
      sampleTexture(mask, u, v, maskValue, 0);
      if (maskValue[0] <= 0.5) continue;
    }
    const wa = texels.bary[p * 3], wb = texels.bary[p * 3 + 1], wc = texels.bary[p * 3 + 2];
    const a = faces[f * 3] * 3, b = faces[f * 3 + 1] * 3, c = faces[f * 3 + 2] * 3;
    const x = wa * projected[a] + wb * projected[b] + wc * projected[c];
    const y = wa * projected[a + 1] + wb * projected[b + 1] + wc * projected[c + 1];
    const z = wa * projected[a + 2] + wb * projected[b + 2] + wc * projected[c + 2];
    // grid_sample (align_corners = False): NDC −1 is the image's left edge, pixel i's centre is i + 0.5.
    const px = ((x + 1) * W) / 2 - 0.5, py = ((y + 1) * W) / 2 - 0.5;
    const ix = Math.round(px), iy = Math.round(py);
    if (ix < 0 || iy < 0 || ix >= W || iy >= W) continue;
    if (!(z <= image.depth[iy * W + ix] + slack)) continue;
    if (wa * normals[a + 2] + wb * normals[b + 2] + wc * normals[c + 2] < minFacing) continue;
    const x0 = Math.floor(px), y0 = Math.floor(py);
    let onBackground = false;
    for (let dy = 0; dy < 2 && !onBackground; dy++) {
      for (let dx = 0; dx < 2; dx++) {
        const column = x0 + dx, row = y0 + dy;
        if (column < 0 || row < 0 || column >= W || row >= W || image.face[row * W + column] < 0) { onBackground = true; break; }
      }
    }
    if (onBackground) continue;
    samplePixel(photo, px, py, data, p * 3);
    source[p] = texelSource.photo;
    photoCount++;
  }
  if (photoCount === 0) throw new Error('no part of the head is visible in the photo with these codes (is the camera right?)');

  const mirror = inputs.mirror ?? mirrorMap(model);
  const mirrored = fillFromMirror(texels, uv, mirror, size, data, source);
  const albedoCount = inputs.albedo ? fillFromAlbedo(inputs.albedo, texels, size, data, source) : 0;
  const spread = pushPull(data, source, size);
  return {
    size, data, source,
    counts: { photo: photoCount, mirror: mirrored, albedo: albedoCount, spread, inside },
    vertices: Float64Array.from(frame.vertices),
    normals: Float64Array.from(frame.normals),
  };
}

/** Texels not seen whose mirror texel was seen take its colour. Returns how many. */
function fillFromMirror(texels: ReturnType<typeof createFragments>, uv: NonNullable<FlameModel['uv']>, mirror: MirrorMap, size: number, data: Float32Array, source: Uint8Array): number {
  let filled = 0;
  for (let p = 0; p < size * size; p++) {
    const f = texels.face[p];
    if (f < 0 || source[p] !== texelSource.none) continue;
    if (mirror.uvCorner[f * 3] < 0) continue;
    let u = 0, v = 0;
    for (let k = 0; k < 3; k++) {
      const t = mirror.uvCorner[f * 3 + k] * 2;
      const w = texels.bary[p * 3 + k];
      u += w * uv.coords[t];
      v += w * uv.coords[t + 1];
    }
    // Bilinear over the seen texels only, renormalised; too little seen weight means no mirror colour.
    const x = u * size - 0.5, y = (1 - v) * size - 0.5;
    const x0 = Math.floor(x), y0 = Math.floor(y);
    let r = 0, gr = 0, b = 0, weight = 0;
    for (let dy = 0; dy < 2; dy++) {
      for (let dx = 0; dx < 2; dx++) {
        const column = x0 + dx, row = y0 + dy;
        if (column < 0 || row < 0 || column >= size || row >= size) continue;
        const q = row * size + column;
        if (source[q] !== texelSource.photo) continue;
        const w = (dy ? y - y0 : 1 - (y - y0)) * (dx ? x - x0 : 1 - (x - x0));
        r += w * data[q * 3]; gr += w * data[q * 3 + 1]; b += w * data[q * 3 + 2];
        weight += w;
      }
    }
    if (weight < 0.25) continue;
    data[p * 3] = r / weight; data[p * 3 + 1] = gr / weight; data[p * 3 + 2] = b / weight;
    source[p] = texelSource.mirror;
    filled++;
  }
  return filled;
}

/**
 * Remaining texels inside the UV islands take the albedo texture, scaled per channel so that
 * over the seen texels it has the photo's mean colour (the photo holds albedo × light × camera
 * response; the albedo alone would leave a hard seam). Returns how many texels it filled.
 */
function fillFromAlbedo(albedo: Texture, texels: ReturnType<typeof createFragments>, size: number, data: Float32Array, source: Uint8Array): number {
  const sample = new Float32Array(3);
  const at = (p: number) => sampleTexture(albedo, ((p % size) + 0.5) / size, 1 - (Math.floor(p / size) + 0.5) / size, sample, 0);
  const photoSum = [0, 0, 0], albedoSum = [0, 0, 0];
  for (let p = 0; p < size * size; p++) {
    if (source[p] !== texelSource.photo) continue;
    at(p);
    for (let c = 0; c < 3; c++) { photoSum[c] += data[p * 3 + c]; albedoSum[c] += sample[c]; }
  }
  const gain = photoSum.map((s, c) => (albedoSum[c] > 1e-6 ? Math.min(4, Math.max(0.25, s / albedoSum[c])) : 1));
  let filled = 0;
  for (let p = 0; p < size * size; p++) {
    if (texels.face[p] < 0 || source[p] !== texelSource.none) continue;
    at(p);
    for (let c = 0; c < 3; c++) data[p * 3 + c] = sample[c] * gain[c];
    source[p] = texelSource.albedo;
    filled++;
  }
  return filled;
}

/**
 * Push–pull hole filling: the filled texels are averaged down a pyramid to one texel, then
 * every empty texel takes the bilinearly upsampled coarser level. Fills every texel (it needs
 * at least one filled texel). Returns how many it filled.
 */
export function pushPull(data: Float32Array, source: Uint8Array, size: number): number {
  type Level = { size: number; value: Float32Array; weight: Float32Array };
  const first: Level = { size, value: data, weight: new Float32Array(size * size) };
  for (let p = 0; p < size * size; p++) first.weight[p] = source[p] !== texelSource.none ? 1 : 0;
  const levels: Level[] = [first];
  while (levels[levels.length - 1].size > 1) {
    const fine = levels[levels.length - 1];
    const n = Math.ceil(fine.size / 2);
    const coarse: Level = { size: n, value: new Float32Array(n * n * 3), weight: new Float32Array(n * n) };
    for (let j = 0; j < fine.size; j++) {
      for (let i = 0; i < fine.size; i++) {
        const w = fine.weight[j * fine.size + i];
        if (w === 0) continue;
        const q = (j >> 1) * n + (i >> 1);
        coarse.weight[q] += w;
        for (let c = 0; c < 3; c++) coarse.value[q * 3 + c] += w * fine.value[(j * fine.size + i) * 3 + c];
      }
    }
    for (let q = 0; q < n * n; q++) {
      const w = coarse.weight[q];
      if (w > 0) for (let c = 0; c < 3; c++) coarse.value[q * 3 + c] /= w;
      coarse.weight[q] = Math.min(1, w);
    }
    levels.push(coarse);
  }
  let filled = 0;
  for (let l = levels.length - 2; l >= 0; l--) {
    const fine = levels[l], coarse = levels[l + 1];
    const n = coarse.size;
    for (let j = 0; j < fine.size; j++) {
      for (let i = 0; i < fine.size; i++) {
        const p = j * fine.size + i;
        const w = fine.weight[p];
        if (w >= 1) continue;
        // Bilinear in the coarse level (texel centres), edge-clamped.
        const x = (i + 0.5) / 2 - 0.5, y = (j + 0.5) / 2 - 0.5;
        const x0 = Math.floor(x), y0 = Math.floor(y);
        const up = [0, 0, 0];
        for (let dy = 0; dy < 2; dy++) {
          const row = Math.min(n - 1, Math.max(0, y0 + dy));
          for (let dx = 0; dx < 2; dx++) {
            const column = Math.min(n - 1, Math.max(0, x0 + dx));
            const k = (dy ? y - y0 : 1 - (y - y0)) * (dx ? x - x0 : 1 - (x - x0));
            for (let c = 0; c < 3; c++) up[c] += k * coarse.value[(row * n + column) * 3 + c];
          }
        }
        for (let c = 0; c < 3; c++) fine.value[p * 3 + c] = w * fine.value[p * 3 + c] + (1 - w) * up[c];
        fine.weight[p] = 1;
        if (l === 0) { source[p] = texelSource.spread; filled++; }
      }
    }
  }
  return filled;
}
