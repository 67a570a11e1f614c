/**
 * safetensors read and write: an 8-byte little-endian header length, a JSON header mapping
 * names to {dtype, shape, data_offsets} (plus optional string `__metadata__`), then the raw
 * little-endian bytes. The format is small and fully specified, so it is implemented here
 * directly. F16/BF16 are widened to float32 on read; F64 is narrowed to float32.
 */
import type { DType, Tensor } from '../nn/ir';
import { float16ToFloat32 } from '../nn/float16';
import type { StateDict } from './stateDict';

const readTypes: Record<string, { bytes: number }> = {
  F64: { bytes: 8 }, F32: { bytes: 4 }, F16: { bytes: 2 }, BF16: { bytes: 2 },
  I64: { bytes: 8 }, I32: { bytes: 4 }, I16: { bytes: 2 }, I8: { bytes: 1 }, U8: { bytes: 1 }, BOOL: { bytes: 1 },
};

const writeTypes: Partial<Record<DType, string>> = { float32: 'F32', float16: 'F16', float64: 'F64', int64: 'I64', int32: 'I32', uint8: 'U8', bool: 'BOOL' };

/** A safetensors file's tensors and metadata. */
export interface SafetensorsFile {
  stateDict: StateDict;
  metadata: Record<string, string>;
}

function copyOut(bytes: Uint8Array, start: number, length: number): ArrayBuffer {
  // a fresh, aligned copy (Node's Buffer.slice would return a view of the whole file)
  const out = new Uint8Array(length);
  out.set(bytes.subarray(start, start + length));
  return out.buffer;
}

/** Parses safetensors bytes; `what` (the path) prefixes errors. */
export function readSafetensors(bytes: Uint8Array, what: string): SafetensorsFile {
  if (bytes.length < 8) throw new Error(`${what}: too short for a safetensors file (${bytes.length} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > bytes.length - 8 || headerLength > 100_000_000) {
    throw new Error(`${what}: header of ${headerLength} bytes does not fit in the file (${bytes.length} bytes); truncated or not safetensors`);
  }
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  } catch (error) {
    throw new Error(`${what}: the safetensors header is not JSON (${(error as Error).message})`, { cause: error });
  }
  if (!isObject(header)) throw new Error(`${what}: the safetensors header is ${describeJson(header)}, not an object of tensors`);
  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  const entries: TensorEntry[] = [];
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') metadata = checkMetadata(entry, what);
    else entries.push(checkEntry(name, entry, dataLength, what));
  }
  // Spans may not overlap: each tensor owns its bytes (sorted by start, each starts after the last ends).
  const spans = entries.filter((e) => e.end > e.begin).sort((a, b) => a.begin - b.begin || a.end - b.end);
  for (let i = 1; i < spans.length; i++) {
    const [previous, next] = [spans[i - 1], spans[i]];
    if (next.begin < previous.end) throw new Error(`${what}: tensor ${next.name} (bytes ${next.begin}–${next.end}) overlaps tensor ${previous.name} (bytes ${previous.begin}–${previous.end}); the file is malformed`);
  }
  const stateDict: StateDict = new Map();
  for (const { name, dtype, shape, count, begin, end } of entries) {
    stateDict.set(name, decode(dtype, copyOut(bytes, dataStart + begin, end - begin), shape, count));
  }
  return { stateDict, metadata };
}

interface TensorEntry {
  name: string;
  dtype: string;
  shape: number[];
  count: number;
  begin: number;
  end: number;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeJson(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'a list' : `a ${typeof value}`;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function checkMetadata(entry: unknown, what: string): Record<string, string> {
  if (!isObject(entry)) throw new Error(`${what}: __metadata__ is ${describeJson(entry)}, not an object of strings`);
  for (const [key, value] of Object.entries(entry)) {
    if (typeof value !== 'string') throw new Error(`${what}: __metadata__ entry ${key} is ${describeJson(value)}, not a string`);
  }
  return entry as Record<string, string>;
}

/** One header entry, every field checked against the format and the data section; throws naming the tensor. */
function checkEntry(name: string, entry: unknown, dataLength: number, what: string): TensorEntry {
  const where = `${what}: tensor ${name}`;
  if (!isObject(entry)) throw new Error(`${where}: its header entry is ${describeJson(entry)}, not {dtype, shape, data_offsets}`);
  const { dtype, shape, data_offsets: offsets } = entry;
  if (typeof dtype !== 'string') throw new Error(`${where}: dtype is ${describeJson(dtype)}, not a string`);
  const type = readTypes[dtype];
  if (!type) throw new Error(`${where} has unsupported dtype ${dtype}`);
  if (!Array.isArray(shape) || !shape.every(isCount)) throw new Error(`${where}: shape ${JSON.stringify(shape)} is not a list of non-negative whole numbers`);
  const dims = shape as number[];
  const count = dims.reduce((a, d) => a * d, 1);
  if (!Number.isSafeInteger(count * type.bytes)) throw new Error(`${where}: shape [${dims.join(',')}] is too large`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) {
    throw new Error(`${where}: data_offsets ${JSON.stringify(offsets)} is not two non-negative whole numbers`);
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end) throw new Error(`${where}: data_offsets [${begin}, ${end}] end before they begin`);
  if (end - begin !== count * type.bytes) throw new Error(`${where} [${dims.join(',')}] ${dtype} spans ${end - begin} bytes, expected ${count * type.bytes}`);
  if (end > dataLength) throw new Error(`${where} ends at byte ${end} of ${dataLength}; the file is truncated`);
  return { name, dtype, shape: dims, count, begin, end };
}

function decode(dtype: string, buffer: ArrayBuffer, shape: number[], count: number): Tensor {
  switch (dtype) {
    case 'F32':
      return { dtype: 'float32', shape, data: new Float32Array(buffer) };
    case 'F64':
      return { dtype: 'float32', shape, data: Float32Array.from(new Float64Array(buffer)) };
    case 'F16':
      return { dtype: 'float32', shape, data: float16ToFloat32(new Uint16Array(buffer)) };
    case 'BF16': {
      const bits = new Uint16Array(buffer);
      const out = new Float32Array(count);
      const wide = new Uint32Array(out.buffer);
      for (let i = 0; i < count; i++) wide[i] = bits[i] << 16;
      return { dtype: 'float32', shape, data: out };
    }
    case 'I64':
      return { dtype: 'int64', shape, data: new BigInt64Array(buffer) };
    case 'I32':
      return { dtype: 'int32', shape, data: new Int32Array(buffer) };
    case 'I16':
      return { dtype: 'int32', shape, data: Int32Array.from(new Int16Array(buffer)) };
    case 'I8':
      return { dtype: 'int32', shape, data: Int32Array.from(new Int8Array(buffer)) };
    case 'BOOL':
      return { dtype: 'bool', shape, data: new Uint8Array(buffer) };
    default:
      return { dtype: 'uint8', shape, data: new Uint8Array(buffer) };
  }
}

/** Serialises tensors (and string metadata) as safetensors bytes, 8-byte aligned. */
export function writeSafetensors(stateDict: StateDict, metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, tensor] of stateDict) {
    const dtype = writeTypes[tensor.dtype];
    if (!dtype) throw new Error(`writeSafetensors: ${name} has unsupported dtype ${tensor.dtype}`);
    header[name] = { dtype, shape: tensor.shape, data_offsets: [offset, offset + tensor.data.byteLength] };
    offset += tensor.data.byteLength;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + json.length) % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let position = 8 + headerBytes.length;
  for (const tensor of stateDict.values()) {
    out.set(new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength), position);
    position += tensor.data.byteLength;
  }
  return out;
}
