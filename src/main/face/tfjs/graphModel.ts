/**
 * Reader for TensorFlow.js graph models (`model.json` + binary weight shards), the format the
 * face models of @vladmandic/human ship in.
 *
 * Why our own reader: the app runs every network on onnxruntime-node, so the TF graph is only
 * read, never executed; tfjs-converter's loader would pull in the whole tfjs runtime just to
 * hand us the same JSON. The format is small: `modelTopology.node` is a list of TF NodeDefs
 * (name, op, inputs, attrs in protobuf-JSON form) and `weightsManifest` lists the constant
 * tensors, concatenated in order over each group's shard files, optionally quantised
 * (float16, or affine uint8/uint16 with `scale` and `min`).
 */
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Element types a TF graph model's tensors can have here. */
export type TfDType = 'float32' | 'int32' | 'bool';

/** A constant tensor from the weights manifest, dequantised. */
export interface TfTensor {
  name: string;
  dtype: TfDType;
  shape: number[];
  data: Float32Array | Int32Array | Uint8Array;
}

/** One decoded attribute value of a NodeDef. */
export type TfAttr =
  | { kind: 'int'; value: number }
  | { kind: 'float'; value: number }
  | { kind: 'bool'; value: boolean }
  | { kind: 'string'; value: string }
  | { kind: 'type'; value: string }
  | { kind: 'ints'; value: number[] }
  | { kind: 'floats'; value: number[] }
  | { kind: 'strings'; value: string[] }
  | { kind: 'shape'; value: number[] }
  | { kind: 'other' };

/** A TF NodeDef with inputs split into node name and output index. */
export interface TfNode {
  name: string;
  op: string;
  /** Data inputs in order (control inputs `^name` are dropped). */
  inputs: { node: string; output: number }[];
  attrs: Record<string, TfAttr>;
}

/** A parsed graph model. */
export interface TfGraphModel {
  /** Where it was read from (for messages). */
  source: string;
  format: string;
  generatedBy: string;
  convertedBy: string;
  nodes: TfNode[];
  /** Constant tensors by node name (the Const nodes' values). */
  weights: Map<string, TfTensor>;
  /** Placeholder nodes with their declared shapes (-1 for unknown dimensions). */
  inputs: { name: string; shape: number[] }[];
  /** Output node names: the signature's when present, else every non-Const node nobody consumes. */
  outputs: string[];
}

interface ManifestEntry {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string; scale?: number; min?: number; original_dtype?: string };
}

/** Reads `model.json` and its shards from disk. */
export function readTfjsGraphModel(jsonPath: string): TfGraphModel {
  if (!existsSync(jsonPath)) throw new Error(`${jsonPath}: TFJS model file not found`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(jsonPath, 'utf8'));
  } catch (e) {
    throw new Error(`${jsonPath}: not valid JSON (${(e as Error).message})`);
  }
  const dir = dirname(jsonPath);
  return parseTfjsGraphModel(json, jsonPath, (shard) => {
    const p = join(dir, shard);
    if (!existsSync(p)) throw new Error(`${jsonPath}: weight shard ${shard} not found beside it`);
    return new Uint8Array(readFileSync(p));
  });
}

/** Parses an already loaded `model.json`; `readShard` returns the bytes of one shard path. */
export function parseTfjsGraphModel(json: unknown, source: string, readShard: (path: string) => Uint8Array): TfGraphModel {
  const fail = (msg: string): never => {
    throw new Error(`${source}: ${msg}`);
  };
  if (!isObject(json)) fail('model.json is not an object');
  const root = json as Record<string, unknown>;
  if (root.format !== undefined && root.format !== 'graph-model') fail(`format '${String(root.format)}' is not a TFJS graph model`);
  const topology = root.modelTopology;
  if (!isObject(topology) || !Array.isArray((topology as Record<string, unknown>).node)) fail('modelTopology.node missing');
  const rawNodes = (topology as { node: unknown[] }).node;
  if (!Array.isArray(root.weightsManifest)) fail('weightsManifest missing');

  const nodes = rawNodes.map((n, i) => parseNode(n, i, fail));
  const weights = readWeights(root.weightsManifest as unknown[], readShard, fail);

  const byName = new Map(nodes.map((n) => [n.name, n]));
  for (const n of nodes) {
    for (const input of n.inputs) {
      if (!byName.has(input.node)) fail(`node ${n.name} reads unknown node ${input.node}`);
    }
    if (n.op === 'Const' && !weights.has(n.name)) fail(`Const node ${n.name} has no entry in weightsManifest`);
  }

  const inputs = nodes
    .filter((n) => n.op === 'Placeholder')
    .map((n) => {
      const s = n.attrs.shape;
      return { name: n.name, shape: s && s.kind === 'shape' ? s.value : [] };
    });
  return {
    source,
    format: String(root.format ?? 'graph-model'),
    generatedBy: String(root.generatedBy ?? ''),
    convertedBy: String(root.convertedBy ?? ''),
    nodes,
    weights,
    inputs,
    outputs: findOutputs(root, nodes),
  };
}

