import type { FlameCodes, LoadedCodes } from '../../common/contract/viewport';
import { formatShape, toFloat64, type NdArray } from '../io/ndarray';
import { readNpz } from '../io/npy';

// DECA codes in a .npz, as researchers save them from DECA / EMOCA / DiffusionRig scripts:
// separate arrays (`shape`, `exp`, `pose`, `cam`, `light`, each optionally batched) or one
// packed 236-wide `code` in DECA's layout. Missing parts get neutral values.

interface Part {
  key: keyof FlameCodes;
  /** Names the array may have in a file, in order of preference. */
  names: string[];
  width: number;
}

const parts: Part[] = [
  { key: 'shape', names: ['shape'], width: 100 },
  { key: 'expression', names: ['exp', 'expression'], width: 50 },
  { key: 'pose', names: ['pose'], width: 6 },
  { key: 'camera', names: ['cam', 'camera'], width: 3 },
  { key: 'light', names: ['light', 'lights'], width: 27 },
];

/** DECA's packed code: shape 100 · tex 50 · exp 50 · pose 6 · cam 3 · light 27. */
const packedLayout: { key: keyof FlameCodes; offset: number; width: number }[] = [
  { key: 'shape', offset: 0, width: 100 },
  { key: 'expression', offset: 150, width: 50 },
  { key: 'pose', offset: 200, width: 6 },
  { key: 'camera', offset: 206, width: 3 },
  { key: 'light', offset: 209, width: 27 },
];

/** Neutral values for parts a file does not hold: zero codes, DECA-like framing, soft light. */
export function neutralFlameCodes(): FlameCodes {
  const light = new Array<number>(27).fill(0);
  for (let c = 0; c < 3; c++) {
    light[c] = 2.4;
    light[6 + c] = 0.15;
    light[9 + c] = 0.35;
  }
  return { shape: new Array(100).fill(0), expression: new Array(50).fill(0), pose: new Array(6).fill(0), camera: [9, 0, 0], light };
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

/** Fits a row to the viewport's width: pads short codes (fewer components) with zeros. */
function fitRow(row: number[], part: Part, what: string): number[] {
  if (part.key === 'pose' && row.length === 15) {
    // FLAME's full pose: global, neck, jaw, eyes. The viewport rig keeps global and jaw.
    return [...row.slice(0, 3), ...row.slice(6, 9)];
  }
  if (row.length > part.width) throw new Error(`${what} has ${row.length} values per code; the viewport takes ${part.width}`);
  if (part.key === 'light' && row.length !== 27) throw new Error(`${what} has ${row.length} values per code; SH light needs 9×3 = 27`);
  if (part.key === 'camera' && row.length !== 3) throw new Error(`${what} has ${row.length} values per code; the camera is (scale, tx, ty)`);
  return row.length === part.width ? row : [...row, ...new Array<number>(part.width - row.length).fill(0)];
}

/**
 * Reads codes from the bytes of a .npz named `fileName` (for error messages), taking row
 * `index` when the arrays are batched.
 */
export function readCodesNpz(bytes: Uint8Array, fileName: string, index = 0): LoadedCodes {
  // readNpz's errors already name the file and what is wrong with it.
  const arrays = readNpz(bytes, fileName);
  const codes = neutralFlameCodes();
  const found: string[] = [];
  let count: number | null = null;
  const take = (rows: number[][], what: string): number[] => {
    if (count === null) count = rows.length;
    else if (rows.length !== count) throw new Error(`${what} holds ${rows.length} codes but other arrays hold ${count}`);
    if (index >= rows.length) throw new Error(`${fileName}: asked for code ${index + 1} but the file holds ${rows.length}`);
    return rows[index];
  };

  const packed = arrays.get('code') ?? arrays.get('codes');
  for (const part of parts) {
    const name = part.names.find((n) => arrays.has(n));
    if (name) {
      const what = `${fileName}: '${name}'`;
      codes[part.key] = fitRow(take(rowsOf(arrays.get(name)!, part.width, what), what), part, what);
      found.push(part.names[0]);
    }
  }
  if (packed && found.length === 0) {
    const what = `${fileName}: 'code'`;
    const row = take(rowsOf(packed, 236, what), what);
    if (row.length !== 236) throw new Error(`${what} has ${row.length} values per code; DECA's packed code has 236`);
    for (const slot of packedLayout) codes[slot.key] = row.slice(slot.offset, slot.offset + slot.width);
    found.push('shape', 'exp', 'pose', 'cam', 'light');
  }
  if (found.length === 0) {
    throw new Error(`${fileName}: no FLAME codes found (looked for shape, exp, pose, cam, light or a 236-wide code; the file has ${[...arrays.keys()].join(', ') || 'no arrays'})`);
  }
  return { codes, count: count ?? 1, index, found };
}
