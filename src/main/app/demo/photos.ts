/**
 * The demo step that fills the "Demo" album: twelve renders of the demo head (scenes.ts),
 * imported through the ordinary import job (blobs, thumbnails, duplicate check like any photo),
 * then given their exact FLAME codes as estimates (groundTruth.ts).
 *
 * Idempotent and crash-safe: each run looks at what the album already has and only does the
 * rest. Renders are staged atomically under derived/demo/v<N>/ (kept until imported, so an
 * import that a killed process left interrupted is resumed on the next open instead of being
 * started again); a photo that already has an estimate (ours, or one the user made) keeps it.
 */

import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ImportResult } from '../../../common/contract';
import { FlameEvaluator } from '../../../common/flame/evaluate';
import { ndcToPixels, orthographicProject } from '../../../common/flame/geometry';
import { FlameRenderService } from '../../flame/renderTask';
import type { WorkerPool } from '../workerTasks';
import { writeFileAtomic } from '../../library/atomicFile';
import type { Project } from '../../library/project';
import { defaultDemoHeadDir, loadHeadModel, locateHeadModel } from '../../head/activeModel';
import type { ActiveHeadModel } from '../../head/activeModel';
import type { OpenProject } from '../../library/openProject';
import { groundTruthEstimate } from './groundTruth';
import { headTexture, renderDemoScene } from './render';
import { demoPhotoSize, demoScenes, demoScenesVersion, type DemoScene } from './scenes';
import { hasEstimate, saveGroundTruth } from './store';

/** Name of the album the demo fills. */
export const demoAlbumName = 'Demo';

/** What the demo photo step needs besides the open project. */
export interface DemoPhotoDeps {
  /** Worker threads that render (the Backend's pool). */
  pool: WorkerPool;
  /** Where the demo head is (default: the app's resources/demo-head). */
  demoHeadDir?: string;
}

/** What one run did (for tests and logs). */
export interface DemoPhotoReport {
  rendered: number;
  imported: number;
  estimated: number;
}

const heads = new Map<string, Promise<ActiveHeadModel>>();

/** The demo head (always the demo head: the photos are its renders, whatever FLAME Settings name). */
function demoHead(dir: string): Promise<ActiveHeadModel> {
  const location = locateHeadModel({ flameFiles: () => null, demoHeadDir: dir });
  let head = heads.get(location.key);
  if (!head) {
    head = loadHeadModel(location);
    head.catch(() => heads.delete(location.key));
    heads.set(location.key, head);
  }
  return head;
}

/** The folder the renders are staged in before import. */
export function demoStagingDir(project: Project): string {
  return join(project.paths.derived, 'demo', `v${demoScenesVersion}`);
}

/** Demo photos present in the album, by file name. */
function presentPhotos(project: Project, albumId: number, scenes: DemoScene[]): Map<string, number> {
  const rows = project.db
    .prepare(`SELECT id, fileName FROM photos WHERE albumId = @albumId AND fileName IN (${scenes.map((_, i) => `@f${i}`).join(', ')}) ORDER BY id`)
    .all({ albumId, ...Object.fromEntries(scenes.map((s, i) => [`f${i}`, s.fileName])) }) as { id: number; fileName: string }[];
  const out = new Map<string, number>();
  for (const row of rows) if (!out.has(row.fileName)) out.set(row.fileName, row.id);
  return out;
}

/** An import of staged demo renders into this album that a killed process left unfinished. */
function unfinishedImport(open: OpenProject, albumId: number, staging: string): number | null {
  for (const job of open.jobs.list(200)) {
    if (job.kind !== 'import' || !['interrupted', 'failed', 'cancelled'].includes(job.state)) continue;
    const params = open.jobs.params<{ albumId: number; paths: string[] }>(job.id);
    if (params.albumId === albumId && params.paths.every((p) => p.startsWith(staging) && existsSync(p))) return job.id;
  }
  return null;
}

