/**
 * Training pairs of an album for stage 2, as upstream prepares them: each photo at the model's
 * size (the same loading editing uses) with its physical buffers rendered from the photo's
 * FLAME codes with the album's mean shape in place of its own.
 */
import type { ActiveHeadModel } from '../viewport/viewportService';
import { AppError } from '../api/errors';
import { PhysicalRenderer } from '../diffusion/buffers';
import { editCodes } from '../edit/codes';
import { EstimateStore } from '../edit/estimates';
import { loadModelImage } from '../diffusion/images';
import type { TaskPool } from '../jobs/pool';
import { blobPath } from '../library/paths';
import type { Project } from '../library/project';
import type { TrainingPair } from './trainer';

/** The album's pairs and what they were made from. */
export interface AlbumPairs {
  pairs: TrainingPair[];
  photoIds: number[];
  meanShape: number[];
}

/**
 * Builds the pairs of every photo of an album. Photos without FLAME codes are listed in one
 * clear error (estimation must run first). `signal` stops between photos.
 */
export async function albumTrainingPairs(
  deps: { project: Project; pool: Pick<TaskPool, 'run'>; head: ActiveHeadModel },
  albumId: number,
  size: number,
  options: { signal?: AbortSignal; onPhoto?: (done: number, total: number) => void } = {},
): Promise<AlbumPairs> {
  const { project } = deps;
  const photos = project.db.prepare('SELECT id, hash FROM photos WHERE albumId = @albumId ORDER BY id').all({ albumId }) as { id: number; hash: string }[];
  if (photos.length === 0) throw new AppError('invalid-params', `album ${albumId} has no photos to train on`);
  const estimates = new EstimateStore(project.db);
  const missing = photos.filter((p) => !estimates.get(p.id)).map((p) => p.id);
  if (missing.length > 0) {
    throw new AppError('invalid-params', `album ${albumId}: ${missing.length} of ${photos.length} photos have no FLAME codes (photos ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', …' : ''}); run estimation on the album first`);
  }
  const meanShape = estimates.albumMeanShape(albumId)!;
  const renderer = new PhysicalRenderer(deps.pool, deps.head);
  const pairs: TrainingPair[] = [];
  for (const [i, photo] of photos.entries()) {
    if (options.signal?.aborted) throw new Error('preparing the training pairs was cancelled');
    const codes = editCodes(estimates.require(photo.id).codes, null, [], meanShape);
    const { physical } = await renderer.render(codes, size);
    const image = await loadModelImage(blobPath(project.paths, photo.hash), size);
    pairs.push({ image, physical });
    options.onPhoto?.(i + 1, photos.length);
  }
  return { pairs, photoIds: photos.map((p) => p.id), meanShape };
}
