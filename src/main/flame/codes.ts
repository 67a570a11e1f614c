/**
 * FLAME codes from an .npz, as researchers save them from DECA / EMOCA / DiffusionRig scripts:
 * separate arrays `shape`, `exp` (or `expression`), `pose` (6 = global + jaw, or the full 15),
 * `cam`, `light` (9×3), each optionally batched, or DECA's packed 236-wide `code`
 * (shape 100 · tex 50 · exp 50 · pose 6 · cam 3 · light 27). The one reader behind the `flame`
 * CLI and the viewport's "load codes" (which fits the rows to its rig, see viewport/codesFile).
 */

import { codeLayout, codeLength, packedPart, type FlameCodes, type SkinningCodes } from '../../common/flame/codes';
import { formatShape, toFloat64, type NdArray } from '../io/ndarray';
import { readNpz } from '../io/npy';

/** The parts of a code set, keyed as `FlameCodes` keys them. */
export type CodePart = keyof FlameCodes;

interface PartSpec {
  key: CodePart;
  /** Names the array may have in a file, in order of preference; the first is DECA's. */
  names: string[];
  /** DECA's width of one code. */
  width: number;
}

const parts: PartSpec[] = [
  { key: 'shape', names: ['shape'], width: 100 },
  { key: 'expression', names: ['exp', 'expression'], width: 50 },
  { key: 'pose', names: ['pose'], width: 6 },
  { key: 'camera', names: ['cam', 'camera'], width: 3 },
  { key: 'light', names: ['light', 'lights'], width: 27 },
];


/** One part of a code file: every row (code) of the array it came from. */
export interface CodeArray {
  /** The file and array, for messages: `codes.npz: 'exp'`. */
  what: string;
  rows: number[][];
}

/** Everything a code file holds, before a row is picked. */
export interface CodeBatch {
  /** The parts found, in the order shape, expression, pose, camera, light. */
  parts: Partial<Record<CodePart, CodeArray>>;
  /** Codes (rows) in the file; every part holds this many. */
  count: number;
  /** DECA's names of the parts found ('shape', 'exp', 'pose', 'cam', 'light'). */
  found: string[];
}

/**
 * Splits an array into rows of `width` values: a single code is (width) or, for the light,
 * (9,3); a batch is (N, width) or (N,9,3). Returns the rows, or throws naming the file and array.
 */
function rowsOf(array: NdArray, width: number, what: string): number[][] {
  const shape = array.shape;
  if (shape.length === 0 || shape.length > 3 || shape.includes(0)) {
    throw new Error(`${what} has shape ${formatShape(shape)}; expected (${width},) or (N, ${width})`);
  }
  const values = Array.from(toFloat64(array, what));
  const single = shape.length === 1 || (width === 27 && shape.length === 2 && shape[0] === 9 && shape[1] === 3);
  const perRow = single ? values.length : values.length / shape[0];
  const rows: number[][] = [];
  for (let start = 0; start < values.length; start += perRow) rows.push(values.slice(start, start + perRow));
  return rows;
}

/** The light and camera have one meaning only; other parts may be shorter or longer than DECA's. */
function checkWidth(key: CodePart, rows: number[][], what: string): void {
  const length = rows[0].length;
  if (key === 'light' && length !== 27) throw new Error(`${what} has ${length} values per code; SH light needs 9×3 = 27`);
  if (key === 'camera' && length !== 3) throw new Error(`${what} has ${length} values per code; the camera is (scale, tx, ty)`);
}

/**
 * Reads every code in the .npz bytes; `fileName` names the file in errors. Separate arrays
 * win over a packed `code`; all arrays must hold the same number of codes.
 */
export function readCodeBatch(bytes: Uint8Array, fileName: string): CodeBatch {
  // readNpz's errors already name the file and what is wrong with it.
  const arrays = readNpz(bytes, fileName);
  const batch: CodeBatch = { parts: {}, count: 0, found: [] };
  const add = (key: CodePart, rows: number[][], what: string) => {
    // rowsOf never returns an empty list, so a count of 0 means "first array".
    if (batch.count === 0) batch.count = rows.length;
    else if (rows.length !== batch.count) throw new Error(`${what} holds ${rows.length} codes but other arrays hold ${batch.count}`);
    checkWidth(key, rows, what);
    batch.parts[key] = { what, rows };
  };

  for (const part of parts) {
    const name = part.names.find((n) => arrays.has(n));
    if (!name) continue;
    const what = `${fileName}: '${name}'`;
    add(part.key, rowsOf(arrays.get(name)!, part.width, what), what);
    batch.found.push(part.names[0]);
  }
  const packed = arrays.get('code') ?? arrays.get('codes');
  if (packed && batch.found.length === 0) {
    const what = `${fileName}: 'code'`;
    const rows = rowsOf(packed, codeLength, what);
    if (rows[0].length !== codeLength) throw new Error(`${what} has ${rows[0].length} values per code; DECA's packed code has ${codeLength}`);
    for (const part of parts) {
      const [offset, width] = codeLayout[packedPart[part.key]];
      add(part.key, rows.map((row) => row.slice(offset, offset + width)), what);
    }
    batch.found.push(...parts.map((part) => part.names[0]));
  }
  if (batch.found.length === 0) {
    throw new Error(`${fileName}: no FLAME codes found (looked for shape, exp, pose, cam, light or a 236-wide code; the file has ${[...arrays.keys()].join(', ') || 'no arrays'})`);
  }
  return batch;
}

/**
 * Reads code `index` (from 0) from .npz bytes, as the FLAME evaluator takes it: only the parts
 * the file holds, the pose as 6 or the full 15 values. `what` names the file in errors.
 */
export function readFlameCodes(bytes: Uint8Array, what: string, index = 0): SkinningCodes {
  const batch = readCodeBatch(bytes, what);
  const codes: SkinningCodes = {};
  for (const [key, part] of Object.entries(batch.parts) as [CodePart, CodeArray][]) {
    if (index >= part.rows.length) throw new Error(`${part.what}: asked for code ${index} but there are ${part.rows.length}`);
    codes[key] = part.rows[index];
  }
  const pose = batch.parts.pose;
  if (pose && pose.rows[index].length !== 6 && pose.rows[index].length !== 15) {
    throw new Error(`${pose.what} has ${pose.rows[index].length} values per code; expected 6 or 15`);
  }
  return codes;
}
