/**
 * FLAME evaluation + DECA buffer rendering as a worker-thread task (registered in
 * src/main/app/workerTasks.ts as 'renderFlame'), so the Electron main thread never rasterises.
 *
 * Models are large (tens of MB), so each worker keeps the last few it was sent, keyed by
 * `modelKey`: a request without `model` for a key the worker has not seen answers
 * `{ needModel: true }` and FlameRenderService sends it again with the model.
 */

import { ambientLight, defaultCamera, FlameEvaluator } from '../../common/flame/evaluate';
import { ndcToPixels, orthographicProject } from '../../common/flame/geometry';
import type { FlameModel } from '../../common/flame/model';
import type { SkinningCodes } from '../../common/flame/codes';
import type { DecaBuffers, Texture } from '../../common/render/decaBuffers';
import { createDecaBuffers, renderDecaBuffers } from '../../common/render/decaBuffers';
import type { TaskPool } from '../jobs/pool';

export interface RenderFlameInput {
  modelKey: string;
  model?: FlameModel;
  codes: SkinningCodes;
  /** Image size in pixels (square; default 256). */
  size?: number;
  texture?: Texture | null;
  flatAlbedo?: [number, number, number];
}

export interface RenderFlameResult {
  needModel: false;
  buffers: DecaBuffers;
  /** DECA landmarks2d projected to pixels of the image (68 × 2), empty without an embedding. */
  landmarks: Float64Array;
  /** Projected vertices (DECA trans_verts), V × 3. */
  projected: Float64Array;
}

export type RenderFlameOutput = RenderFlameResult | { needModel: true };

const cache = new Map<string, FlameEvaluator>();
const cacheLimit = 2;

/** The task body: evaluate FLAME for the codes and render DECA's buffers. */
export async function renderFlameTask(input: RenderFlameInput): Promise<RenderFlameOutput> {
  let evaluator = cache.get(input.modelKey);
  if (!evaluator) {
    if (!input.model) return { needModel: true };
    evaluator = new FlameEvaluator(input.model);
    cache.set(input.modelKey, evaluator);
    while (cache.size > cacheLimit) cache.delete(cache.keys().next().value as string);
  }
  const model = evaluator.model;
  const size = input.size ?? 256;
  const frame = evaluator.evaluate(input.codes);
  const buffers = renderDecaBuffers({
    projected: frame.projected, normals: frame.normals, faces: model.faces,
    light: input.codes.light ?? ambientLight(),
    uv: model.uv, texture: input.texture ?? undefined, flatAlbedo: input.flatAlbedo,
  }, createDecaBuffers(size));
  // Landmarks go through the same camera as the vertices, then to pixels.
  const landmarks = ndcToPixels(orthographicProject(frame.landmarks2d, input.codes.camera ?? defaultCamera), size);
  return { needModel: false, buffers, landmarks, projected: frame.projected.slice() };
}


/** The worker tasks FLAME rendering needs from a pool. */
export type FlameTasks = { renderFlame: typeof renderFlameTask };

/** Renders through a worker pool, sending a model to workers only when they lack it. */
export class FlameRenderService {
  constructor(private readonly pool: Pick<TaskPool<FlameTasks>, 'run'>) {}

  /** DECA buffers (and projected landmarks) for `codes` on `model` (identified by `modelKey`). */
  async render(modelKey: string, model: FlameModel, codes: SkinningCodes, options: Omit<RenderFlameInput, 'modelKey' | 'model' | 'codes'> = {}): Promise<RenderFlameResult> {
    const first = await this.pool.run('renderFlame', { modelKey, codes, ...options });
    if (!first.needModel) return first;
    const second = await this.pool.run('renderFlame', { modelKey, model, codes, ...options });
    if (second.needModel) throw new Error('render worker did not keep the model it was sent');
    return second;
  }
}
