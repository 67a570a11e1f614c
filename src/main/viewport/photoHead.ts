import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import sharp from 'sharp';
import type { EstimatedPhoto, PhotoHead } from '../../common/contract/viewport';
import { AppError } from '../core/errors';
import { codesInUse } from '../estimate/codesInUse';
import { EstimateStore } from '../estimate/store';
import { requirePhoto } from '../library/lookup';

// The viewport over a photo: the codes the photo uses (the researcher's saved edits when there
// are any, else the estimator's own; the same codes editing and training read) with the camera
// in the frame of the aligned crop, and that crop, so the head is drawn where it was fitted.

/** What the viewport needs of the open project. */
export interface PhotoSource {
  db: Database;
  /** The project folder (estimates store their crops relative to it). */
  dir: string;
}

/** The photo's codes in use and aligned crop; a clear error when it has no estimate yet. */
export async function photoHead(source: PhotoSource, photoId: number): Promise<PhotoHead> {
  const { fileName, albumId } = requirePhoto(source.db, photoId);
  const store = new EstimateStore(source.db);
  const estimate = store.get(photoId);
  if (!estimate) throw new AppError('not-found', `${fileName} has no FLAME estimate yet: estimate its album first`);
  const { codes, edited } = codesInUse(estimate, store);
  const cropPath = join(source.dir, estimate.alignedPath);
  let bytes: Buffer;
  try {
    bytes = await readFile(cropPath);
  } catch {
    throw new AppError('not-found', `${fileName}: the aligned crop of its estimate is missing (${estimate.alignedPath}); estimate the photo again`);
  }
  const { width, height, format } = await sharp(bytes).metadata();
  if (format !== 'png' || !width || !height) throw new Error(`${estimate.alignedPath}: expected a PNG crop, found ${format ?? 'unknown data'}`);
  return {
    photoId,
    albumId,
    fileName,
    estimator: `${estimate.estimator} (${estimate.estimatorVersion})`,
    codes,
    edited,
    image: { mime: 'image/png', base64: bytes.toString('base64'), width, height },
  };
}

/** Photos of an album with estimates, in photo order. */
export function estimatedPhotos(source: PhotoSource, albumId: number): EstimatedPhoto[] {
  return new EstimateStore(source.db).listAlbum(albumId).map((e) => ({ photoId: e.photoId, fileName: requirePhoto(source.db, e.photoId).fileName, estimator: e.estimator }));
}