function findOutputs(root: Record<string, unknown>, nodes: TfNode[]): string[] {
  const signature = root.signature as { outputs?: Record<string, { name?: string }> } | undefined;
  if (signature?.outputs) {
    const names = Object.values(signature.outputs).map((o) => String(o.name ?? '').split(':')[0]);
    if (names.length > 0 && names.every((n) => nodes.some((node) => node.name === n))) return names;
  }
  const consumed = new Set<string>();
  for (const n of nodes) for (const i of n.inputs) consumed.add(i.node);
  return nodes.filter((n) => !consumed.has(n.name) && n.op !== 'Const' && n.op !== 'Placeholder').map((n) => n.name);
}

function parseNode(raw: unknown, index: number, fail: (m: string) => never): TfNode {
  if (!isObject(raw)) fail(`node #${index} is not an object`);
  const r = raw as Record<string, unknown>;
  if (typeof r.name !== 'string' || typeof r.op !== 'string') fail(`node #${index} lacks name or op`);
  const inputs: TfNode['inputs'] = [];
  for (const s of (r.input as unknown[] | undefined) ?? []) {
    if (typeof s !== 'string') fail(`node ${String(r.name)}: input is not a string`);
    const name = s as string;
    if (name.startsWith('^')) continue;
    const colon = name.lastIndexOf(':');
    if (colon > 0 && /^\d+$/.test(name.slice(colon + 1))) {
      inputs.push({ node: name.slice(0, colon), output: Number(name.slice(colon + 1)) });
    } else {
      inputs.push({ node: name, output: 0 });
    }
  }
  const attrs: Record<string, TfAttr> = {};
  const rawAttrs = (r.attr as Record<string, unknown> | undefined) ?? {};
  for (const [key, value] of Object.entries(rawAttrs)) attrs[key] = parseAttr(value);
  return { name: r.name as string, op: r.op as string, inputs, attrs };
}

/** Decodes one AttrValue from its protobuf-JSON form (int64s come as strings, bytes as base64). */
function parseAttr(value: unknown): TfAttr {
  if (!isObject(value)) return { kind: 'other' };
  const v = value as Record<string, unknown>;
  if ('i' in v) return { kind: 'int', value: Number(v.i) };
  if ('f' in v) return { kind: 'float', value: Number(v.f) };
  if ('b' in v) return { kind: 'bool', value: Boolean(v.b) };
  if ('s' in v) return { kind: 'string', value: Buffer.from(String(v.s), 'base64').toString('latin1') };
  if ('type' in v) return { kind: 'type', value: String(v.type) };
  if ('shape' in v) {
    const dims = ((v.shape as { dim?: { size?: string | number }[] }).dim ?? []).map((d) => Number(d.size ?? -1));
    return { kind: 'shape', value: dims };
  }
  if ('list' in v && isObject(v.list)) {
    const list = v.list as Record<string, unknown[]>;
    if (Array.isArray(list.i)) return { kind: 'ints', value: list.i.map(Number) };
    if (Array.isArray(list.f)) return { kind: 'floats', value: list.f.map(Number) };
    if (Array.isArray(list.s)) return { kind: 'strings', value: list.s.map((s) => Buffer.from(String(s), 'base64').toString('latin1')) };
    return { kind: 'ints', value: [] };
  }
  return { kind: 'other' };
}

