/**
 * Where the demo's ground-truth estimates go, through the owners' services only (no hand-written
 * rows), under the estimator name "demo-ground-truth":
 * - the face pipeline's full estimate record (`EstimateStore`, table `estimates`: landmarks,
 *   transforms, aligned crop — what the viewport over a photo and photo detail's estimate panel
 *   read), with the derived crops it names written as the estimation job writes them
 *   (derived/aligned/<id>.png, derived/deca224/<id>.png);
 * - through it, the per-photo FLAME codes the Edit studio, training and the album mean shape read
 *   (the same store's table `photoCodes`).
 * A photo the user estimated (any record of another estimator) is never touched.
 */

import { join, relative } from 'node:path';
import { unpackCode, type FlameCodes } from '../../../common/flame/codes';
import { alignedSize } from '../../estimate/pipeline';
import { EstimateStore } from '../../estimate/store';
import { encodePng, loadImage, resampleAffine, toRgb, type RgbImage } from '../../face/image';
import { writeFileAtomic } from '../../library/atomicFile';
import { readableBlob } from '../../library/confined';
import type { Project } from '../../library/project';
import { groundTruthEstimator, photoToAligned, type GroundTruthEstimate } from './groundTruth';
import { findPhoto } from '../../library/lookup';

/**
 * Whether the photo already has its full estimate (ours, or one the user made), or codes of
 * another estimator (the user's; kept). Codes of ours alone (a project opened before migration
 * 0007 could store the full record) do not count: the full record is added then.
 */
export function hasEstimate(project: Project, photoId: number): boolean {
  const store = new EstimateStore(project.db);
  if (store.get(photoId) !== undefined) return true;
  const codes = store.codes(photoId);
  return codes !== undefined && codes.estimator !== groundTruthEstimator;
}

/** The estimate's codes as the Edit studio keeps them: camera in the photo's own frame (the render camera). */
export function groundTruthCodes(estimate: GroundTruthEstimate): FlameCodes {
  return unpackCode(estimate.code, estimate.camAligned);
}

/**
 * The photo's aligned 256 image: a square render of side 256·k box-filtered by k × k (the demo
 * album's 512² renders: 2 × 2), which maps pixel edges exactly as groundTruth.ts assumes.
 */
function boxFilterTo(image: RgbImage, size: number): RgbImage {
  const k = image.width / size;
  const data = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (let dy = 0; dy < k; dy++) for (let dx = 0; dx < k; dx++) sum += image.data[((y * k + dy) * image.width + x * k + dx) * 3 + c];
        data[(y * size + x) * 3 + c] = Math.round(sum / (k * k));
      }
    }
  }
  return { width: size, height: size, data };
}

/** The aligned 256 image of a square render: box-filtered when its side is a multiple of 256, else resampled. */
function alignedImage(image: RgbImage, fileName: string): RgbImage {
  if (image.width !== image.height) throw new Error(`${fileName}: expected a square demo render, found ${image.width} × ${image.height}`);
  if (image.width % alignedSize === 0) return boxFilterTo(image, alignedSize);
  return toRgb(resampleAffine(image, photoToAligned(image.width), alignedSize, alignedSize, 'edge'));
}

/**
 * Stores a demo photo's ground-truth estimate: the full record with its aligned and DECA crops,
 * and (through it) the Edit studio's codes. Idempotent; does nothing for a photo that has an
 * estimate already (see hasEstimate). Codes the photo already had under our name (possibly
 * edited in the Edit studio) are kept as they were.
 */
export async function saveGroundTruth(project: Project, photoId: number, estimate: GroundTruthEstimate): Promise<void> {
  if (hasEstimate(project, photoId)) return;
  const photo = findPhoto(project.db, photoId);
  if (!photo) throw new Error(`demo photo ${photoId} does not exist`);
  const image = await loadImage(readableBlob(project.paths, photo.hash), photo.fileName);
  const aligned = alignedImage(image, photo.fileName);
  const decaCrop = toRgb(resampleAffine(aligned, estimate.decaTransform, 224, 224, 'zero'));
  const alignedOut = join(project.paths.derived, 'aligned', `${photoId}.png`);
  const decaOut = join(project.paths.derived, 'deca224', `${photoId}.png`);
  // checked again right before writing: a user's estimate that arrived meanwhile keeps its crops
  if (hasEstimate(project, photoId)) return;
  await writeFileAtomic(alignedOut, await encodePng(aligned), project.paths.tmp);
  await writeFileAtomic(decaOut, await encodePng(decaCrop), project.paths.tmp);
  project.db.transaction(() => {
    if (hasEstimate(project, photoId)) return;
    const store = new EstimateStore(project.db);
    const kept = store.codes(photoId);
    store.save(photoId, null, estimate, relative(project.dir, alignedOut), relative(project.dir, decaOut));
    if (kept) store.saveCodes(photoId, { name: kept.estimator, version: kept.version }, kept.codes);
  })();
}
