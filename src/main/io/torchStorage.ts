/**
 * PyTorch storages and tensors as the pickle reader sees them.
 *
 * Both torch.save formats keep a tensor's numbers outside the pickle: the pickle names the
 * storage through a persistent id ('storage', torch.FloatStorage, key, location, numel) and
 * `_rebuild_tensor_v2(storage, offset, size, stride, ...)` views it.
 * - Zip checkpoints (torch >= 1.6): the bytes of storage `key` are the zip entry
 *   `<archive>/data/<key>`; `torchZipPersistentLoad` resolves them.
 * - Legacy files (and `torch.storage._load_from_bytes`, used when a tensor sits inside a numpy
 *   object array as in DECA's landmark_embedding.npy): a run of pickles (magic number,
 *   protocol version, system info, the object, the storage keys) followed by each storage as
 *   an int64 element count and its raw little-endian bytes; `loadLegacyTorch` reads them.
 */

import type { NdArray, NumericData, SourceType } from './ndarray';
import { checkShape, gatherStrided, itemSize, storedDtype, typedFromBytes } from './ndarray';

/** The class object a pickle names for a storage type, e.g. GLOBAL 'torch FloatStorage'. */
export interface TorchStorageType {
  readonly kind: 'torch-storage-type';
  readonly pyName: string;
  readonly elementType: SourceType;
}

/** A storage's numbers, already widened (half → float32) and in native byte order. */
export interface TorchStorage {
  readonly kind: 'torch-storage';
  readonly elementType: SourceType;
  readonly data: NumericData;
}

const storageTypes: Record<string, SourceType> = {
  DoubleStorage: 'float64', FloatStorage: 'float32', HalfStorage: 'float16', BFloat16Storage: 'bfloat16',
  LongStorage: 'int64', IntStorage: 'int32', ShortStorage: 'int16', CharStorage: 'int8',
  ByteStorage: 'uint8', BoolStorage: 'bool',
};

/** The storage-type marker for `torch.<name>`, or undefined when `name` is not one. */
export function torchStorageType(name: string): TorchStorageType | undefined {
  const elementType = storageTypes[name];
  return elementType ? { kind: 'torch-storage-type', pyName: `torch.${name}`, elementType } : undefined;
}

/** Wraps raw little-endian bytes as a storage of `elementType`, checking the element count. */
export function torchStorageFromBytes(elementType: SourceType, bytes: Uint8Array, numel?: number, what = 'storage'): TorchStorage {
  const size = itemSize(elementType);
  const count = numel ?? Math.floor(bytes.length / size);
  if (count * size > bytes.length) throw new Error(`${what}: declares ${count} elements (${count * size} bytes) but holds ${bytes.length} bytes`);
  return { kind: 'torch-storage', elementType, data: typedFromBytes(bytes, 0, count, elementType) };
}

/** A parsed storage persistent id: ('storage', storage type, key, location, numel[, view]). */
export interface TorchStorageId {
  storageType: TorchStorageType;
  key: string;
  location: string;
  numel: number;
}

/** Reads a persistent id tuple as torch writes it; throws for anything else. */
export function parseTorchStorageId(pid: unknown): TorchStorageId {
  if (!Array.isArray(pid) || pid[0] !== 'storage' || pid.length < 5) {
    throw new Error(`unsupported persistent id ${describeValue(pid)} (expected a torch storage id)`);
  }
  const storageType = pid[1] as TorchStorageType;
  if (storageType?.kind !== 'torch-storage-type') throw new Error(`torch storage id names no storage type: ${describeValue(pid[1])}`);
  const numel = typeof pid[4] === 'bigint' ? Number(pid[4]) : pid[4];
  if (typeof numel !== 'number' || !Number.isSafeInteger(numel) || numel < 0) throw new Error(`torch storage id has a bad size ${String(pid[4])}`);
  if (pid.length > 5 && pid[5] !== null) throw new Error('torch storage views (legacy view_metadata) are not supported');
  return { storageType, key: String(pid[2]), location: String(pid[3]), numel };
}

/**
 * A `persistentLoad` for zip checkpoints: `readEntry(key)` returns the bytes of
 * `<archive>/data/<key>`. Storages shared by several tensors are read once.
 */
export function torchZipPersistentLoad(readEntry: (key: string, neededBytes: number) => Uint8Array): (pid: unknown) => TorchStorage {
  const cache = new Map<string, TorchStorage>();
  return (pid) => {
    const id = parseTorchStorageId(pid);
    let storage = cache.get(id.key);
    if (!storage) {
      storage = torchStorageFromBytes(id.storageType.elementType, readEntry(id.key, id.numel * itemSize(id.storageType.elementType)), id.numel, `storage ${id.key}`);
      cache.set(id.key, storage);
    }
    return storage;
  };
}

/** `torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...)` as a C-order NdArray. */
export function rebuildTensor(args: unknown[]): NdArray {
  const [storage, offsetValue, size, stride] = args as [TorchStorage, unknown, unknown, unknown];
  if (storage?.kind !== 'torch-storage') throw new Error(`tensor storage is not a torch storage: ${describeValue(storage)}`);
  const shape = checkShape(size, 'tensor size');
  const strides = checkShape(stride, 'tensor stride');
  const offset = Number(offsetValue);
  if (!Number.isSafeInteger(offset) || offset < 0) throw new Error(`tensor has a bad storage offset ${String(offsetValue)}`);
  const data = gatherStrided(storage.data, offset, shape, strides);
  const elementType = storage.elementType;
  const array: NdArray = { dtype: storedDtype(elementType), shape, data };
  if (elementType === 'float16' || elementType === 'bfloat16') array.widenedFrom = elementType;
  return array;
}