function readWeights(manifest: unknown[], readShard: (p: string) => Uint8Array, fail: (m: string) => never): Map<string, TfTensor> {
  const weights = new Map<string, TfTensor>();
  for (const [g, groupRaw] of manifest.entries()) {
    if (!isObject(groupRaw)) fail(`weightsManifest[${g}] is not an object`);
    const group = groupRaw as { paths?: unknown; weights?: unknown };
    if (!Array.isArray(group.paths) || !Array.isArray(group.weights)) fail(`weightsManifest[${g}] lacks paths or weights`);
    const shards = (group.paths as string[]).map((p) => readShard(p));
    const total = shards.reduce((s, b) => s + b.length, 0);
    const bytes = new Uint8Array(total);
    let at = 0;
    for (const s of shards) {
      bytes.set(s, at);
      at += s.length;
    }
    let offset = 0;
    for (const entryRaw of group.weights as unknown[]) {
      const entry = entryRaw as ManifestEntry;
      if (typeof entry?.name !== 'string' || !Array.isArray(entry.shape)) fail(`weightsManifest[${g}] has a malformed entry`);
      const shape = entry.shape.map(Number);
      if (shape.some((d) => !Number.isInteger(d) || d < 0)) fail(`weight ${entry.name}: invalid shape [${shape.join(',')}]`);
      const size = shape.reduce((a, b) => a * b, 1);
      const q = entry.quantization;
      const storedType = q ? q.dtype : entry.dtype;
      const width = bytesPer(storedType, entry.name, fail);
      const length = size * width;
      if (offset + length > bytes.length) {
        fail(`weight ${entry.name} needs bytes ${offset}..${offset + length} but the shards hold ${bytes.length}`);
      }
      const slice = bytes.slice(offset, offset + length); // copy: aligned for typed-array views
      offset += length;
      weights.set(entry.name, decodeWeight(entry, shape, slice, fail));
    }
    if (offset !== bytes.length) fail(`weightsManifest[${g}]: ${bytes.length - offset} bytes left over after the last weight`);
  }
  return weights;
}

function decodeWeight(entry: ManifestEntry, shape: number[], bytes: Uint8Array, fail: (m: string) => never): TfTensor {
  const q = entry.quantization;
  const dtype = entry.dtype as TfDType;
  if (dtype !== 'float32' && dtype !== 'int32' && dtype !== 'bool') fail(`weight ${entry.name}: dtype ${entry.dtype} not supported`);
  if (!q) {
    if (dtype === 'float32') return { name: entry.name, dtype, shape, data: new Float32Array(bytes.buffer) };
    if (dtype === 'int32') return { name: entry.name, dtype, shape, data: new Int32Array(bytes.buffer) };
    return { name: entry.name, dtype, shape, data: bytes };
  }
  if (q.dtype === 'float16') {
    if (dtype !== 'float32') fail(`weight ${entry.name}: float16 quantisation of ${dtype}`);
    const halves = new Uint16Array(bytes.buffer);
    const out = new Float32Array(halves.length);
    for (let i = 0; i < halves.length; i++) out[i] = halfToFloat(halves[i]);
    return { name: entry.name, dtype, shape, data: out };
  }
  if (q.dtype === 'uint8' || q.dtype === 'uint16') {
    const raw = q.dtype === 'uint8' ? bytes : new Uint16Array(bytes.buffer);
    const scale = Number(q.scale);
    const min = Number(q.min);
    if (!Number.isFinite(scale) || !Number.isFinite(min)) fail(`weight ${entry.name}: quantisation lacks scale/min`);
    if (dtype === 'int32') {
      const out = new Int32Array(raw.length);
      for (let i = 0; i < raw.length; i++) out[i] = Math.round(raw[i] * scale + min);
      return { name: entry.name, dtype, shape, data: out };
    }
    const out = new Float32Array(raw.length);
    for (let i = 0; i < raw.length; i++) out[i] = raw[i] * scale + min;
    return { name: entry.name, dtype: 'float32', shape, data: out };
  }
  return fail(`weight ${entry.name}: quantisation dtype ${q.dtype} not supported`);
}

function bytesPer(dtype: string, name: string, fail: (m: string) => never): number {
  switch (dtype) {
    case 'float32':
    case 'int32':
      return 4;
    case 'float16':
    case 'uint16':
      return 2;
    case 'uint8':
    case 'bool':
      return 1;
    default:
      return fail(`weight ${name}: dtype ${dtype} not supported`);
  }
}

/** IEEE 754 binary16 bit pattern → number. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const mantissa = h & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 31) return mantissa ? NaN : sign * Infinity;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

function isObject(x: unknown): x is object {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
