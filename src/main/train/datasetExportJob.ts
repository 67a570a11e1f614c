/**
 * The 'dataset-export' job: albums → a training set in upstream's LMDB layout (lmdbDataset.ts)
 * for stage-1 training elsewhere (upstream's or the v2 PyTorch code under MPI on a multi-GPU
 * box). Each photo (its estimate's aligned crop when it has one: the frame of its codes' camera,
 * as Edit uses it) is loaded at the chosen size the way training here loads images, and its
 * buffers are rendered from its FLAME codes (the album mean shape in their place with
 * `meanShape`, as create_data.py's --use_meanshape) by the head model in use, in the worker
 * threads. `estimator` makes sure every photo's codes came from that estimator. A v2 set adds
 * `shape_i` (the β the buffers used) and `identity_i` ([β, the photo's albedo code]).
 */
import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DatasetExportParams, DatasetExportResult } from '../../common/contract/dataset';
import { datasetExportParamsSchema } from '../../common/contract/dataset';
import { meanOf } from '../../common/flame/codes';
import { AppError } from '../core/errors';
import { PhysicalRenderer } from '../diffusion/buffers';
import { encodePng, loadModelImage, quantise } from '../diffusion/images';
import { editCodes } from '../edit/codes';
import { EstimateStore } from '../estimate/store';
import { ModelAssetStore } from '../flame/assets';
import type { FlameTasks } from '../flame/renderTask';
import type { ActiveHeadModel } from '../head/activeModel';
import { defaultDemoHeadDir, flameFilesFrom, headModelDeps } from '../head/activeModel';
import type { TaskPool } from '../jobs/pool';
import { defineJobKind } from '../jobs/types';
import { blobPath } from '../library/paths';
import type { Project } from '../library/project';
import { resolveDataDir } from '../settings/dataDir';
import type { DatasetRecord } from './lmdbDataset';
import { writeTrainingLmdb } from './lmdbDataset';

export type { DatasetExportParams, DatasetExportResult };

interface ExportPhoto {
  id: number;
  hash: string;
}

/** The photos of the albums (in album order, then id), each with codes, checked against `estimator`. */
function exportPhotos(project: Project, estimates: EstimateStore, p: DatasetExportParams): ExportPhoto[] {
  const photos: ExportPhoto[] = [];
  for (const albumId of [...new Set(p.albumIds)]) {
    const rows = project.db.prepare('SELECT id, hash FROM photos WHERE albumId = @albumId ORDER BY id').all({ albumId }) as ExportPhoto[];
    if (rows.length === 0) throw new AppError('invalid-params', `album ${albumId} has no photos to export`);
    photos.push(...rows);
  }
  const missing = photos.filter((photo) => !estimates.codes(photo.id)).map((photo) => photo.id);
  if (missing.length > 0) throw new AppError('invalid-params', `${missing.length} of ${photos.length} photos have no FLAME codes (photos ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', …' : ''}); run estimation first`);
  if (p.estimator) {
    const other = photos.filter((photo) => estimates.requireCodes(photo.id).estimator !== p.estimator);
    if (other.length > 0) {
      const names = [...new Set(other.map((photo) => estimates.requireCodes(photo.id).estimator))].join(', ');
      throw new AppError('invalid-params', `${other.length} of ${photos.length} photos have codes from ${names}, not ${p.estimator} (photos ${other.slice(0, 10).map((photo) => photo.id).join(', ')}); estimate them with ${p.estimator} first, or export without --estimator`);
    }
  }
  return photos;
}

/** The photo's albedo (texture) code: 50 values of its estimate's DECA layout, at [100, 150). */
function albedoCode(estimates: EstimateStore, photoId: number): Float32Array {
  const estimate = estimates.get(photoId);
  if (!estimate) throw new AppError('invalid-params', `photo ${photoId} has codes but no estimate record, so no albedo code for a v2 identity; estimate it again`);
  return estimate.code.slice(100, 150);
}

export function datasetExportJobKind(deps: { project: Project; pool: TaskPool<FlameTasks>; headModel?: () => Promise<ActiveHeadModel> }) {
  const headModel = deps.headModel ?? (() => headModelDeps({ flameFiles: flameFilesFrom(new ModelAssetStore(resolveDataDir())), demoHeadDir: defaultDemoHeadDir() }).loadActiveModel());
  return defineJobKind<DatasetExportParams>({
    kind: 'dataset-export',
    params: datasetExportParamsSchema,
    title: (p) => `Export a training set (${p.imageSize} px${p.layout === 'v2' ? ', v2' : ''}) of album${p.albumIds.length > 1 ? 's' : ''} ${p.albumIds.join(', ')}`,
    async run(ctx): Promise<DatasetExportResult> {
      const { project } = deps;
      const p = ctx.params;
      const out = resolve(p.out);
      const estimates = new EstimateStore(project.db);
      const photos = exportPhotos(project, estimates, p);
      const shapes = photos.map((photo) => estimates.requireCodes(photo.id).codes.shape);
      const mean = meanOf(shapes)!;
      const renderer = new PhysicalRenderer(deps.pool, await headModel());
      // the image the codes' camera refers to: the estimate's aligned crop when there is one (as Edit uses), else the photo
      const imageFile = (photo: ExportPhoto) => {
        const aligned = estimates.get(photo.id)?.alignedPath;
        return aligned && existsSync(join(project.dir, aligned)) ? join(project.dir, aligned) : blobPath(project.paths, photo.hash);
      };
      const size = p.imageSize;
      const plane = 3 * size * size;
      async function* records(): AsyncIterable<DatasetRecord> {
        for (const photo of photos) {
          if (ctx.signal.aborted) throw new Error('the export was cancelled');
          const codes = editCodes(estimates.requireCodes(photo.id).codes, null, [], p.meanShape ? mean : null);
          const { physical } = await renderer.render(codes, size);
          const image = await loadModelImage(imageFile(photo), size);
          const record: DatasetRecord = {
            imagePng: await encodePng(quantise(image, size), size),
            rendered: physical.slice(0, plane),
            normal: physical.slice(plane, 2 * plane),
            albedo: physical.slice(2 * plane, 3 * plane),
          };
          if (p.layout === 'v2') {
            record.shape = Float32Array.from(codes.shape);
            record.identity = Float32Array.from([...codes.shape, ...albedoCode(estimates, photo.id)]);
          }
          yield record;
        }
      }
      ctx.progress(0, `writing ${photos.length} records to ${out}`);
      try {
        await writeTrainingLmdb(out, { size, count: photos.length, meanShape: mean }, records(), (done) => ctx.progress(done / photos.length, `record ${done}/${photos.length}`));
      } catch (error) {
        // a half-written set is no training set: remove it unless the folder held one before
        if (!(error instanceof Error && error.message.endsWith('choose an empty folder for the training set'))) {
          for (const name of ['data.mdb', 'lock.mdb', 'mean_shape.pkl']) rmSync(join(out, name), { force: true });
        }
        throw error;
      }
      const result: DatasetExportResult = {
        out,
        length: photos.length,
        imageSize: size,
        layout: p.layout,
        meanShape: p.meanShape,
        estimators: [...new Set(photos.map((photo) => estimates.requireCodes(photo.id).estimator))],
      };
      ctx.setResult(result);
      ctx.progress(1, `${photos.length} records in ${join(out, 'data.mdb')}`);
      return result;
    },
  });
}
