/**
 * Loads a FLAME model file into the FlameModel the common math uses, with validation that
 * names the file, the key and what was expected.
 *
 * Accepted: FLAME's own pickles (generic_model.pkl, flame2023*.pkl: Python 2 pickles of numpy,
 * chumpy and scipy csc objects) and .npz files with the same key names (the Rig Studio demo
 * head). An .npz may also carry its own landmark embedding (DECA's key names), UVs
 * (`vt`, `ft`, as FLAME_texture.npz names them) and a mouth interior for viewers (`mouth_f`,
 * `mouth_ft`: faces kept out of `f`, see FlameModel.mouth).
 */

import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { FlameModel, LandmarkEmbedding } from '../../common/flame/model';
import { jointCount, poseFeatureCount } from '../../common/flame/model';
import type { NdArray } from '../io/ndarray';
import { formatShape, isNdArray, toFloat64, toInt32 } from '../io/ndarray';
import { readNpz } from '../io/npy';
import { unpickle } from '../io/pickle';
import type { SparseMatrix } from '../io/pickleGlobals';
import { sparseToDense } from '../io/pickleGlobals';
import { landmarkEmbeddingFromArrays } from './landmarkEmbedding';

/** FLAME files hold 300 identity then 100 expression components in `shapedirs`. */
export const flameIdentityComponents = 300;
export const flameExpressionComponents = 100;

export interface LoadModelOptions {
  /** Identity components kept (default 100, as DECA). */
  shapeCount?: number;
  /** Expression components kept (default 50, as DECA). */
  expressionCount?: number;
}

/** The raw keyed contents of a model file: arrays, sparse matrices or other values. */
export type ModelEntries = Map<string, unknown>;

/** Reads a model file's entries (pickle or npz) without interpreting them. */
export async function readModelEntries(path: string): Promise<ModelEntries> {
  const bytes = await readFile(path);
  const name = basename(path);
  if (path.toLowerCase().endsWith('.npz')) return readNpz(bytes, name) as ModelEntries;
  const value = unpickle(bytes, { what: name });
  if (!(value instanceof Map)) throw new Error(`${name}: expected a pickled dict of FLAME arrays`);
  return value as ModelEntries;
}

/** Loads and validates a FLAME model file. */
export async function loadFlameModel(path: string, options: LoadModelOptions = {}): Promise<FlameModel> {
  return flameModelFromEntries(await readModelEntries(path), basename(path), options);
}

function expectArray(entries: ModelEntries, key: string, what: string): NdArray {
  const value = entries.get(key);
  if (value === undefined) throw new Error(`${what}: missing key '${key}'`);
  if (!isNdArray(value)) throw new Error(`${what}: '${key}' is not an array`);
  return value;
}

function expectShape(array: NdArray, expected: (number | null)[], key: string, what: string): void {
  const ok = array.shape.length === expected.length && expected.every((d, i) => d === null || d === array.shape[i]);
  if (!ok) {
    const text = `(${expected.map((d) => (d === null ? 'N' : d)).join(', ')})`;
    throw new Error(`${what}: '${key}' has shape ${formatShape(array.shape)}, expected ${text}`);
  }
}

/** Keeps columns [start, start + count) of a (rows × total) matrix, as float32. */
function takeColumns(data: Float64Array, rows: number, total: number, start: number, count: number): Float32Array {
  const out = new Float32Array(rows * count);
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < count; k++) out[r * count + k] = data[r * total + start + k];
  }
  return out;
}

