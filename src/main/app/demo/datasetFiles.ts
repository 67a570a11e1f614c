/**
 * Writes a generated demo dataset to a folder (`rig-studio demo dataset`):
 *
 *   DIR/images/<name>.png     the photos (size², importable as an album)
 *   DIR/buffers/<name>.npz    exact physical buffers at the photo size, as DiffusionRig takes
 *                             them: rendered, normal, albedo [3, S, S] float32 planar, mask [S, S]
 *   DIR/codes.json            per photo: file, title, FLAME codes (DECA layout, camera in the
 *                             photo's frame), 68 landmarks in photo pixels, background
 *   DIR/codes.npz             the same codes batched (shape, exp, pose, cam, light, landmarks),
 *                             rows in codes.json's order; the 3D viewport's "Load .npz…" reads it
 *   DIR/dataset.json          what was asked for (written first: it marks the folder as ours)
 *
 * Every file is written atomically, so a killed run leaves complete files only; running the
 * same command again (same seed, size and count) renders only what is missing. A folder that
 * holds another dataset (or anything else) is refused. Renders run in the worker pool.
 */

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { toPlanar } from '../../../common/render/decaBuffers';
import { FlameRenderService } from '../../flame/renderTask';
import { writeNpz } from '../../io/npy';
import type { WorkerPool } from '../workerTasks';
import { writeFileAtomic } from '../../library/atomicFile';
import { defaultDemoHeadDir, loadHeadModel, locateHeadModel } from '../../head/activeModel';
import type { Background } from './backgrounds';
import { datasetScenes } from './dataset';
import { headTexture, renderDemoScene } from './render';
import type { DemoScene } from './scenes';

/** Marks our dataset folders. */
export const datasetFormat = 'rig-studio-demo-dataset/1';

/** What the generator is asked for. */
export interface DatasetRequest {
  outDir: string;
  count: number;
  /** Photo side in pixels (64–1024). */
  size: number;
  seed: number;
}

/** One photo's entry in codes.json. */
export interface DatasetPhoto {
  file: string;
  title: string;
  shape: number[];
  expression: number[];
  pose: number[];
  /** Orthographic camera (s, tx, ty) of the photo itself. */
  cam: [number, number, number];
  light: number[];
  /** 68 landmarks in photo pixels (edge coordinates). */
  landmarks: [number, number][];
  background: Background;
}

/** codes.json. */
export interface DatasetIndex {
  format: typeof datasetFormat;
  head: string;
  seed: number;
  count: number;
  size: number;
  photos: DatasetPhoto[];
}

/** Checks a request; throws a message naming what is wrong. */
export function checkDatasetRequest(request: DatasetRequest): void {
  const { count, size, seed } = request;
  if (!Number.isInteger(count) || count < 1 || count > 100_000) throw new Error(`--count must be a whole number from 1 to 100000, got ${count}`);
  if (!Number.isInteger(size) || size < 64 || size > 1024) throw new Error(`--size must be a whole number of pixels from 64 to 1024, got ${size}`);
  if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 31) throw new Error(`--seed must be a non-negative integer, got ${seed}`);
}

/** dataset.json: the request, written before anything else. */
interface DatasetMarker {
  format: typeof datasetFormat;
  seed: number;
  count: number;
  size: number;
}

function readMarker(path: string): DatasetMarker | null {
  try {
    const marker = JSON.parse(readFileSync(path, 'utf8')) as DatasetMarker;
    return marker.format === datasetFormat ? marker : null;
  } catch {
    return null;
  }
}

/** The folder must be new, empty, or this same dataset (a run to finish or to repeat). */
function checkFolder(request: DatasetRequest): void {
  const { outDir } = request;
  if (!existsSync(outDir)) return;
  const entries = readdirSync(outDir);
  if (entries.length === 0) return;
  const marker = entries.includes('dataset.json') ? readMarker(join(outDir, 'dataset.json')) : null;
  if (!marker) throw new Error(`${outDir}: the folder is not empty and holds no Rig Studio demo dataset; choose a new or empty folder`);
  for (const key of ['seed', 'size', 'count'] as const) {
    if (marker[key] !== request[key]) throw new Error(`${outDir}: holds a demo dataset with ${key} ${marker[key]}, not ${request[key]}; choose another folder`);
  }
}

function stem(fileName: string): string {
  return fileName.replace(/\.png$/, '');
}

/** Where each file of a scene goes. */
function scenePaths(outDir: string, scene: DemoScene): { image: string; buffers: string; landmarks: string } {
  const name = stem(scene.fileName);
  return { image: join(outDir, 'images', scene.fileName), buffers: join(outDir, 'buffers', `${name}.npz`), landmarks: join(outDir, '.tmp', `${name}.landmarks.json`) };
}

