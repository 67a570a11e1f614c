/**
 * float16 support: IEEE half conversions and the IR pass that turns a float32 graph into a
 * float16 one for GPU execution providers (half the memory traffic, tensor cores). Graph inputs
 * and outputs stay float32 (Casts are inserted at the boundary) so callers never see halves.
 */
import { GraphBuilder } from './builder';
import type { Value } from './ir';
import { Graph } from './ir';
import { onnxDataType } from './ops';

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** float32 → float16 bit pattern, round to nearest even; overflow → ±Inf; NaN kept. */
export function toFloat16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  let mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  let e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    let m = mantissa >>> shift;
    const rest = mantissa & ((1 << shift) - 1);
    if (rest > half || (rest === half && (m & 1))) m++;
    return sign | m;
  }
  let m = mantissa >>> 13;
  const rest = mantissa & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && (m & 1))) {
    m++;
    if (m === 0x400) {
      m = 0;
      e++;
      if (e >= 0x1f) return sign | 0x7c00;
    }
  }
  return sign | (e << 10) | m;
}

/** float16 bit pattern → number. */
export function fromFloat16Bits(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa ? NaN : sign * Infinity;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/** Converts a float32 array to float16 bits. */
export function float32ToFloat16(data: Float32Array): Uint16Array {
  const out = new Uint16Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = toFloat16Bits(data[i]);
  return out;
}

/** Converts float16 bits to float32. */
export function float16ToFloat32(data: Uint16Array): Float32Array {
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = fromFloat16Bits(data[i]);
  return out;
}

/** Inputs that must stay float32 whatever the compute type (ONNX requires float scales/roi). */
const float32Operands: Readonly<Record<string, readonly number[]>> = Object.freeze({ Resize: [1, 2] });

/**
 * Returns a float16 copy of a float32 graph. Nodes tagged 'float32' (GraphBuilder.tagged:
 * normalisation statistics, softmax) still compute in float32, with Casts inserted where
 * precisions meet; float32 initialisers become float16 unless only float32 nodes (or operands
 * ONNX requires as float32) use them; float outputs are cast back to float32. Input and output
 * names are unchanged, so feeds and fetches work as for the original graph.
 */
export function convertGraphToFloat16(source: Graph): Graph {
  const b = new GraphBuilder(new Graph(`${source.name}.fp16`));
  const map = new Map<Value, Value>();
  const casts = new Map<string, Value>();
  const keep32 = new Set<Value>();
  const usedAtHalf = new Set<Value>();
  for (const node of source.nodes) {
    const fixed = float32Operands[node.opType] ?? [];
    node.inputs.forEach((v, i) => {
      if (!v) return;
      if (fixed.includes(i)) keep32.add(v);
      else if (!node.tags.includes('float32')) usedAtHalf.add(v);
    });
  }
  for (const input of source.inputs) map.set(input, b.input(input.name, input.dtype, input.shape));
  for (const init of source.initializers) {
    const convert = init.dtype === 'float32' && !keep32.has(init) && usedAtHalf.has(init);
    map.set(init, b.initializer(init.name, convert
      ? { dtype: 'float16', shape: init.shape, data: float32ToFloat16(init.data as Float32Array) }
      : { dtype: init.dtype, shape: init.shape, data: init.data! }));
  }
  // the value of `old` in the wanted float type, casting once per value and type
  const at = (old: Value, want: 'float16' | 'float32'): Value => {
    const v = map.get(old)!;
    if (v.dtype === want || (v.dtype !== 'float16' && v.dtype !== 'float32') || keep32.has(old)) return v;
    const key = `${v.id}:${want}`;
    let cast = casts.get(key);
    if (!cast) {
      cast = b.cast(v, want);
      casts.set(key, cast);
    }
    return cast;
  };
  for (const node of source.nodes) {
    const full = node.tags.includes('float32');
    const inputs = node.inputs.map((v) => (v ? at(v, full ? 'float32' : 'float16') : null));
    const attributes = { ...node.attributes };
    if (node.opType === 'Cast' && attributes.to === onnxDataType.float32 && !full) attributes.to = onnxDataType.float16;
    // other tags (e.g. the training graph's normalisation segments) carry over
    const tags = [full ? 'float32' : 'float16', ...node.tags.filter((tag) => tag !== 'float32' && tag !== 'float16')];
    const outputs = b.taggedAll(tags, () => b.op(node.opType, inputs, attributes, node.outputs.length));
    node.outputs.forEach((v, i) => map.set(v, outputs[i]));
  }
  for (const output of source.outputs) b.output(at(output, 'float32'), output.name);
  // inputs and outputs keep their names, so symbolic dimensions carry over by name
  for (const [name, axes] of source.symbolicDims) for (const [axis, symbol] of axes) b.graph.markSymbolic(name, axis, symbol);
  return b.graph;
}