/** Builds a FlameModel from a file's entries; `what` names the file in errors. */
export function flameModelFromEntries(entries: ModelEntries, what: string, options: LoadModelOptions = {}): FlameModel {
  const template = expectArray(entries, 'v_template', what);
  expectShape(template, [null, 3], 'v_template', what);
  const vertexCount = template.shape[0];
  const faces = faceIndices(entries, 'f', null, vertexCount, 'vertex', what);
  const shapedirs = expectArray(entries, 'shapedirs', what);
  expectShape(shapedirs, [vertexCount, 3, null], 'shapedirs', what);
  const componentCount = shapedirs.shape[2];
  const identityTotal = componentCount === flameIdentityComponents + flameExpressionComponents
    ? flameIdentityComponents
    : identitySplit(entries, componentCount, what);
  const expressionTotal = componentCount - identityTotal;
  const shapeCount = options.shapeCount ?? Math.min(100, identityTotal);
  const expressionCount = options.expressionCount ?? Math.min(50, expressionTotal);
  if (shapeCount > identityTotal) throw new Error(`${what}: ${shapeCount} identity components requested, the file has ${identityTotal}`);
  if (expressionCount > expressionTotal) throw new Error(`${what}: ${expressionCount} expression components requested, the file has ${expressionTotal}`);
  const posedirs = expectArray(entries, 'posedirs', what);
  expectShape(posedirs, [vertexCount, 3, poseFeatureCount], 'posedirs', what);
  const weights = expectArray(entries, 'weights', what);
  expectShape(weights, [vertexCount, jointCount], 'weights', what);
  const kintree = expectArray(entries, 'kintree_table', what);
  expectShape(kintree, [2, jointCount], 'kintree_table', what);

  const parents = Int32Array.from(toFloat64(kintree).subarray(0, jointCount), (p, i) => (i === 0 ? -1 : p));
  for (let j = 1; j < jointCount; j++) {
    if (!(parents[j] >= 0 && parents[j] < j)) throw new Error(`${what}: 'kintree_table' gives joint ${j} the parent ${parents[j]}`);
  }

  const shapeData = toFloat64(shapedirs, `${what}: 'shapedirs'`);
  const rows = vertexCount * 3;
  const model: FlameModel = {
    name: what,
    vertexCount,
    faces,
    template: Float64Array.from(toFloat64(template)),
    shapeBasis: takeColumns(shapeData, rows, componentCount, 0, shapeCount),
    shapeCount,
    expressionBasis: takeColumns(shapeData, rows, componentCount, identityTotal, expressionCount),
    expressionCount,
    poseBasis: Float32Array.from(toFloat64(posedirs, `${what}: 'posedirs'`)),
    jointRegressor: jointRegressor(entries.get('J_regressor'), vertexCount, what),
    weights: Float32Array.from(toFloat64(weights, `${what}: 'weights'`)),
    parents,
  };
  for (const [key, array] of [['v_template', model.template], ['shapedirs', model.shapeBasis], ['posedirs', model.poseBasis], ['weights', model.weights]] as const) {
    if (!array.every(Number.isFinite)) throw new Error(`${what}: '${key}' holds non-finite values`);
  }
  if (entries.has('static_lmk_faces_idx')) model.landmarks = landmarkEmbeddingFromArrays(entries, model.faces.length / 3, what);
  if (entries.has('vt') && entries.has('ft')) model.uv = uvLayoutFromEntries(entries, model.faces.length / 3, what);
  if (entries.has('mouth_f')) model.mouth = mouthFromEntries(entries, vertexCount, model.uv, what);
  return model;
}

/** Face indices of `key` as (N,3), each below `limit` (`unit` names what they index). */
function faceIndices(entries: ModelEntries, key: string, rows: number | null, limit: number, unit: string, what: string): Uint32Array {
  const array = expectArray(entries, key, what);
  expectShape(array, [rows, 3], key, what);
  const indices = toInt32(array, `${what}: '${key}'`);
  for (const index of indices) {
    if (index < 0 || index >= limit) throw new Error(`${what}: '${key}' refers to ${unit} ${index} but there are ${limit}`);
  }
  return Uint32Array.from(indices);
}

/** The viewer-only mouth interior (`mouth_f`, and `mouth_ft` when the model has UVs). */
function mouthFromEntries(entries: ModelEntries, vertexCount: number, uv: FlameModel['uv'], what: string): FlameModel['mouth'] {
  const faces = faceIndices(entries, 'mouth_f', null, vertexCount, 'vertex', what);
  if (!uv) return { faces };
  if (!entries.has('mouth_ft')) throw new Error(`${what}: 'mouth_f' has no 'mouth_ft' (its faces' UVs) though the model has UVs`);
  return { faces, uvFaces: faceIndices(entries, 'mouth_ft', faces.length / 3, uv.coords.length / 2, 'uv', what) };
}

/** Our own models may use fewer components and say how many are identity. */
function identitySplit(entries: ModelEntries, componentCount: number, what: string): number {
  const split = entries.get('shape_components');
  const value = isNdArray(split) ? Number(split.data[0]) : Number(split);
  if (!Number.isInteger(value) || value < 0 || value > componentCount) {
    throw new Error(`${what}: 'shapedirs' has ${componentCount} components; FLAME files have ${flameIdentityComponents + flameExpressionComponents} (300 identity + 100 expression)`);
  }
  return value;
}

function jointRegressor(value: unknown, vertexCount: number, what: string): Float64Array {
  if (value === undefined) throw new Error(`${what}: missing key 'J_regressor'`);
  let dense: Float64Array;
  let shape: number[];
  if (isNdArray(value)) {
    dense = Float64Array.from(toFloat64(value, `${what}: 'J_regressor'`));
    shape = value.shape;
  } else if ((value as SparseMatrix)?.kind === 'sparse') {
    const sparse = value as SparseMatrix;
    shape = sparse.shape;
    dense = sparseToDense(sparse);
  } else {
    throw new Error(`${what}: 'J_regressor' is neither an array nor a scipy sparse matrix`);
  }
  if (shape.length !== 2 || shape[0] !== jointCount || shape[1] !== vertexCount) {
    throw new Error(`${what}: 'J_regressor' has shape ${formatShape(shape)}, expected (${jointCount}, ${vertexCount})`);
  }
  return dense;
}

function uvLayoutFromEntries(entries: ModelEntries, faceCount: number, what: string): FlameModel['uv'] {
  const vt = expectArray(entries, 'vt', what);
  expectShape(vt, [null, 2], 'vt', what);
  return { coords: Float32Array.from(toFloat64(vt)), faces: faceIndices(entries, 'ft', faceCount, vt.shape[0], 'uv', what) };
}

export type { LandmarkEmbedding };