/** A pickle reader entry point, passed in to avoid an import cycle. */
export type Unpickler = (bytes: Uint8Array, options: { persistentLoad?: (pid: unknown) => unknown }) => { value: unknown; end: number };

/**
 * Reads a legacy (pre-zip) torch.save byte string: magic number, protocol version, system
 * info, the object (storages as persistent ids), the list of storage keys, then each storage's
 * int64 element count and bytes.
 */
export function loadLegacyTorch(bytes: Uint8Array, unpickle: Unpickler): unknown {
  let position = 0;
  const next = (persistentLoad?: (pid: unknown) => unknown): unknown => {
    const { value, end } = unpickle(bytes.subarray(position), { persistentLoad });
    position += end;
    return value;
  };
  const magic = next();
  if (magic !== 0x1950a86a20f9469cfc6cn) throw new Error('legacy torch data: bad magic number');
  const protocol = next();
  if (protocol !== 1001) throw new Error(`legacy torch data: unsupported protocol version ${String(protocol)}`);
  next(); // system info (endianness, type sizes): torch has only ever written little-endian here
  const pending = new Map<string, { elementType: SourceType; numel: number; storage?: TorchStorage }>();
  const placeholders: { target: { kind: 'torch-storage'; elementType: SourceType; data: NumericData }; key: string }[] = [];
  const result = next((pid) => {
    const id = parseTorchStorageId(pid);
    if (!pending.has(id.key)) pending.set(id.key, { elementType: id.storageType.elementType, numel: id.numel });
    // The bytes come after this pickle; hand out a placeholder filled in below.
    const target = { kind: 'torch-storage' as const, elementType: id.storageType.elementType, data: new Uint8Array(0) as NumericData };
    pendingStorages.add(target);
    placeholders.push({ target, key: id.key });
    return target;
  });
  const keys = next();
  if (!Array.isArray(keys)) throw new Error('legacy torch data: storage key list missing');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const key of keys) {
    const entry = pending.get(String(key));
    if (!entry) throw new Error(`legacy torch data: storage ${String(key)} is not referenced`);
    if (position + 8 > bytes.length) throw new Error('legacy torch data: truncated before a storage size');
    const numel = Number(view.getBigInt64(position, true));
    position += 8;
    if (numel !== entry.numel) throw new Error(`legacy torch data: storage ${String(key)} holds ${numel} elements, expected ${entry.numel}`);
    const byteLength = numel * itemSize(entry.elementType);
    if (position + byteLength > bytes.length) throw new Error(`legacy torch data: storage ${String(key)} is truncated`);
    entry.storage = torchStorageFromBytes(entry.elementType, bytes.subarray(position, position + byteLength), numel);
    position += byteLength;
  }
  for (const { target, key } of placeholders) {
    const storage = pending.get(key)?.storage;
    if (!storage) throw new Error(`legacy torch data: storage ${key} has no data`);
    target.data = storage.data;
    pendingStorages.delete(target);
  }
  return materialiseDeferred(result);
}

/** Storages of a legacy file whose bytes follow the pickle that names them. */
const pendingStorages = new WeakSet<object>();
/** Tensors viewing a pending storage, gathered once its bytes are read. */
const deferred = new WeakMap<NdArray, unknown[]>();

/**
 * `_rebuild_tensor_v2`: a C-order NdArray, or, when the storage's bytes are not read yet
 * (legacy format), an array object filled in when they are (memo references share it).
 */
export function rebuildTensorOrDefer(args: unknown[]): NdArray {
  if (!pendingStorages.has(args[0] as object)) return rebuildTensor(args);
  const array: NdArray = { dtype: 'float32', shape: [], data: new Float32Array(0) };
  deferred.set(array, args);
  return array;
}

function materialiseDeferred(value: unknown): unknown {
  const seen = new Set<unknown>();
  const stack = [value];
  while (stack.length) {
    const item = stack.pop();
    if (typeof item !== 'object' || item === null || seen.has(item)) continue;
    seen.add(item);
    const args = deferred.get(item as NdArray);
    if (args) {
      Object.assign(item, rebuildTensor(args));
      deferred.delete(item as NdArray);
      continue;
    }
    if (Array.isArray(item)) stack.push(...item);
    else if ((item as NdArray).dtype === 'object' && Array.isArray((item as NdArray).data)) stack.push(...((item as NdArray).data as unknown[]));
    else if (item instanceof Map) for (const [k, v] of item) stack.push(k, v);
    else if (item instanceof Set) stack.push(...item);
  }
  return value;
}

/** Short description of a value for error messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'None';
  if (Array.isArray(value)) return `tuple/list of ${value.length}`;
  if (value instanceof Map) return 'dict';
  if (typeof value === 'object') {
    const name = (value as { pyName?: string }).pyName;
    return name ? `<${name}>` : `<${(value as object).constructor?.name ?? 'object'}>`;
  }
  return `${typeof value} ${String(value).slice(0, 40)}`;
}
