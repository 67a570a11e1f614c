/**
 * Landmark embeddings: DECA's landmark_embedding.npy (a pickled dict inside a 0-d object
 * array, two entries torch tensors) or the same keys stored in a model's .npz.
 */

import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { LandmarkEmbedding } from '../../common/flame/model';
import type { NdArray } from '../io/ndarray';
import { formatShape, isNdArray, toFloat64, toInt32 } from '../io/ndarray';
import { readNpy } from '../io/npy';

function entry(entries: Map<string, unknown>, key: string, what: string): NdArray {
  const value = entries.get(key);
  if (value === undefined) throw new Error(`${what}: landmark embedding has no '${key}'`);
  if (!isNdArray(value)) throw new Error(`${what}: landmark embedding '${key}' is not an array`);
  return value;
}

/** Validates and converts embedding arrays keyed as DECA names them. */
export function landmarkEmbeddingFromArrays(entries: Map<string, unknown>, faceCount: number, what: string): LandmarkEmbedding {
  const faces = (key: string, count: number): Int32Array => {
    const array = entry(entries, key, what);
    const data = toInt32(array, `${what}: '${key}'`);
    if (data.length !== count) throw new Error(`${what}: '${key}' has shape ${formatShape(array.shape)}, expected ${count} face indices`);
    for (const f of data) if (f < 0 || f >= faceCount) throw new Error(`${what}: '${key}' refers to face ${f} but the mesh has ${faceCount}`);
    return data;
  };
  const bary = (key: string, count: number): Float64Array => {
    const array = entry(entries, key, what);
    const data = Float64Array.from(toFloat64(array, `${what}: '${key}'`));
    if (data.length !== count * 3 || array.shape[array.shape.length - 1] !== 3) {
      throw new Error(`${what}: '${key}' has shape ${formatShape(array.shape)}, expected ${count} × 3 barycentric coordinates`);
    }
    return data;
  };
  const staticCount = entry(entries, 'static_lmk_faces_idx', what).data.length;
  const dynamic = entry(entries, 'dynamic_lmk_faces_idx', what);
  if (dynamic.shape.length !== 2 || dynamic.shape[1] !== 17) {
    throw new Error(`${what}: 'dynamic_lmk_faces_idx' has shape ${formatShape(dynamic.shape)}, expected (bins, 17)`);
  }
  const binCount = dynamic.shape[0];
  if (binCount !== 79) throw new Error(`${what}: 'dynamic_lmk_faces_idx' has ${binCount} yaw bins, expected 79 (±39°)`);
  if (staticCount + 17 !== 68) throw new Error(`${what}: ${staticCount} static landmarks, expected 51`);
  const fullCount = entry(entries, 'full_lmk_faces_idx', what).data.length;
  if (fullCount !== 68) throw new Error(`${what}: 'full_lmk_faces_idx' has ${fullCount} entries, expected 68`);
  return {
    staticFaces: faces('static_lmk_faces_idx', staticCount),
    staticBary: bary('static_lmk_bary_coords', staticCount),
    dynamicFaces: faces('dynamic_lmk_faces_idx', binCount * 17),
    dynamicBary: bary('dynamic_lmk_bary_coords', binCount * 17),
    binCount,
    fullFaces: faces('full_lmk_faces_idx', fullCount),
    fullBary: bary('full_lmk_bary_coords', fullCount),
  };
}

/** Reads DECA's landmark_embedding.npy (checked against a mesh of `faceCount` faces). */
export async function loadLandmarkEmbedding(path: string, faceCount: number): Promise<LandmarkEmbedding> {
  const what = basename(path);
  const array = readNpy(await readFile(path), what);
  const dict = array.dtype === 'object' && array.data.length === 1 ? (array.data as unknown[])[0] : undefined;
  if (!(dict instanceof Map)) throw new Error(`${what}: expected a pickled dict of landmark arrays (DECA's landmark_embedding.npy)`);
  return landmarkEmbeddingFromArrays(dict as Map<string, unknown>, faceCount, what);
}
