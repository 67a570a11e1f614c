/**
 * FLAME codes from an .npz for the CLI and services: arrays `shape`, `exp` (or `expression`),
 * `pose` (6 = global + jaw, or the full 15), `cam`, `light` (9×3), each optionally batched
 * (row `index` is taken), or DECA's packed 236-wide `code`
 * (shape 100 · tex 50 · exp 50 · pose 6 · cam 3 · light 27).
 */

import type { FlameCodes } from '../../common/flame/model';
import type { NdArray } from '../io/ndarray';
import { formatShape, toFloat64 } from '../io/ndarray';
import { readNpz } from '../io/npy';

const packedLayout: [keyof FlameCodes | 'tex', number][] = [['shape', 100], ['tex', 50], ['expression', 50], ['pose', 6], ['cam', 3], ['light', 27]];

/** Row `index` of a code array: fixed `width` per code, or one code per leading index. */
function row(array: NdArray, width: number | null, index: number, what: string): Float64Array {
  const data = toFloat64(array, what);
  const rows = width !== null ? data.length / width : array.shape.length <= 1 ? 1 : array.shape[0];
  const perRow = data.length / rows;
  if (!Number.isInteger(rows) || rows === 0) throw new Error(`${what}: shape ${formatShape(array.shape)} is not a batch of ${width}-value codes`);
  if (index >= rows) throw new Error(`${what}: asked for code ${index} but there are ${rows}`);
  return data.slice(index * perRow, (index + 1) * perRow);
}

/** Reads codes (row `index`) from .npz bytes; `what` names the file in errors. */
export function readFlameCodes(bytes: Uint8Array, what: string, index = 0): FlameCodes {
  const arrays = readNpz(bytes, what);
  const codes: FlameCodes = {};
  const packed = arrays.get('code') ?? arrays.get('codes');
  const find = (...names: string[]) => names.map((n) => arrays.get(n)).find(Boolean);
  const shape = find('shape'), expression = find('exp', 'expression'), pose = find('pose'), cam = find('cam', 'camera'), light = find('light');
  if (shape) codes.shape = row(shape, null, index, `${what}: 'shape'`);
  if (expression) codes.expression = row(expression, null, index, `${what}: 'exp'`);
  if (pose) codes.pose = row(pose, null, index, `${what}: 'pose'`);
  if (cam) codes.cam = row(cam, 3, index, `${what}: 'cam'`);
  if (light) codes.light = row(light, 27, index, `${what}: 'light'`);
  if (!shape && !expression && !pose && packed) {
    const all = row(packed, 236, index, `${what}: 'code'`);
    let offset = 0;
    for (const [key, width] of packedLayout) {
      if (key !== 'tex') codes[key] = all.slice(offset, offset + width);
      offset += width;
    }
  }
  if (Object.keys(codes).length === 0) throw new Error(`${what}: no FLAME codes (expected shape, exp, pose, cam, light or a 236-wide code; found ${[...arrays.keys()].join(', ') || 'nothing'})`);
  if (codes.pose && codes.pose.length !== 6 && codes.pose.length !== 15) throw new Error(`${what}: 'pose' has ${codes.pose.length} values per code; expected 6 or 15`);
  return codes;
}
