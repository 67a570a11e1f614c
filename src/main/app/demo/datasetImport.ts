/**
 * Imports a generated demo dataset (datasetFiles.ts) into an album: the photos through the
 * ordinary import job (so duplicates, thumbnails and blobs are handled like any photo), then
 * each photo's exact codes as its "demo-ground-truth" estimate (as the demo album's photos get
 * theirs), so the album can be fine-tuned or trained on, and edited, without estimation.
 * Idempotent: photos already in the album are not imported again, estimates are kept.
 */

import { join } from 'node:path';
import type { ImportResult } from '../../../common/contract';
import type { OpenProject } from '../../library/openProject';
import type { DatasetIndex } from './datasetFiles';
import { groundTruthEstimate } from './groundTruth';
import type { DemoScene } from './scenes';
import { hasEstimate, saveGroundTruth } from './store';

/** What an import did. */
export interface DatasetImportReport {
  albumId: number;
  imported: number;
  duplicates: number;
  estimated: number;
}

/** Imports `index` (read from `dir`/codes.json) into album `albumId`. */
export async function importDemoDataset(open: OpenProject, albumId: number, dir: string, index: DatasetIndex): Promise<DatasetImportReport> {
  const { project, jobs } = open;
  const job = jobs.start('import', { albumId, paths: index.photos.map((p) => join(dir, p.file)) });
  const ended = await jobs.wait(job.id);
  if (ended.state !== 'done') throw new Error(`importing ${dir} failed (import job ${job.id} ${ended.state}: ${ended.message ?? 'no message'})`);
  const result = ended.result as ImportResult;
  if (result.failed > 0) throw new Error(`importing ${dir}: ${result.errors.map((e) => `${e.fileName}: ${e.reason}`).join('; ')}`);

  const rows = project.db.prepare('SELECT id, fileName FROM photos WHERE albumId = @albumId ORDER BY id').all({ albumId }) as { id: number; fileName: string }[];
  const byName = new Map<string, number>();
  for (const row of rows) if (!byName.has(row.fileName)) byName.set(row.fileName, row.id);
  const version = `demo dataset seed ${index.seed}, ${index.size} px (exact render inputs of the demo head, not estimated)`;
  let estimated = 0;
  for (const [i, photo] of index.photos.entries()) {
    const fileName = photo.file.split('/').pop()!;
    const photoId = byName.get(fileName);
    if (photoId === undefined) throw new Error(`${fileName} from ${dir} is not in album ${albumId} after the import`);
    const scene: DemoScene = { index: i, fileName, title: photo.title, seed: index.seed, shape: photo.shape, expression: photo.expression, pose: photo.pose, cam: photo.cam, light: photo.light, background: photo.background };
    if (hasEstimate(project, photoId)) continue; // ours from an earlier run, or the user's: kept
    await saveGroundTruth(project, photoId, groundTruthEstimate(scene, photo.landmarks, { photoSize: index.size, version }));
    estimated++;
  }
  return { albumId, imported: result.imported, duplicates: result.duplicates, estimated };
}
