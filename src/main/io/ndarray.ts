/**
 * A small typed n-dimensional array: what the pickle, .npy and .npz readers return for numpy
 * arrays, chumpy objects and torch tensors.
 *
 * - `data` is always in C (row-major) order; Fortran-ordered and strided sources are copied
 *   into C order when read.
 * - Numbers keep their width except float16 and bfloat16, which are widened to float32
 *   (`widenedFrom` says so); big-endian sources are byte-swapped to native order.
 * - 64-bit integers stay exact in BigInt64Array/BigUint64Array; `toFloat64` / `toInt32`
 *   convert for arithmetic (indices, counts).
 * - `dtype: 'object'` holds arbitrary pickled values (e.g. the dict inside DECA's
 *   landmark_embedding.npy); unicode/bytes string arrays become object arrays of strings.
 */

export type NumericDtype =
  | 'bool' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32'
  | 'int64' | 'uint64' | 'float32' | 'float64';

export type Dtype = NumericDtype | 'object';

export type NumericData =
  | Uint8Array | Int8Array | Int16Array | Uint16Array | Int32Array | Uint32Array
  | BigInt64Array | BigUint64Array | Float32Array | Float64Array;

export interface NdArray {
  dtype: Dtype;
  shape: number[];
  /** C order; `unknown[]` only when dtype is 'object'. */
  data: NumericData | unknown[];
  /** Set when the source held half precision ('float16' | 'bfloat16') widened to float32. */
  widenedFrom?: 'float16' | 'bfloat16';
}

/** Source element types a byte buffer can hold (before widening). */
export type SourceType = NumericDtype | 'float16' | 'bfloat16';

const itemSizes: Record<SourceType, number> = {
  bool: 1, int8: 1, uint8: 1, int16: 2, uint16: 2, float16: 2, bfloat16: 2,
  int32: 4, uint32: 4, float32: 4, int64: 8, uint64: 8, float64: 8,
};

/** Bytes per element of a source type. */
export function itemSize(type: SourceType): number {
  return itemSizes[type];
}

/** Number of elements of a shape (1 for a 0-d array). */
export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Checks a shape is a list of non-negative safe integers; throws naming `what` otherwise. */
export function checkShape(shape: unknown, what: string): number[] {
  if (!Array.isArray(shape)) throw new Error(`${what}: shape is not a tuple`);
  const out: number[] = [];
  for (const d of shape) {
    const n = typeof d === 'bigint' ? Number(d) : d;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw new Error(`${what}: bad dimension ${String(d)}`);
    out.push(n);
  }
  if (!Number.isSafeInteger(shapeSize(out))) throw new Error(`${what}: shape (${out.join(', ')}) is too large`);
  return out;
}

/**
 * Parses a numpy type string such as '<f8', '|u1', '>i4', 'f2', 'b1', '?'.
 * Returns the element type and whether it is big-endian; throws for types this app cannot hold.
 */
export function parseTypeString(descr: string): { type: SourceType | 'object' | 'unicode' | 'bytes'; bigEndian: boolean; size: number } {
  let rest = descr;
  let bigEndian = false;
  if (rest[0] === '<' || rest[0] === '|' || rest[0] === '=') rest = rest.slice(1);
  else if (rest[0] === '>' || rest[0] === '!') { bigEndian = true; rest = rest.slice(1); }
  if (rest === '?' || rest === 'b1') return { type: 'bool', bigEndian: false, size: 1 };
  const kind = rest[0];
  const size = rest.length > 1 ? Number(rest.slice(1)) : NaN;
  if (kind === 'O') return { type: 'object', bigEndian, size: 8 };
  if (kind === 'U' && Number.isInteger(size)) return { type: 'unicode', bigEndian, size: size * 4 };
  if ((kind === 'S' || kind === 'a') && Number.isInteger(size)) return { type: 'bytes', bigEndian, size };
  const table: Record<string, SourceType> = {
    i1: 'int8', u1: 'uint8', i2: 'int16', u2: 'uint16', i4: 'int32', u4: 'uint32',
    i8: 'int64', u8: 'uint64', f2: 'float16', f4: 'float32', f8: 'float64',
  };
  const type = table[rest];
  if (!type) throw new Error(`unsupported numpy dtype '${descr}'`);
  return { type, bigEndian: bigEndian && itemSizes[type] > 1, size: itemSizes[type] };
}