/** The scene's 68 landmarks in pixels of a size² photo, straight from its codes (the render's own camera). */
export function sceneLandmarks(evaluator: FlameEvaluator, scene: DemoScene, size = demoPhotoSize): [number, number][] {
  const frame = evaluator.evaluate({ shape: scene.shape, expression: scene.expression, pose: scene.pose, camera: scene.cam }, { shading: false });
  if (frame.landmarks2d.length === 0) throw new Error('the demo head has no landmark embedding');
  const pixels = ndcToPixels(orthographicProject(frame.landmarks2d, scene.cam), size);
  const out: [number, number][] = [];
  for (let i = 0; i < pixels.length; i += 2) out.push([pixels[i], pixels[i + 1]]);
  return out;
}

async function importStaged(open: OpenProject, albumId: number, paths: string[], staging: string): Promise<number> {
  const resumable = unfinishedImport(open, albumId, staging);
  const job = resumable !== null ? open.jobs.resume(resumable) : open.jobs.start('import', { albumId, paths });
  const ended = await open.jobs.wait(job.id);
  if (ended.state !== 'done') throw new Error(`the demo photos could not be imported (import job ${job.id} ${ended.state}: ${ended.message ?? 'no message'})`);
  const result = ended.result as ImportResult;
  if (result.failed > 0) throw new Error(`the demo photos could not be imported: ${result.errors.map((e) => `${e.fileName}: ${e.reason}`).join('; ')}`);
  return result.imported;
}

/**
 * Makes sure the Demo album holds the twelve demo renders, each with its ground-truth estimate.
 * Runs again after a crash or a deleted photo and only adds what is missing.
 */
export async function ensureDemoPhotos(open: OpenProject, deps: DemoPhotoDeps): Promise<DemoPhotoReport> {
  const { project, library } = open;
  const album = library.listAlbums().find((a) => a.name === demoAlbumName);
  if (!album) throw new Error(`the demo project has no '${demoAlbumName}' album`);
  const scenes = demoScenes();
  const staging = demoStagingDir(project);
  const report: DemoPhotoReport = { rendered: 0, imported: 0, estimated: 0 };
  let head: ActiveHeadModel | null = null;
  const loadHead = async () => (head ??= await demoHead(deps.demoHeadDir ?? defaultDemoHeadDir()));

  // twice at most: a resumed import may hold only some of what is missing now
  for (let round = 0; round < 2; round++) {
    const present = presentPhotos(project, album.id, scenes);
    const missing = scenes.filter((s) => !present.has(s.fileName));
    if (missing.length === 0) break;
    const model = await loadHead();
    const service = new FlameRenderService(deps.pool);
    const texture = headTexture(model);
    const toRender = missing.filter((s) => !existsSync(join(staging, s.fileName)));
    const render = async (scene: DemoScene) => {
      const { png } = await renderDemoScene(service, model, texture, scene);
      await writeFileAtomic(join(staging, scene.fileName), png, project.paths.tmp);
    };
    // One scene per worker first, so each worker receives the (large) model once; then the
    // rest at once, spread over the warm workers.
    const warmUp = Math.max(1, deps.pool.size);
    await Promise.all(toRender.slice(0, warmUp).map(render));
    await Promise.all(toRender.slice(warmUp).map(render));
    report.rendered += toRender.length;
    report.imported += await importStaged(open, album.id, missing.map((s) => join(staging, s.fileName)), staging);
  }

  const present = presentPhotos(project, album.id, scenes);
  const unestimated = scenes.filter((s) => present.has(s.fileName) && !hasEstimate(project, present.get(s.fileName)!));
  if (unestimated.length > 0) {
    const evaluator = new FlameEvaluator((await loadHead()).model);
    for (const scene of unestimated) {
      await saveGroundTruth(project, present.get(scene.fileName)!, groundTruthEstimate(scene, sceneLandmarks(evaluator, scene)));
      report.estimated++;
    }
  }
  // every render is in the album now: the staged copies are no longer needed
  if (scenes.every((s) => present.has(s.fileName))) await rm(join(project.paths.derived, 'demo'), { recursive: true, force: true });
  return report;
}
