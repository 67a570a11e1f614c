/**
 * Training pairs of an album, as upstream prepares them: each photo at the model's size (the
 * same loading editing uses) with its physical buffers rendered from the photo's FLAME codes:
 * for stage 2 with the album's mean shape in place of its own (shape 'mean'), for stage 1
 * (upstream's FFHQ training) with each photo's own codes (shape 'own').
 */
import type { CodeEstimator, FaceCondition } from '../../common/contract/models';
import { faceConditionValues } from '../edit/faceCondition';
import { codeEstimators } from '../../common/contract/models';
import type { ActiveHeadModel } from '../head/activeModel';
import { AppError } from '../core/errors';
import { PhysicalRenderer } from '../diffusion/buffers';
import { editCodes } from '../edit/codes';
import { EstimateStore } from '../estimate/store';
import { loadModelImage } from '../diffusion/images';
import type { FlameTasks } from '../flame/renderTask';
import type { TaskPool } from '../jobs/pool';
import { readableBlob } from '../library/confined';
import type { Project } from '../library/project';
import type { TrainingPair } from './trainer';

/**
 * Which estimators made the codes of `photoIds` (counts by the name stored with the codes),
 * and the one estimator a model trained on them records: the estimator every photo's codes
 * came from when that is DECA, EMOCA or landmark fitting, else null (mixed or unknown).
 */
export function trainingEstimator(estimates: EstimateStore, photoIds: readonly number[]): { estimator: CodeEstimator | null; counts: Record<string, number> } {
  const counts: Record<string, number> = {};
  for (const id of photoIds) {
    const name = estimates.codes(id)?.estimator ?? 'none';
    counts[name] = (counts[name] ?? 0) + 1;
  }
  const names = Object.keys(counts);
  const only = names.length === 1 ? names[0] : null;
  return { estimator: only && (codeEstimators as readonly string[]).includes(only) ? (only as CodeEstimator) : null, counts };
}

/** The album's pairs and what they were made from. */
export interface AlbumPairs {
  pairs: TrainingPair[];
  photoIds: number[];
  /** The album's mean shape (used in the buffers only with shape 'mean'). */
  meanShape: number[];
}

/**
 * Builds the pairs of every photo of an album. Photos without FLAME codes are listed in one
 * clear error (estimation must run first). `signal` stops between photos.
 */
export async function albumTrainingPairs(
  deps: { project: Project; pool: Pick<TaskPool<FlameTasks>, 'run'>; head: ActiveHeadModel },
  albumId: number,
  size: number,
  options: { signal?: AbortSignal; onPhoto?: (done: number, total: number) => void; shape?: 'mean' | 'own'; faceCondition?: FaceCondition } = {},
): Promise<AlbumPairs> {
  const { project } = deps;
  const photos = project.db.prepare('SELECT id, hash FROM photos WHERE albumId = @albumId ORDER BY id').all({ albumId }) as { id: number; hash: string }[];
  if (photos.length === 0) throw new AppError('invalid-params', `album ${albumId} has no photos to train on`);
  const estimates = new EstimateStore(project.db);
  const missing = photos.filter((p) => !estimates.codes(p.id)).map((p) => p.id);
  if (missing.length > 0) {
    throw new AppError('invalid-params', `album ${albumId}: ${missing.length} of ${photos.length} photos have no FLAME codes (photos ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', …' : ''}); run estimation on the album first`);
  }
  const meanShape = estimates.albumMeanShape(albumId)!;
  const renderer = new PhysicalRenderer(deps.pool, deps.head);
  const pairs: TrainingPair[] = [];
  for (const [i, photo] of photos.entries()) {
    if (options.signal?.aborted) throw new Error('preparing the training pairs was cancelled');
    const used = estimates.requireCodes(photo.id);
    const codes = editCodes(used.codes, null, [], options.shape === 'own' ? null : meanShape);
    const { physical } = await renderer.render(codes, size);
    const image = await loadModelImage(readableBlob(project.paths, photo.hash), size);
    const pair: TrainingPair = { image, physical };
    if (options.faceCondition) {
      // EMO v2: shape and identity as its trainer feeds them (stage 2: the album mean shape)
      const packed = estimates.estimatorCodes(photo.id, used.estimator);
      const values = faceConditionValues(options.faceCondition, { what: `photo ${photo.id}`, shape: used.codes.shape, estimator: packed ? used.estimator : null, packedCode: packed?.code ?? null }, options.shape === 'own' ? null : meanShape);
      pair.shape = Float32Array.from(values.shape);
      pair.identity = Float32Array.from(values.identity);
    }
    pairs.push(pair);
    options.onPhoto?.(i + 1, photos.length);
  }
  return { pairs, photoIds: photos.map((p) => p.id), meanShape };
}

/**
 * Stage-1 pairs over several albums: each photo's buffers from its own codes, albums in the
 * order given, a photo in two albums once (photos belong to one album, so only a repeated album
 * id can repeat one). `onPhoto` counts over all albums.
 */
export async function albumsTrainingPairs(
  deps: { project: Project; pool: Pick<TaskPool<FlameTasks>, 'run'>; head: ActiveHeadModel },
  albumIds: readonly number[],
  size: number,
  options: { signal?: AbortSignal; onPhoto?: (done: number, total: number) => void; faceCondition?: FaceCondition } = {},
): Promise<{ pairs: TrainingPair[]; photoIds: number[] }> {
  const unique = [...new Set(albumIds)];
  const count = (id: number) => (deps.project.db.prepare('SELECT COUNT(*) AS n FROM photos WHERE albumId = @id').get({ id }) as { n: number }).n;
  const total = unique.reduce((a, id) => a + count(id), 0);
  const pairs: TrainingPair[] = [];
  const photoIds: number[] = [];
  for (const id of unique) {
    const before = pairs.length;
    const album = await albumTrainingPairs(deps, id, size, { signal: options.signal, shape: 'own', faceCondition: options.faceCondition, onPhoto: (done) => options.onPhoto?.(before + done, total) });
    pairs.push(...album.pairs);
    photoIds.push(...album.photoIds);
  }
  return { pairs, photoIds };
}
