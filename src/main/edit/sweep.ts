/**
 * Interpolation sweeps of one source: the light rotated about the vertical axis, or the
 * expression (50 values + jaw) moving from photo A's to photo B's. Every frame is sampled from
 * the same noise, so only the swept code changes the picture. Output: a horizontal frame strip
 * (PNG) and an animated WebP (sharp's animated join).
 */
import sharp from 'sharp';
import type { SweepParams, SweepResult } from '../../common/contract/edit';
import type { FlameCodes } from '../../common/contract/viewport';
import { AppError } from '../api/errors';
import { interpolateExpression, rotateLightYaw } from './codes';
import type { PreparedCell, ProjectEditor } from './engine';
import { encodePng, quantise } from './images';

/** The codes of every frame of a sweep. */
export function sweepCodes(params: Pick<SweepParams, 'kind' | 'degrees' | 'frames'>, base: FlameCodes, from?: FlameCodes, to?: FlameCodes): FlameCodes[] {
  const frames: FlameCodes[] = [];
  // a full turn does not repeat its first frame at the end
  const fullTurn = params.kind === 'light' && Math.abs(Math.abs(params.degrees) - 360) < 1e-9;
  for (let i = 0; i < params.frames; i++) {
    const t = fullTurn ? i / params.frames : i / (params.frames - 1);
    if (params.kind === 'light') frames.push({ ...base, light: rotateLightYaw(base.light, (params.degrees * t * Math.PI) / 180) });
    else frames.push(interpolateExpression(base, from!, to!, t));
  }
  return frames;
}

/** Runs a sweep and encodes its strip and animation. */
export async function runSweep(editor: ProjectEditor, params: SweepParams, signal?: AbortSignal): Promise<SweepResult> {
  const base = editor.prepare({ sourcePhotoId: params.sourcePhotoId, targetPhotoId: null, modes: [] }, { meanShape: params.meanShape });
  let from: FlameCodes | undefined;
  let to: FlameCodes | undefined;
  if (params.kind === 'expression') {
    if (!params.fromPhotoId || !params.toPhotoId) throw new AppError('invalid-params', 'an expression sweep needs fromPhotoId and toPhotoId');
    from = editor.estimates.require(params.fromPhotoId).codes;
    to = editor.estimates.require(params.toPhotoId).codes;
  }
  const cells: PreparedCell[] = sweepCodes(params, base.codes, from, to).map((codes) => ({ ...base, codes }));
  const { samples, size } = await editor.sample(cells, { modelId: params.modelId, imageSize: params.imageSize, sampler: params.sampler, batchSize: 4 }, signal);
  const frames = await Promise.all(samples.map((s) => encodePng(quantise(s, size), size)));
  const strip = await sharp({ create: { width: size * frames.length, height: size, channels: 3, background: { r: 0, g: 0, b: 0 } } })
    .composite(frames.map((input, i) => ({ input, left: i * size, top: 0 })))
    .png()
    .toBuffer();
  const animation = await sharp(frames, { join: { animated: true } })
    .webp({ lossless: true, loop: 0, delay: frames.map(() => params.frameMs) })
    .toBuffer();
  return {
    frames: frames.length,
    strip: { mime: 'image/png', base64: strip.toString('base64'), width: size * frames.length, height: size },
    animation: { mime: 'image/webp', base64: animation.toString('base64'), width: size, height: size },
  };
}
