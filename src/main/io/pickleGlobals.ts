/**
 * The fixed table of Python globals the pickle reader understands, each mapped to a
 * reconstructor written here. Nothing outside this table can be named by a pickle: an unknown
 * GLOBAL is an error naming the class, so reading a file never runs code from it.
 */

import type { NdArray, NumericData } from './ndarray';
import { checkShape, fortranToC, isNdArray, parseTypeString, shapeSize, storedDtype, typedFromBytes } from './ndarray';
import type { Unpickler } from './torchStorage';
import { describeValue, loadLegacyTorch, rebuildTensorOrDefer, torchStorageType } from './torchStorage';

/** What a reconstructor may use: registering BUILD handlers, nested reads (torch bytes). */
export interface CallContext {
  /** Registers how BUILD fills `target` (numpy arrays, chumpy, sparse matrices). */
  onBuild(target: object, build: (state: unknown) => void): void;
  unpickle: Unpickler;
}

/** A Python global a pickle may name. REDUCE calls `call`; NEWOBJ/INST/OBJ call `construct`. */
export interface PyGlobal {
  readonly kind: 'py-global';
  readonly pyName: string;
  call?(args: unknown[], context: CallContext): unknown;
  construct?(args: unknown[], context: CallContext): unknown;
}

/** A numpy dtype object (`numpy.dtype(...)`), completed by BUILD with its byte order. */
export interface PyDtype {
  kind: 'numpy-dtype';
  descr: string;
  bigEndian: boolean;
}

/** A scipy sparse matrix in compressed form. */
export interface SparseMatrix {
  kind: 'sparse';
  format: 'csc' | 'csr';
  shape: [number, number];
  data: NdArray;
  indices: NdArray;
  indptr: NdArray;
}

/** Marker for Python's `object` (the base in copyreg._reconstructor calls). */
const pyObject: PyGlobal = { kind: 'py-global', pyName: 'builtins.object' };

function global(pyName: string, parts: Omit<PyGlobal, 'kind' | 'pyName'>): PyGlobal {
  return { kind: 'py-global', pyName, ...parts };
}

/** Latin-1 text back to bytes (Python 2 str / py3 `_codecs.encode(s, 'latin1')`). */
export function latin1Bytes(text: string, what: string): Uint8Array {
  if (typeof Buffer !== 'undefined' && text.length > 4096 && !/[^\u0000-\u00ff]/.test(text)) {
    const encoded = Buffer.from(text, 'latin1');
    return new Uint8Array(encoded.buffer, encoded.byteOffset, encoded.length);
  }
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 255) throw new Error(`${what}: character U+${c.toString(16)} is not latin-1`);
    out[i] = c;
  }
  return out;
}

/** Raw bytes of array data: bytes as-is, Python 2 str (latin-1 text) converted back. */
function rawBytes(value: unknown, what: string): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'string') return latin1Bytes(value, what);
  throw new Error(`${what}: expected raw bytes, found ${describeValue(value)}`);
}

function asDtype(value: unknown, what: string): PyDtype {
  if (typeof value === 'object' && value !== null && (value as PyDtype).kind === 'numpy-dtype') return value as PyDtype;
  throw new Error(`${what}: expected a numpy dtype, found ${describeValue(value)}`);
}

/** Fills `target` from numpy's ndarray state: ([version,] shape, dtype, fortran, raw). */
function buildArray(target: NdArray, state: unknown): void {
  if (!Array.isArray(state) || (state.length !== 5 && state.length !== 4)) throw new Error(`numpy array state: expected a tuple of 4 or 5, found ${describeValue(state)}`);
  const [shapeValue, dtypeValue, fortran, raw] = state.length === 5 ? state.slice(1) : state;
  const shape = checkShape(shapeValue, 'numpy array');
  const dtype = asDtype(dtypeValue, 'numpy array');
  const count = shapeSize(shape);
  const parsed = parseTypeString(dtype.descr);
  let data: NumericData | unknown[];
  if (parsed.type === 'object') {
    if (!Array.isArray(raw)) throw new Error('numpy object array: expected a list of items');
    if (raw.length !== count) throw new Error(`numpy object array of shape (${shape.join(', ')}) holds ${raw.length} items`);
    data = raw;
    target.dtype = 'object';
  } else if (parsed.type === 'unicode' || parsed.type === 'bytes') {
    data = decodeStrings(rawBytes(raw, 'numpy string array'), count, parsed.size, parsed.type);
    target.dtype = 'object';
  } else {
    const bytes = rawBytes(raw, 'numpy array data');
    data = typedFromBytes(bytes, 0, count, parsed.type, dtype.bigEndian || parsed.bigEndian);
    target.dtype = storedDtype(parsed.type);
    if (parsed.type === 'float16') target.widenedFrom = 'float16';
  }
  target.shape = shape;
  target.data = fortran === true || fortran === 1 ? fortranToC(data, shape) : data;
}

