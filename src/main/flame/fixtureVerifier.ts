/**
 * Compares this app's FLAME evaluation with reference outputs of DECA's FLAME class: a
 * directory holding `generic_model.pkl` and `reference.npz` (inputs shape/exp/pose/cam/light,
 * outputs vertices, landmarks2d, landmarks3d, vertex_normals, projected, vertex_shading).
 */

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FixtureVerifier } from '../core/verifier';
import { FlameEvaluator } from '../../common/flame/evaluate';
import { shadeNormals, vertexNormals } from '../../common/flame/geometry';
import type { NdArray } from '../io/ndarray';
import { toFloat64 } from '../io/ndarray';
import { readNpz } from '../io/npy';
import { loadLandmarkEmbedding } from './landmarkEmbedding';
import { loadFlameModel } from './loadModel';

export interface FlameFixtureCheck {
  name: string;
  worstRelativeError: number;
  tolerance: number;
  ok: boolean;
}

/**
 * Output arrays compared, with the relative tolerance float32 upstream arithmetic supports.
 *
 * Normals (and the shading computed from them) are ill-conditioned on FLAME: a few vertices
 * (eye and mouth corners) have neighbouring face normals that nearly cancel (|Σ n_f| ≈ 1e-6),
 * so float32 rounding of DECA's vertices (≈ 1e-7 relative) moves those normals by up to
 * ≈ 1e-3. End to end they are held to 1e-3; the `@reference` rows feed the reference's own
 * vertices (normals) and normals (shading) through our formulas and are held to 1e-5.
 */
export const flameFixtureTolerances: Record<string, number> = {
  vertices: 1e-5,
  landmarks2d: 1e-5,
  landmarks3d: 1e-5,
  vertex_normals: 1e-3,
  'vertex_normals@reference_vertices': 1e-5,
  projected: 1e-5,
  vertex_shading: 1e-3,
  'vertex_shading@reference_normals': 1e-5,
};

/** True when `dir` looks like fixtures/flame-synthetic. */
export function isFlameFixture(dir: string): boolean {
  return existsSync(join(dir, 'generic_model.pkl')) && existsSync(join(dir, 'reference.npz'));
}

/** max |a − b| / max |b| */
function relativeError(ours: ArrayLike<number>, ref: ArrayLike<number>): number {
  if (ours.length !== ref.length) throw new Error(`length ${ours.length} differs from the reference's ${ref.length}`);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < ref.length; i++) {
    const d = Math.abs(ours[i] - ref[i]);
    if (!(d <= diff)) diff = d;
    scale = Math.max(scale, Math.abs(ref[i]));
  }
  return scale === 0 ? diff : diff / scale;
}

/**
 * Runs every reference item through FlameEvaluator and reports the worst relative error of
 * each output. `landmarksPath` is DECA's landmark_embedding.npy (needed for the landmarks).
 */
export async function verifyFlameFixture(dir: string, landmarksPath?: string): Promise<FlameFixtureCheck[]> {
  const reference = readNpz(await readFile(join(dir, 'reference.npz')), 'reference.npz');
  const get = (key: string): NdArray => {
    const array = reference.get(key);
    if (!array) throw new Error(`reference.npz: missing '${key}'`);
    return array;
  };
  const shape = get('shape');
  const batch = shape.shape[0];
  const shapeCount = shape.shape[1];
  const expressionCount = get('exp').shape[1];
  const model = await loadFlameModel(join(dir, 'generic_model.pkl'), { shapeCount, expressionCount });
  if (landmarksPath) model.landmarks = await loadLandmarkEmbedding(landmarksPath, model.faces.length / 3);
  const evaluator = new FlameEvaluator(model);
  const inputs = Object.fromEntries(['shape', 'exp', 'pose', 'cam', 'light'].map((k) => [k, toFloat64(get(k))]));
  const row = (data: Float64Array, item: number): Float64Array => {
    const size = data.length / batch;
    return data.subarray(item * size, (item + 1) * size);
  };
  const outputs = new Map<string, Float64Array>();
  const names = Object.keys(flameFixtureTolerances).filter((name) => landmarksPath || !name.startsWith('landmarks'));
  const referenceName = (name: string): string => name.split('@')[0];
  for (const name of names) outputs.set(name, new Float64Array(get(referenceName(name)).data.length));
  const referenceVertices = toFloat64(get('vertices'));
  const referenceNormals = toFloat64(get('vertex_normals'));
  const normalsOfReference = new Float64Array(model.vertexCount * 3);
  const shadingOfReference = new Float64Array(model.vertexCount * 3);
  for (let item = 0; item < batch; item++) {
    const frame = evaluator.evaluate({
      shape: row(inputs.shape, item), expression: row(inputs.exp, item), pose: row(inputs.pose, item),
      camera: row(inputs.cam, item), light: row(inputs.light, item),
    });
    vertexNormals(row(referenceVertices, item), model.faces, model.vertexCount, normalsOfReference);
    shadeNormals(row(referenceNormals, item), row(inputs.light, item), shadingOfReference);
    const produced: Record<string, Float64Array> = {
      vertices: frame.vertices, landmarks2d: frame.landmarks2d, landmarks3d: frame.landmarks3d,
      vertex_normals: frame.normals, projected: frame.projected, vertex_shading: frame.shading,
      'vertex_normals@reference_vertices': normalsOfReference, 'vertex_shading@reference_normals': shadingOfReference,
    };
    for (const name of names) {
      const out = outputs.get(name)!;
      const size = out.length / batch;
      if (produced[name].length !== size) throw new Error(`${name}: produced ${produced[name].length} values per item, reference has ${size}`);
      out.set(produced[name], item * size);
    }
  }
  return names.map((name) => {
    const worst = relativeError(outputs.get(name)!, toFloat64(get(referenceName(name))));
    const tolerance = flameFixtureTolerances[name];
    return { name, worstRelativeError: worst, tolerance, ok: worst <= tolerance };
  });
}

/** The `verify-fixture` entry for FLAME fixture directories (registered in cli/verifiers.ts). */
export const flameFixtureVerifier: FixtureVerifier<{ landmarks?: string }> = {
  name: 'flame',
  recognises: isFlameFixture,
  verify: (dir, options) => verifyFlameFixture(dir, options.landmarks),
};