/** Widens IEEE half-precision bits to a float. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/**
 * Copies `count` elements of `type` from `bytes` at `offset` into a fresh typed array (so the
 * result is aligned and owns its memory), swapping bytes when the source is big-endian and
 * widening half precision to float32.
 *
 * With `view`, little-endian data that is suitably aligned is returned as a view over the
 * same memory instead (no copy: large texture spaces are hundreds of MB), but only when
 * `bytes` spans its whole ArrayBuffer, so a view never reaches into a shared Node Buffer pool.
 */
export function typedFromBytes(bytes: Uint8Array, offset: number, count: number, type: SourceType, bigEndian = false, view = false): NumericData {
  const size = itemSizes[type];
  const byteLength = count * size;
  if (offset < 0 || offset + byteLength > bytes.length) {
    throw new Error(`array data needs ${byteLength} bytes at offset ${offset} but only ${Math.max(0, bytes.length - offset)} are there`);
  }
  const start = bytes.byteOffset + offset;
  const ownsBuffer = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  if (view && ownsBuffer && !bigEndian && type !== 'float16' && type !== 'bfloat16' && start % size === 0) {
    const buffer = bytes.buffer as ArrayBuffer;
    switch (type) {
      case 'bool': case 'uint8': return new Uint8Array(buffer, start, count);
      case 'int8': return new Int8Array(buffer, start, count);
      case 'int16': return new Int16Array(buffer, start, count);
      case 'uint16': return new Uint16Array(buffer, start, count);
      case 'int32': return new Int32Array(buffer, start, count);
      case 'uint32': return new Uint32Array(buffer, start, count);
      case 'int64': return new BigInt64Array(buffer, start, count);
      case 'uint64': return new BigUint64Array(buffer, start, count);
      case 'float32': return new Float32Array(buffer, start, count);
      case 'float64': return new Float64Array(buffer, start, count);
    }
  }
  // A fresh, aligned copy (a Node Buffer's slice() would share its pool).
  const copy = new Uint8Array(byteLength);
  copy.set(bytes.subarray(offset, offset + byteLength));
  if (bigEndian && size > 1) {
    for (let i = 0; i < byteLength; i += size) copy.subarray(i, i + size).reverse();
  }
  const buffer = copy.buffer;
  switch (type) {
    case 'bool': case 'uint8': return new Uint8Array(buffer);
    case 'int8': return new Int8Array(buffer);
    case 'int16': return new Int16Array(buffer);
    case 'uint16': return new Uint16Array(buffer);
    case 'int32': return new Int32Array(buffer);
    case 'uint32': return new Uint32Array(buffer);
    case 'int64': return new BigInt64Array(buffer);
    case 'uint64': return new BigUint64Array(buffer);
    case 'float32': return new Float32Array(buffer);
    case 'float64': return new Float64Array(buffer);
    case 'float16': {
      const bits = new Uint16Array(buffer);
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = halfToFloat(bits[i]);
      return out;
    }
    case 'bfloat16': {
      const bits = new Uint16Array(buffer);
      const widened = new Uint32Array(count);
      for (let i = 0; i < count; i++) widened[i] = bits[i] << 16;
      return new Float32Array(widened.buffer);
    }
  }
}

/** The dtype a source type is stored as after reading. */
export function storedDtype(type: SourceType): NumericDtype {
  return type === 'float16' || type === 'bfloat16' ? 'float32' : type;
}

