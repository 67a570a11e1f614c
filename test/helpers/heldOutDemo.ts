/**
 * A project of held-out demo photos for measuring edits against ground truth (bench/quality and
 * its test): a generated demo dataset with a seed the Demo base model never saw (its recipe
 * trains on seed 12), imported with its exact codes, and the shipped Demo base model registered.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Backend } from '../../src/main/app/backend';
import type { OpenProject } from '../../src/main/library/openProject';
import { importDemoDataset } from '../../src/main/app/demo/datasetImport';
import { writeDemoDataset, type DatasetIndex } from '../../src/main/app/demo/datasetFiles';
import type { DemoScene } from '../../src/main/app/demo/scenes';
import { EditService } from '../../src/main/edit/service';
import type { QualityDeps, QualityPhoto } from '../../src/main/evaluate/quality';
import { FlameRenderService } from '../../src/main/flame/renderTask';
import { ensureDemoModel } from '../../src/main/models/demoModel';
import type { ModelRecord } from '../../src/main/models/registry';
import { defaultDemoHeadDir, loadHeadModel, locateHeadModel } from '../../src/main/head/activeModel';

export interface HeldOutDemo {
  backend: Backend;
  open: OpenProject;
  photos: QualityPhoto[];
  /** The shipped Demo base model, or null when this checkout has none. */
  model: ModelRecord | null;
  deps: QualityDeps;
}

/** Builds the project in `dir` (new or empty); `backend.close()` when done. */
export async function heldOutDemo(dir: string, options: { seed: number; count: number; size?: number }): Promise<HeldOutDemo> {
  const backend = new Backend({ mode: 'serve', dataDir: join(dir, 'data'), workerScript: 'inline' });
  await backend.createProject(join(dir, 'project'), 'held-out demo photos');
  const open = backend.require();
  const album = open.library.createAlbum('held-out');
  const outDir = join(dir, 'dataset');
  await writeDemoDataset({ outDir, count: options.count, size: options.size ?? 128, seed: options.seed }, { pool: backend.pool });
  const index = JSON.parse(readFileSync(join(outDir, 'codes.json'), 'utf8')) as DatasetIndex;
  await importDemoDataset(open, album.id, outDir, index);
  const ids = new Map((open.project.db.prepare('SELECT id, fileName FROM photos WHERE albumId = @albumId').all({ albumId: album.id }) as { id: number; fileName: string }[]).map((r) => [r.fileName, r.id]));
  const photos = index.photos.map((p, i): QualityPhoto => {
    const fileName = p.file.split('/').pop()!;
    const scene: DemoScene = { index: i, fileName, title: p.title, seed: index.seed, shape: p.shape, expression: p.expression, pose: p.pose, cam: p.cam, light: p.light, background: p.background };
    return { photoId: ids.get(fileName)!, scene };
  });
  const model = await ensureDemoModel(open.project, { pool: backend.pool });
  const head = await loadHeadModel(locateHeadModel({ flameFiles: () => null, demoHeadDir: defaultDemoHeadDir() }));
  const deps: QualityDeps = {
    edit: new EditService(backend.edit, open.project, backend.pool, open.jobs),
    waitJob: (jobId) => open.jobs.wait(jobId),
    engine: backend.engine,
    render: new FlameRenderService(backend.pool),
    head,
    file: (relativePath) => join(open.project.dir, relativePath),
  };
  return { backend, open, photos, model, deps };
}