/** What one run did. */
export interface DatasetReport {
  index: DatasetIndex;
  rendered: number;
  /** Scenes a previous (killed or cancelled) run had finished already. */
  kept: number;
}

/**
 * Renders the dataset into `request.outDir`. `onProgress` reports after each photo; `signal`
 * stops between photos (what is done stays; the same command finishes it).
 */
export async function writeDemoDataset(
  request: DatasetRequest,
  deps: { pool: WorkerPool; demoHeadDir?: string; signal?: AbortSignal; onProgress?: (done: number, total: number) => void },
): Promise<DatasetReport> {
  checkDatasetRequest(request);
  checkFolder(request);
  const { outDir, size } = request;
  const tmp = join(outDir, '.tmp');
  const marker: DatasetMarker = { format: datasetFormat, seed: request.seed, count: request.count, size };
  await writeFileAtomic(join(outDir, 'dataset.json'), Buffer.from(JSON.stringify(marker, null, 1)), tmp);
  const scenes = datasetScenes(request.seed, request.count);
  const head = await loadHeadModel(locateHeadModel({ flameFiles: () => null, demoHeadDir: deps.demoHeadDir ?? defaultDemoHeadDir() }));
  const texture = headTexture(head);
  const service = new FlameRenderService(deps.pool);
  const landmarks = new Map<number, [number, number][]>();
  let done = 0;
  let kept = 0;

  const renderOne = async (scene: DemoScene) => {
    const paths = scenePaths(outDir, scene);
    if (existsSync(paths.image) && existsSync(paths.buffers) && existsSync(paths.landmarks)) {
      landmarks.set(scene.index, JSON.parse(readFileSync(paths.landmarks, 'utf8')) as [number, number][]);
      kept++;
    } else {
      const photo = await renderDemoScene(service, head, texture, scene, size);
      const codes = { shape: scene.shape, expression: scene.expression, pose: scene.pose, camera: scene.cam, light: scene.light };
      const { buffers } = await service.render(`demo:${head.key}`, head.model, codes, { size, texture });
      const plane = size * size;
      const planar = (data: Float32Array) => toPlanar(data, size, size, 3, new Float32Array(3 * plane));
      const npz = writeNpz({
        rendered: { dtype: 'float32', shape: [3, size, size], data: planar(buffers.rendered) },
        normal: { dtype: 'float32', shape: [3, size, size], data: planar(buffers.normal) },
        albedo: { dtype: 'float32', shape: [3, size, size], data: planar(buffers.albedo) },
        mask: { dtype: 'float32', shape: [size, size], data: buffers.mask },
      });
      // the landmarks file goes last: its presence says the scene is complete
      await writeFileAtomic(paths.image, photo.png, tmp);
      await writeFileAtomic(paths.buffers, npz, tmp);
      await writeFileAtomic(paths.landmarks, Buffer.from(JSON.stringify(photo.landmarks)), tmp);
      landmarks.set(scene.index, photo.landmarks);
    }
    done++;
    deps.onProgress?.(done, scenes.length);
  };

  // one scene per worker first so each worker receives the head model once, then the rest
  const width = Math.max(1, deps.pool.size);
  for (let start = 0; start < scenes.length; start += width) {
    if (deps.signal?.aborted) throw new Error(`cancelled after ${done} of ${scenes.length} photos; run the same command again to finish`);
    await Promise.all(scenes.slice(start, start + width).map(renderOne));
  }

  const photos: DatasetPhoto[] = scenes.map((scene) => ({
    file: `images/${scene.fileName}`,
    title: scene.title,
    shape: scene.shape,
    expression: scene.expression,
    pose: scene.pose,
    cam: scene.cam,
    light: scene.light,
    landmarks: landmarks.get(scene.index)!,
    background: scene.background,
  }));
  const index: DatasetIndex = { format: datasetFormat, head: 'Rig Studio demo head (procedural, not FLAME)', seed: request.seed, count: request.count, size, photos };
  const rows = photos.length;
  const batched = (pick: (p: DatasetPhoto) => number[], shape: number[]) => ({ dtype: 'float32' as const, shape: [rows, ...shape], data: Float32Array.from(photos.flatMap(pick)) });
  await writeFileAtomic(join(outDir, 'codes.npz'), writeNpz({
    shape: batched((p) => p.shape, [100]),
    exp: batched((p) => p.expression, [50]),
    pose: batched((p) => p.pose, [6]),
    cam: batched((p) => p.cam, [3]),
    light: batched((p) => p.light, [9, 3]),
    landmarks: batched((p) => p.landmarks.flat(), [68, 2]),
  }), tmp);
  await writeFileAtomic(join(outDir, 'codes.json'), Buffer.from(JSON.stringify(index, null, 1)), tmp);
  return { index, rendered: scenes.length - kept, kept };
}
