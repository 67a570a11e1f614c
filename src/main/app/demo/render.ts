/**
 * Renders a demo scene to a PNG "photo": the demo head's DECA `rendered` buffer (albedo × SH
 * shading) through the app's own rasteriser in a worker thread, at twice the photo size and
 * box-filtered down (the rasteriser covers a pixel by one face, so edges need the supersampling),
 * over the scene's background. The PNG carries EXIF text saying it is a synthetic render of
 * the demo head, which the photo detail view shows as camera make, model and software.
 */

import sharp from 'sharp';
import type { Texture } from '../../../common/render/decaBuffers';
import type { FlameRenderService } from '../../flame/renderTask';
import type { ActiveHeadModel } from '../../head/activeModel';
import { backgroundAt, type Background } from './backgrounds';
import { demoPhotoSize, type DemoScene } from './scenes';

/** Supersampling factor: rendered at 2 × 512 and averaged over 2 × 2 pixels. */
const supersample = 2;

/** What the EXIF of every demo photo says (no parentheses: libvips cuts EXIF strings at " ("). */
export const demoExif = {
  make: 'Rig Studio',
  model: 'Demo head renderer: synthetic, not a photo, not FLAME',
  software: 'Rig Studio demo: render of the built-in demo head; its FLAME codes are the exact render inputs',
};

/** A rendered demo photo. */
export interface DemoRender {
  png: Buffer;
  /** DECA's 68 landmarks of the rendered head in photo pixels (edge coordinates: pixel i spans [i, i + 1)). */
  landmarks: [number, number][];
  /** The head's coverage of each photo pixel in [0, 1] (row-major): the face mask of the render. */
  mask: Float32Array;
}

/** The supersampled mask box-filtered to the photo's size. */
function coverage(mask: Float32Array, size: number): Float32Array {
  const big = size * supersample;
  const out = new Float32Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let m = 0;
      for (let dy = 0; dy < supersample; dy++) for (let dx = 0; dx < supersample; dx++) m += mask[(y * supersample + dy) * big + x * supersample + dx];
      out[y * size + x] = m / (supersample * supersample);
    }
  }
  return out;
}

/** The head's albedo texture as the renderer takes it (floats, row 0 at the top), or null for flat grey. */
export function headTexture(head: Pick<ActiveHeadModel, 'albedo'>): Texture | null {
  if (!head.albedo) return null;
  const { rgb, width, height } = head.albedo;
  const data = new Float32Array(rgb.length);
  for (let i = 0; i < rgb.length; i++) data[i] = rgb[i] / 255;
  return { width, height, data };
}

/** Composites the rendered head over the background and box-filters it down to 8-bit RGB. */
function composite(rendered: Float32Array, mask: Float32Array, size: number, background: Background): Uint8Array {
  const big = size * supersample;
  const out = new Uint8Array(size * size * 3);
  const bg = [0, 0, 0];
  const weight = 1 / (supersample * supersample);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      backgroundAt(background, x, y, size, bg);
      let r = 0, g = 0, b = 0;
      for (let dy = 0; dy < supersample; dy++) {
        for (let dx = 0; dx < supersample; dx++) {
          const p = (y * supersample + dy) * big + x * supersample + dx;
          const m = mask[p];
          r += m * Math.min(1, Math.max(0, rendered[3 * p])) + (1 - m) * bg[0];
          g += m * Math.min(1, Math.max(0, rendered[3 * p + 1])) + (1 - m) * bg[1];
          b += m * Math.min(1, Math.max(0, rendered[3 * p + 2])) + (1 - m) * bg[2];
        }
      }
      const o = 3 * (y * size + x);
      out[o] = Math.round(r * weight * 255);
      out[o + 1] = Math.round(g * weight * 255);
      out[o + 2] = Math.round(b * weight * 255);
    }
  }
  return out;
}

/** Renders one scene of the demo head (in a worker of `service`'s pool) as a size² photo (default the demo album's 512). */
export async function renderDemoScene(service: FlameRenderService, head: ActiveHeadModel, texture: Texture | null, scene: DemoScene, size = demoPhotoSize): Promise<DemoRender> {
  const codes = { shape: scene.shape, expression: scene.expression, pose: scene.pose, camera: scene.cam, light: scene.light };
  const result = await service.render(`demo:${head.key}`, head.model, codes, { size: size * supersample, texture });
  const { buffers } = result;
  const pixels = composite(buffers.rendered, buffers.mask, size, scene.background);
  const png = await sharp(Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength), { raw: { width: size, height: size, channels: 3 } })
    .withExif({ IFD0: { Make: demoExif.make, Model: demoExif.model, Software: demoExif.software, ImageDescription: `Synthetic render of the Rig Studio demo head, not FLAME: ${scene.title}; scene seed ${scene.seed}` } })
    .png({ compressionLevel: 6, adaptiveFiltering: false })
    .toBuffer();
  return { png, landmarks: landmarksAt(result.landmarks, size * supersample, size), mask: coverage(buffers.mask, size) };
}

/** Landmark pixels of the supersampled render at the photo's size (edge coordinates scale exactly). */
function landmarksAt(landmarks: Float64Array, from: number, to: number): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < landmarks.length; i += 2) out.push([(landmarks[i] * to) / from, (landmarks[i + 1] * to) / from]);
  return out;
}