/** Decodes fixed-width numpy strings ('U' is UTF-32LE, 'S' bytes read as latin-1), trailing NULs dropped. */
export function decodeStrings(bytes: Uint8Array, count: number, size: number, type: 'unicode' | 'bytes'): string[] {
  if (count * size > bytes.length) throw new Error(`string array needs ${count * size} bytes, has ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let text = '';
    if (type === 'unicode') {
      for (let j = 0; j < size; j += 4) {
        const code = view.getUint32(i * size + j, true);
        if (code === 0) break;
        if (code > 0x10ffff) throw new Error(`string array: bad code point ${code}`);
        text += String.fromCodePoint(code);
      }
    } else {
      for (let j = 0; j < size; j++) {
        const code = bytes[i * size + j];
        if (code === 0) break;
        text += String.fromCharCode(code);
      }
    }
    out.push(text);
  }
  return out;
}

function numpyReconstruct(args: unknown[], context: CallContext): NdArray {
  const [subtype] = args as [PyGlobal];
  if (subtype !== numpyNdarray && subtype !== numpyMatrix) throw new Error(`numpy _reconstruct of unsupported subtype ${describeValue(subtype)}`);
  const array: NdArray = { dtype: 'uint8', shape: [0], data: new Uint8Array(0) };
  context.onBuild(array, (state) => buildArray(array, state));
  return array;
}

const numpyNdarray = global('numpy.ndarray', {});
const numpyMatrix = global('numpy.matrix', {});

function numpyDtype(args: unknown[], context: CallContext): PyDtype {
  const descr = args[0];
  if (typeof descr !== 'string') throw new Error(`numpy.dtype: expected a type string, found ${describeValue(descr)}`);
  const dtype: PyDtype = { kind: 'numpy-dtype', descr, bigEndian: parseTypeString(descr).bigEndian };
  context.onBuild(dtype, (state) => {
    if (!Array.isArray(state) || state.length < 8) throw new Error('numpy dtype state: expected a tuple of 8 or 9');
    const endian = state[1];
    if (state[3] !== null) throw new Error(`numpy structured dtypes are not supported (dtype '${descr}')`);
    if (endian === '>') dtype.bigEndian = true;
    else if (endian === '<' || endian === '|' || endian === '=') dtype.bigEndian = false;
    else throw new Error(`numpy dtype: unknown byte order ${String(endian)}`);
  });
  return dtype;
}

/** numpy scalar(dtype, bytes) → a number, bigint or boolean. */
function numpyScalar(args: unknown[]): unknown {
  const dtype = asDtype(args[0], 'numpy scalar');
  const parsed = parseTypeString(dtype.descr);
  if (parsed.type === 'object') return args[1];
  if (parsed.type === 'unicode' || parsed.type === 'bytes') return decodeStrings(rawBytes(args[1], 'numpy scalar'), 1, parsed.size, parsed.type)[0];
  const value = typedFromBytes(rawBytes(args[1], 'numpy scalar'), 0, 1, parsed.type, dtype.bigEndian || parsed.bigEndian)[0];
  return parsed.type === 'bool' ? value !== 0 : value;
}

/** numpy._frombuffer(buffer, dtype, shape, order): protocol-5 arrays pickled in band. */
function numpyFromBuffer(args: unknown[]): NdArray {
  const [buffer, dtypeValue, shapeValue, order] = args;
  const array: NdArray = { dtype: 'uint8', shape: [0], data: new Uint8Array(0) };
  buildArray(array, [1, shapeValue, asDtype(dtypeValue, 'numpy _frombuffer'), order === 'F', buffer]);
  return array;
}

/** chumpy.ch.Ch: an object whose state dict holds its value in `x`; it becomes that array. */
function chumpyConstruct(_args: unknown[], context: CallContext): NdArray {
  const array: NdArray = { dtype: 'float64', shape: [0], data: new Float64Array(0) };
  context.onBuild(array, (state) => {
    const x = state instanceof Map ? state.get('x') : undefined;
    if (isNdArray(x)) Object.assign(array, x);
    else if (typeof x === 'number') Object.assign(array, { dtype: 'float64', shape: [], data: Float64Array.of(x) });
    else throw new Error(`chumpy object: state has no array 'x' (found ${describeValue(x)})`);
  });
  return array;
}

function sparseConstruct(format: 'csc' | 'csr') {
  return (_args: unknown[], context: CallContext): SparseMatrix => {
    const matrix = { kind: 'sparse', format } as SparseMatrix;
    context.onBuild(matrix, (state) => {
      if (!(state instanceof Map)) throw new Error(`scipy ${format}_matrix: state is not a dict`);
      const shape = checkShape(state.get('_shape') ?? state.get('shape'), `scipy ${format}_matrix`);
      for (const key of ['data', 'indices', 'indptr'] as const) {
        const part = state.get(key);
        if (!isNdArray(part)) throw new Error(`scipy ${format}_matrix: '${key}' is not an array`);
        matrix[key] = part;
      }
      if (shape.length !== 2) throw new Error(`scipy ${format}_matrix: shape has ${shape.length} dimensions`);
      matrix.shape = [shape[0], shape[1]];
      const major = format === 'csc' ? shape[1] : shape[0];
      if (matrix.indptr.data.length !== major + 1) throw new Error(`scipy ${format}_matrix: indptr has ${matrix.indptr.data.length} entries, expected ${major + 1}`);
      if (matrix.indices.data.length !== matrix.data.data.length) throw new Error(`scipy ${format}_matrix: ${matrix.indices.data.length} indices for ${matrix.data.data.length} values`);
    });
    return matrix;
  };
}

/** Dense C-order float64 copy of a sparse matrix (checking every index). */
export function sparseToDense(matrix: SparseMatrix): Float64Array {
  const [rows, cols] = matrix.shape;
  const out = new Float64Array(rows * cols);
  const values = matrix.data.data as NumericData;
  const indices = matrix.indices.data as NumericData;
  const pointers = matrix.indptr.data as NumericData;
  const major = matrix.format === 'csc' ? cols : rows;
  const minor = matrix.format === 'csc' ? rows : cols;
  for (let m = 0; m < major; m++) {
    const start = Number(pointers[m]);
    const end = Number(pointers[m + 1]);
    if (!(start >= 0 && end >= start && end <= values.length)) throw new Error(`sparse matrix: bad index pointers at ${m}`);
    for (let k = start; k < end; k++) {
      const n = Number(indices[k]);
      if (!(n >= 0 && n < minor)) throw new Error(`sparse matrix: index ${n} out of range ${minor}`);
      const at = matrix.format === 'csc' ? n * cols + m : m * cols + n;
      out[at] += Number(values[k]);
    }
  }
  return out;
}

function orderedDict(args: unknown[], context: CallContext): Map<unknown, unknown> {
  const map = new Map<unknown, unknown>();
  // torch state dicts carry instance attributes (`_metadata`, per-module versions) set by
  // BUILD; they describe nothing we read, so the state is accepted and dropped
  context.onBuild(map, () => undefined);
  const items = args[0];
  if (items === undefined) return map;
  if (!Array.isArray(items)) throw new Error('OrderedDict: expected a list of pairs');
  for (const pair of items) {
    if (!Array.isArray(pair) || pair.length !== 2) throw new Error('OrderedDict: expected a list of pairs');
    map.set(pair[0], pair[1]);
  }
  return map;
}

function makeSet(args: unknown[]): Set<unknown> {
  const items = args[0] ?? [];
  if (!Array.isArray(items)) throw new Error(`set: expected a list, found ${describeValue(items)}`);
  return new Set(items);
}

function codecsEncode(args: unknown[]): Uint8Array {
  const [text, encoding] = args;
  if (typeof text !== 'string') throw new Error('_codecs.encode: expected text');
  if (encoding === 'latin1' || encoding === 'latin-1' || encoding === 'iso-8859-1') return latin1Bytes(text, '_codecs.encode');
  if (encoding === 'utf-8' || encoding === 'utf8' || encoding === 'ascii') return new TextEncoder().encode(text);
  throw new Error(`_codecs.encode: unsupported encoding ${String(encoding)}`);
}

function bytearray(args: unknown[]): Uint8Array {
  if (args.length === 0) return new Uint8Array(0);
  const [value, encoding] = args;
  if (value instanceof Uint8Array) return value.slice();
  if (typeof value === 'string') return codecsEncode([value, encoding ?? 'latin1']);
  if (Array.isArray(value)) return Uint8Array.from(value as number[]);
  throw new Error(`bytearray: unsupported argument ${describeValue(value)}`);
}

/** torch.nn.Parameter / plain tensor rebuilders return the tensor itself. */
function rebuildParameter(args: unknown[]): unknown {
  if (!isNdArray(args[0])) throw new Error(`_rebuild_parameter: expected a tensor, found ${describeValue(args[0])}`);
  return args[0];
}

const torchTensor = global('torch.Tensor', {});
const torchParameter = global('torch.nn.parameter.Parameter', {});

function rebuildFromType(args: unknown[], context: CallContext): unknown {
  const [fn, type, fnArgs] = args as [PyGlobal, PyGlobal, unknown[]];
  if (type !== torchTensor && type !== torchParameter) throw new Error(`_rebuild_from_type_v2 of unsupported type ${describeValue(type)}`);
  if (typeof fn?.call !== 'function' || !Array.isArray(fnArgs)) throw new Error('_rebuild_from_type_v2: bad arguments');
  return fn.call(fnArgs, context);
}

const knownGlobals = new Map<string, PyGlobal>();

function register(names: string[], parts: Omit<PyGlobal, 'kind' | 'pyName'> | PyGlobal): void {
  for (const name of names) {
    knownGlobals.set(name, 'kind' in parts ? parts : global(name, parts));
  }
}

const numpyCores = ['numpy.core', 'numpy._core'];
register(numpyCores.map((m) => `${m}.multiarray._reconstruct`), { call: numpyReconstruct });
register(numpyCores.map((m) => `${m}.multiarray.scalar`), { call: numpyScalar });
register(numpyCores.map((m) => `${m}.numeric._frombuffer`), { call: numpyFromBuffer });
register(['numpy.dtype'], { call: numpyDtype });
register(['numpy.ndarray'], numpyNdarray);
register(['numpy.matrix', 'numpy.matrixlib.defmatrix.matrix'], numpyMatrix);
register(['chumpy.ch.Ch', 'chumpy.Ch'], { construct: chumpyConstruct });
register(['scipy.sparse.csc.csc_matrix', 'scipy.sparse._csc.csc_matrix', 'scipy.sparse._csc.csc_array'], { construct: sparseConstruct('csc') });
register(['scipy.sparse.csr.csr_matrix', 'scipy.sparse._csr.csr_matrix', 'scipy.sparse._csr.csr_array'], { construct: sparseConstruct('csr') });
register(['builtins.set'], { call: makeSet });
register(['builtins.frozenset'], { call: makeSet });
register(['builtins.object'], pyObject);
register(['builtins.bytearray'], { call: bytearray });
register(['builtins.bytes'], { call: (args) => (args.length ? bytearray(args) : new Uint8Array(0)) });
register(['_codecs.encode'], { call: codecsEncode });
register(['collections.OrderedDict'], { call: orderedDict, construct: orderedDict });
register(['torch._utils._rebuild_tensor_v2', 'torch._utils._rebuild_tensor'], { call: rebuildTensorOrDefer });
register(['torch._utils._rebuild_parameter', 'torch._utils._rebuild_parameter_with_state'], { call: rebuildParameter });
register(['torch._tensor._rebuild_from_type_v2'], { call: rebuildFromType });
register(['torch.Tensor', 'torch._tensor.Tensor'], torchTensor);
register(['torch.nn.parameter.Parameter'], torchParameter);
register(['torch.storage._load_from_bytes'], {
  call: (args, context) => loadLegacyTorch(rawBytes(args[0], 'torch.storage._load_from_bytes'), context.unpickle),
});

/** Python 2 module names as Python 3 knows them. */
const renamedModules: Record<string, string> = { __builtin__: 'builtins', copy_reg: 'copyreg' };

/** Whether `global` is `copyreg._reconstructor` (protocol 0/1 object creation). */
export const copyregReconstructor = 'copyreg._reconstructor';

/**
 * Resolves `module.name` to a known global; throws naming the class otherwise. `copyreg` and
 * the builtin object base are handled by the reader itself.
 */
export function resolveGlobal(module: string, name: string): PyGlobal {
  const moduleName = renamedModules[module] ?? module;
  const pyName = `${moduleName}.${name}`;
  if (pyName === copyregReconstructor) return global(pyName, {});
  const storage = moduleName === 'torch' ? torchStorageType(name) : undefined;
  if (storage) return storage as unknown as PyGlobal;
  const known = knownGlobals.get(pyName);
  if (!known) throw new Error(`refusing unknown Python global '${module}.${name}' (this reader only rebuilds numpy, scipy sparse, chumpy and torch tensor data)`);
  return known;
}

export { pyObject };