/** Allocates a typed array of the same kind as `like`. */
function allocateLike(like: NumericData | unknown[], count: number): NumericData | unknown[] {
  if (Array.isArray(like)) return new Array<unknown>(count);
  const ctor = like.constructor as new (n: number) => NumericData;
  return new ctor(count);
}

/**
 * Gathers a strided view (element strides, as torch stores them) into a new C-order array.
 * Throws when the view reaches outside `source`.
 */
export function gatherStrided<T extends NumericData | unknown[]>(source: T, offset: number, shape: readonly number[], strides: readonly number[]): T {
  const count = shapeSize(shape);
  if (shape.length !== strides.length) throw new Error(`tensor has ${shape.length} sizes but ${strides.length} strides`);
  if (count === 0) return allocateLike(source, 0) as T;
  // Zero strides let a tiny storage claim a huge tensor; refuse what no checkpoint holds.
  if (count > Math.max(source.length * 16, 1 << 20)) {
    throw new Error(`tensor view of ${count} elements over a storage of ${source.length} is implausible`);
  }
  let lowest = offset;
  let highest = offset;
  for (let d = 0; d < shape.length; d++) {
    const span = (shape[d] - 1) * strides[d];
    if (span < 0) lowest += span; else highest += span;
  }
  if (lowest < 0 || highest >= source.length) {
    throw new Error(`tensor view (offset ${offset}, shape [${shape.join(', ')}], strides [${strides.join(', ')}]) reaches outside its storage of ${source.length} elements`);
  }
  // Contiguous C-order views are a plain slice.
  let contiguous = true;
  let expected = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] !== 1 && strides[d] !== expected) contiguous = false;
    expected *= shape[d];
  }
  if (contiguous) return source.slice(offset, offset + count) as T;
  const out = allocateLike(source, count) as T;
  const rank = shape.length;
  const index = new Array<number>(rank).fill(0);
  let position = offset;
  for (let i = 0; i < count; i++) {
    (out as unknown as unknown[])[i] = (source as unknown as unknown[])[position];
    for (let d = rank - 1; d >= 0; d--) {
      index[d]++;
      position += strides[d];
      if (index[d] < shape[d]) break;
      position -= strides[d] * shape[d];
      index[d] = 0;
    }
  }
  return out;
}

/** Converts Fortran-ordered data of `shape` into C order. */
export function fortranToC<T extends NumericData | unknown[]>(data: T, shape: readonly number[]): T {
  if (shape.length < 2) return data;
  const strides: number[] = [];
  let s = 1;
  for (const d of shape) { strides.push(s); s *= d; }
  return gatherStrided(data, 0, shape, strides);
}

/** The array's values as float64 (64-bit integers converted; object arrays rejected). */
export function toFloat64(array: NdArray, what = 'array'): Float64Array {
  if (array.dtype === 'object') throw new Error(`${what}: expected a numeric array, found an object array`);
  const data = array.data as NumericData;
  if (data instanceof Float64Array) return data;
  const out = new Float64Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = Number(data[i]);
  return out;
}

/** The array's values as int32, checking each is an integer in range. */
export function toInt32(array: NdArray, what = 'array'): Int32Array {
  if (array.dtype === 'object') throw new Error(`${what}: expected an integer array, found an object array`);
  const data = array.data as NumericData;
  if (data instanceof Int32Array) return data;
  const out = new Int32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = Number(data[i]);
    if (!Number.isInteger(v) || v < -2147483648 || v > 2147483647) throw new Error(`${what}: value ${v} at ${i} is not a 32-bit integer`);
    out[i] = v;
  }
  return out;
}

/** True for values this module produced as arrays. */
export function isNdArray(value: unknown): value is NdArray {
  return typeof value === 'object' && value !== null && 'dtype' in value && 'shape' in value && 'data' in value
    && Array.isArray((value as NdArray).shape);
}

/** Describes a shape as numpy prints it, e.g. '(5023, 3)'. */
export function formatShape(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}
