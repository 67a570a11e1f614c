/**
 * A small editable world for Edit studio tests, e2e and benchmarks: a tiny random-weight
 * DiffusionRig checkpoint written with the project's own safetensors writer, and synthetic
 * "photos": renders of the demo head (not FLAME) with known FLAME codes, which stand in for
 * what the estimator would find on real photos.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { FlameCodes } from '../../src/common/flame/codes';
import { writeSafetensors } from '../../src/main/checkpoint/safetensors';
import { renderFlameTask } from '../../src/main/flame/renderTask';
import type { DiffusionRigConfig } from '../../src/main/models/config';
import { randomWeights } from '../../src/main/train/init';
import { defaultDemoHeadDir, loadHeadModel, locateHeadModel } from '../../src/main/head/activeModel';
import { tinyConfig } from './tinyDiffusionRig';

export { tinyConfig };

/** Writes the tiny (or another) checkpoint as safetensors; returns its path. */
export function writeTinyCheckpoint(dir: string, seed = 7, options: { config?: DiffusionRigConfig } = {}): string {
  const weights = randomWeights(options.config ?? tinyConfig, seed);
  const path = join(dir, `tiny-diffusionrig-${seed}.safetensors`);
  writeFileSync(path, writeSafetensors(weights));
  return path;
}

/** Codes of synthetic face k: different expression, jaw, head turn and light per face. */
export function syntheticCodes(k: number): FlameCodes {
  const expression = new Array<number>(50).fill(0);
  expression[0] = 0.8 * Math.sin(k * 1.3);
  expression[1] = 1.5 * Math.cos(k * 0.7);
  expression[2] = 0.6 * Math.sin(k * 2.1);
  const light = new Array<number>(27).fill(0);
  for (let c = 0; c < 3; c++) {
    light[c] = 3.2 + 0.2 * c;
    light[3 + c] = 0.6 * Math.cos(k * 1.1);
    light[6 + c] = 0.3;
    light[9 + c] = 0.5 + 0.2 * Math.sin(k);
  }
  const shape = Array.from({ length: 100 }, (_, i) => (i < 10 ? 0.4 * Math.sin(k + i) : 0));
  return { shape, expression, pose: [0.05 * k, 0.25 * Math.sin(k * 1.7), 0, 0.1 * (k % 3), 0, 0], camera: [7.5, 0, 0.02], light };
}

/** Renders synthetic faces as PNGs of `size`² into `dir`; returns their paths and codes. */
export async function writeSyntheticFaces(dir: string, count: number, size = 64): Promise<{ path: string; codes: FlameCodes; landmarks: [number, number][] }[]> {
  const head = await loadHeadModel(locateHeadModel({ flameFiles: () => null, demoHeadDir: defaultDemoHeadDir() }));
  const texture = head.albedo ? { width: head.albedo.width, height: head.albedo.height, data: Float32Array.from(head.albedo.rgb, (v) => v / 255) } : null;
  const out: { path: string; codes: FlameCodes; landmarks: [number, number][] }[] = [];
  for (let k = 0; k < count; k++) {
    const codes = syntheticCodes(k);
    const result = await renderFlameTask({ modelKey: `fixture:${head.key}`, model: head.model, codes, size, texture });
    if (result.needModel) throw new Error('render task did not take the model');
    const { rendered, mask } = result.buffers;
    const rgb = Buffer.alloc(size * size * 3);
    for (let p = 0; p < size * size; p++) {
      // a coloured backdrop per face so photos differ outside the head too
      for (let c = 0; c < 3; c++) rgb[p * 3 + c] = mask[p] ? Math.round(255 * Math.min(1, Math.max(0, rendered[p * 3 + c]))) : (40 + 50 * k + 30 * c) & 255;
    }
    const path = join(dir, `face-${k}.png`);
    await sharp(rgb, { raw: { width: size, height: size, channels: 3 } }).png().toFile(path);
    const landmarks = Array.from({ length: result.landmarks.length / 2 }, (_, i): [number, number] => [result.landmarks[2 * i], result.landmarks[2 * i + 1]]);
    out.push({ path, codes, landmarks });
  }
  return out;
}
