import type { LoadedCodes } from '../../common/contract/viewport';
import { codeLengths, type FlameCodes } from '../../common/flame/codes';
import { fillDefaultLight } from '../../common/flame/light';
import { readCodeBatch, type CodePart } from '../flame/codes';

// The viewport's "load codes": src/main/flame/codes reads the .npz; here a row is fitted to the
// rig (DECA's widths, pose as global + jaw) and missing parts get neutral values.


/** Neutral values for parts a file does not hold: zero codes, DECA-like framing, soft light. */
export function neutralFlameCodes(): FlameCodes {
  const light = fillDefaultLight(new Array<number>(27));
  return { shape: new Array(100).fill(0), expression: new Array(50).fill(0), pose: new Array(6).fill(0), camera: [9, 0, 0], light };
}

/** Fits a row to the viewport's width: pads short codes (fewer components) with zeros. */
function fitRow(row: number[], part: CodePart, what: string): number[] {
  const width = codeLengths[part];
  if (part === 'pose' && row.length === 15) {
    // FLAME's full pose: global, neck, jaw, eyes. The viewport rig keeps global and jaw.
    return [...row.slice(0, 3), ...row.slice(6, 9)];
  }
  if (row.length > width) throw new Error(`${what} has ${row.length} values per code; the viewport takes ${width}`);
  return row.length === width ? row : [...row, ...new Array<number>(width - row.length).fill(0)];
}

/**
 * Reads codes from the bytes of a .npz named `fileName` (for error messages), taking row
 * `index` when the arrays are batched.
 */
export function readCodesNpz(bytes: Uint8Array, fileName: string, index = 0): LoadedCodes {
  const batch = readCodeBatch(bytes, fileName);
  // The viewport counts rows from 1 ("row 2 of 4").
  if (index >= batch.count) throw new Error(`${fileName}: asked for code ${index + 1} but the file holds ${batch.count}`);
  const codes = neutralFlameCodes();
  for (const [part, array] of Object.entries(batch.parts) as [CodePart, { what: string; rows: number[][] }][]) {
    codes[part] = fitRow(array.rows[index], part, array.what);
  }
  return { codes, count: batch.count, index, found: batch.found };
}
