/**
 * numpy `.npy` and `.npz` readers (and a small `.npz` writer, used for the demo head and by
 * tests).
 *
 * .npy: magic '\x93NUMPY', version, a Python dict literal header (descr, fortran_order, shape),
 * then raw data, or for object arrays a pickle of the array (read with the safe pickle reader,
 * so DECA's landmark_embedding.npy works). All numeric dtypes, both byte orders, float16
 * (widened to float32), Fortran order (returned in C order). .npz: a zip of .npy files
 * (stored or deflated, via fflate), returned as a Map keyed by name without '.npy'.
 */

import { zipSync } from 'fflate';
import { ZipArchive } from './zip';
import type { NdArray, NumericData } from './ndarray';
import { checkShape, formatShape, fortranToC, parseTypeString, shapeSize, storedDtype, typedFromBytes } from './ndarray';
import { decodeStrings } from './pickleGlobals';
import type { UnpickleOptions } from './pickle';
import { isNdArray } from './ndarray';
import { latin1Text, unpickle } from './pickle';

const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

/** Parses the Python literal of an .npy header: dicts, tuples, strings, ints, booleans. */
function parseHeaderLiteral(text: string, what: string): unknown {
  let i = 0;
  const fail = (message: string): never => { throw new Error(`${what}: .npy header ${message}: ${text.trim()}`); };
  const space = (): void => { while (i < text.length && /\s/.test(text[i])) i++; };
  let depth = 0;
  const value = (): unknown => {
    space();
    const c = text[i];
    if (c === '{' || c === '(' || c === '[') {
      if (++depth > 16) fail('is nested too deeply');
      const close = c === '{' ? '}' : c === '(' ? ')' : ']';
      i++;
      const items: unknown[] = [];
      const map = new Map<unknown, unknown>();
      for (;;) {
        space();
        if (text[i] === close) { i++; break; }
        const item = value();
        space();
        if (c === '{') {
          if (text[i++] !== ':') fail('expects ":"');
          map.set(item, value());
          space();
        } else items.push(item);
        if (text[i] === ',') i++;
        else if (text[i] !== close) fail('is malformed');
      }
      depth--;
      return c === '{' ? map : items;
    }
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      if (end < 0) fail('has an unterminated string');
      const s = text.slice(i + 1, end);
      i = end + 1;
      return s;
    }
    const match = /^(True|False|None|-?\d+L?)/.exec(text.slice(i));
    if (!match) return fail('is malformed');
    i += match[0].length;
    if (match[0] === 'True') return true;
    if (match[0] === 'False') return false;
    if (match[0] === 'None') return null;
    return Number(match[0].replace('L', ''));
  };
  return value();
}

/** Reads one .npy file's bytes; `what` (the file name) prefixes errors. */
export function readNpy(bytes: Uint8Array, what = '.npy', options: UnpickleOptions = {}): NdArray {
  if (bytes.length < 10 || magic.some((b, k) => bytes[k] !== b)) throw new Error(`${what}: not a .npy file (bad magic)`);
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLength: number;
  let headerStart: number;
  if (major === 1) { headerLength = view.getUint16(8, true); headerStart = 10; }
  else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new Error(`${what}: truncated .npy header`);
    headerLength = view.getUint32(8, true); headerStart = 12;
  } else throw new Error(`${what}: unsupported .npy version ${major}`);
  const dataStart = headerStart + headerLength;
  if (dataStart > bytes.length) throw new Error(`${what}: truncated .npy header`);
  const headerBytes = bytes.subarray(headerStart, dataStart);
  const headerText = major === 3 ? new TextDecoder().decode(headerBytes) : latin1Text(headerBytes);
  const header = parseHeaderLiteral(headerText, what);
  if (!(header instanceof Map)) throw new Error(`${what}: .npy header is not a dict`);
  const descr = header.get('descr');
  if (typeof descr !== 'string') throw new Error(`${what}: structured dtypes are not supported`);
  const shape = checkShape(header.get('shape'), what);
  const fortran = header.get('fortran_order') === true;
  const parsed = parseTypeString(descr);
  const count = shapeSize(shape);
  if (parsed.type === 'object') {
    const value = unpickle(bytes.subarray(dataStart), { what, ...options });
    if (!isNdArray(value)) throw new Error(`${what}: object array pickle holds no array`);
    if (value.shape.join() !== shape.join()) throw new Error(`${what}: object array shape ${formatShape(value.shape)} does not match header ${formatShape(shape)}`);
    return value;
  }
  const available = bytes.length - dataStart;
  if (count * parsed.size > available) {
    throw new Error(`${what}: shape ${formatShape(shape)} of ${descr} needs ${count * parsed.size} bytes, file has ${available}`);
  }
  let data: NumericData | unknown[];
  let dtype: NdArray['dtype'];
  if (parsed.type === 'unicode' || parsed.type === 'bytes') {
    data = decodeStrings(bytes.subarray(dataStart), count, parsed.size, parsed.type);
    dtype = 'object';
  } else {
    data = typedFromBytes(bytes, dataStart, count, parsed.type, parsed.bigEndian, true);
    dtype = storedDtype(parsed.type);
  }
  const array: NdArray = { dtype, shape, data: fortran ? fortranToC(data, shape) : data };
  if (parsed.type === 'float16') array.widenedFrom = 'float16';
  return array;
}

/** Reads an .npz archive: every `NAME.npy` member as an array keyed NAME. */
export function readNpz(bytes: Uint8Array, what = '.npz', options: UnpickleOptions = {}): Map<string, NdArray> {
  let zip: ZipArchive;
  try {
    zip = new ZipArchive(bytes, what);
  } catch (error) {
    const detail = (error instanceof Error ? error.message : String(error)).replace(`${what}: `, '');
    throw new Error(`${what}: not a readable zip/.npz file (${detail})`, { cause: error });
  }
  const out = new Map<string, NdArray>();
  // Only .npy members are inflated, each within the zip reader's limits (io/zip.ts).
  for (const name of zip.names()) {
    if (!name.endsWith('.npy')) continue;
    const key = name.slice(0, -4);
    out.set(key, readNpy(zip.read(name), `${what}:${name}`, options));
  }
  return out;
}

const typeStrings: Record<string, string> = {
  bool: '|b1', int8: '|i1', uint8: '|u1', int16: '<i2', uint16: '<u2', int32: '<i4', uint32: '<u4',
  int64: '<i8', uint64: '<u8', float32: '<f4', float64: '<f8',
};

/** Writes a numeric array as .npy (version 1, C order, little-endian). */
export function writeNpy(array: NdArray): Uint8Array {
  if (array.dtype === 'object') throw new Error('writeNpy: object arrays are not written');
  const data = array.data as NumericData;
  if (data.length !== shapeSize(array.shape)) throw new Error(`writeNpy: ${data.length} values for shape ${formatShape(array.shape)}`);
  let header = `{'descr': '${typeStrings[array.dtype]}', 'fortran_order': False, 'shape': ${formatShape(array.shape)}, }`;
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set(magic, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let k = 0; k < header.length; k++) out[10 + k] = header.charCodeAt(k);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}

/** Writes arrays as an .npz archive (deflated when `compress`). */
export function writeNpz(arrays: Map<string, NdArray> | Record<string, NdArray>, compress = true): Uint8Array {
  const entries = arrays instanceof Map ? [...arrays] : Object.entries(arrays);
  const files: Record<string, Uint8Array> = {};
  for (const [name, array] of entries) files[`${name}.npy`] = writeNpy(array);
  return zipSync(files, { level: compress ? 6 : 0 });
}
