/**
 * The operator set of the IR: every op the app's graphs may contain, each with its ONNX
 * attribute types, shape/dtype inference (run at build time, so a wrong shape fails while the
 * graph is built and names the node), and a one-line description. This table is the one place
 * ops are documented; the builder (builder.ts) has one typed method per entry, and the autodiff
 * (nn/autodiff) keeps one gradient rule per entry it supports.
 *
 * All ops are from the default `ai.onnx` domain at opset 17 (so ReduceMean/ReduceMax take
 * `axes` as an attribute while ReduceSum takes it as an input, Split takes `split` as an input,
 * and Pad has no `axes` input). Shape operands (Reshape shape, Slice starts/ends/axes/steps,
 * Split sizes, Expand shape, Pad pads, ReduceSum axes, Unsqueeze/Squeeze axes, Resize scales)
 * must be constants: shapes in this IR are static.
 */
import type { AttributeValue, DType, Shape, Value } from './ir';
import { isFloat } from './ir';
import { broadcastShapes, constantFloats, constantInts, fmt, normaliseAxis, windowOutput } from './shape';

/** ONNX attribute types used for serialisation. */
export type AttributeType = 'int' | 'float' | 'ints' | 'floats' | 'string' | 'tensor';

/** Inferred type of one output. */
export interface OutputType {
  dtype: DType;
  shape: Shape;
}

type Inputs = readonly (Value | null)[];
type Attributes = Readonly<Record<string, AttributeValue>>;

/** Everything the IR knows about one op. */
export interface OpSpec {
  /** What it computes (ONNX semantics; see onnx.ai/onnx/operators for the full definition). */
  doc: string;
  /** Number of inputs: [required, maximum]. */
  arity: readonly [number, number];
  attributes: Readonly<Record<string, AttributeType>>;
  infer(what: string, inputs: Inputs, attributes: Attributes, outputCount: number): OutputType[];
}

/** ONNX TensorProto.DataType codes. */
export const onnxDataType: Readonly<Record<DType, number>> = Object.freeze({
  float32: 1,
  uint8: 2,
  int32: 6,
  int64: 7,
  bool: 9,
  float16: 10,
  float64: 11,
});

/** Inverse of onnxDataType. */
export function dtypeFromOnnx(code: number): DType {
  const entry = Object.entries(onnxDataType).find(([, c]) => c === code);
  if (!entry) throw new Error(`unsupported ONNX data type ${code}`);
  return entry[0] as DType;
}

function req(what: string, inputs: Inputs, i: number): Value {
  const v = inputs[i];
  if (!v) throw new Error(`${what}: input ${i} is required`);
  return v;
}

function sameDtype(what: string, ...values: Value[]): DType {
  for (const v of values) {
    if (v.dtype !== values[0].dtype) throw new Error(`${what}: dtype ${v.dtype} of ${v.name} differs from ${values[0].dtype} of ${values[0].name}`);
  }
  return values[0].dtype;
}

function ints(attributes: Attributes, name: string): number[] | undefined {
  const a = attributes[name];
  return a === undefined ? undefined : (a as number[]).slice();
}

function int(attributes: Attributes, name: string, fallback: number): number {
  const a = attributes[name];
  return a === undefined ? fallback : (a as number);
}

/** Two inputs of one dtype broadcast together; the output has their dtype, or bool. */
const broadcasting = (doc: string, output: 'same' | 'bool'): OpSpec => ({
  doc,
  arity: [2, 2],
  attributes: {},
  infer: (what, inputs) => {
    const a = req(what, inputs, 0);
    const b = req(what, inputs, 1);
    const dtype = sameDtype(what, a, b);
    return [{ dtype: output === 'bool' ? 'bool' : dtype, shape: broadcastShapes(what, a.shape, b.shape) }];
  },
});
const binary = (doc: string) => broadcasting(doc, 'same');
const comparison = (doc: string) => broadcasting(doc, 'bool');

const unary = (doc: string, floatOnly = true): OpSpec => ({
  doc,
  arity: [1, 1],
  attributes: {},
  infer: (what, inputs) => {
    const x = req(what, inputs, 0);
    if (floatOnly && !isFloat(x.dtype)) throw new Error(`${what}: needs a float input, got ${x.dtype}`);
    return [{ dtype: x.dtype, shape: x.shape }];
  },
});

function reduced(what: string, x: Value, axes: number[] | undefined, keepDims: boolean, noopWithEmpty = false): Shape {
  if ((!axes || axes.length === 0) && noopWithEmpty) return x.shape;
  const set = new Set((axes && axes.length > 0 ? axes : x.shape.map((_, i) => i)).map((a) => normaliseAxis(what, a, x.rank)));
  const out: number[] = [];
  x.shape.forEach((d, i) => {
    if (!set.has(i)) out.push(d);
    else if (keepDims) out.push(1);
  });
  return out;
}

const reduction = (doc: string, axesAsInput: boolean): OpSpec => ({
  doc,
  arity: axesAsInput ? [1, 2] : [1, 1],
  attributes: axesAsInput ? { keepdims: 'int', noop_with_empty_axes: 'int' } : { axes: 'ints', keepdims: 'int' },
  infer: (what, inputs, attributes) => {
    const x = req(what, inputs, 0);
    const axes = axesAsInput ? constantInts(what, inputs[1]) : ints(attributes, 'axes');
    const noop = axesAsInput && int(attributes, 'noop_with_empty_axes', 0) === 1;
    return [{ dtype: x.dtype, shape: reduced(what, x, axes, int(attributes, 'keepdims', 1) === 1, noop) }];
  },
});

function convLike(what: string, x: Value, w: Value, attributes: Attributes, transpose: boolean): Shape {
  const spatial = x.rank - 2;
  if (spatial < 1 || w.rank !== x.rank) throw new Error(`${what}: input ${fmt(x.shape)} and weight ${fmt(w.shape)} ranks do not fit`);
  const group = int(attributes, 'group', 1);
  const strides = ints(attributes, 'strides') ?? Array(spatial).fill(1);
  const dilations = ints(attributes, 'dilations') ?? Array(spatial).fill(1);
  const pads = ints(attributes, 'pads') ?? Array(2 * spatial).fill(0);
  const kernel = ints(attributes, 'kernel_shape') ?? w.shape.slice(2);
  if (kernel.some((k, i) => k !== w.shape[2 + i])) throw new Error(`${what}: kernel_shape ${fmt(kernel)} != weight ${fmt(w.shape)}`);
  const channels = x.shape[1];
  const out: number[] = [x.shape[0]];
  if (!transpose) {
    if (w.shape[1] * group !== channels) throw new Error(`${what}: weight ${fmt(w.shape)} expects ${w.shape[1] * group} input channels, input ${fmt(x.shape)} has ${channels}`);
    out.push(w.shape[0]);
    for (let i = 0; i < spatial; i++) {
      out.push(windowOutput(what, x.shape[2 + i], kernel[i], strides[i], pads[i], pads[spatial + i], dilations[i]));
    }
  } else {
    if (w.shape[0] !== channels) throw new Error(`${what}: weight ${fmt(w.shape)} expects ${w.shape[0]} input channels, input ${fmt(x.shape)} has ${channels}`);
    const outputPadding = ints(attributes, 'output_padding') ?? Array(spatial).fill(0);
    out.push(w.shape[1] * group);
    for (let i = 0; i < spatial; i++) {
      out.push(strides[i] * (x.shape[2 + i] - 1) + outputPadding[i] + (kernel[i] - 1) * dilations[i] + 1 - pads[i] - pads[spatial + i]);
    }
  }
  return out;
}

function pool(what: string, x: Value, attributes: Attributes): Shape {
  const spatial = x.rank - 2;
  const kernel = ints(attributes, 'kernel_shape');
  if (!kernel || kernel.length !== spatial) throw new Error(`${what}: kernel_shape must have ${spatial} entries`);
  const strides = ints(attributes, 'strides') ?? Array(spatial).fill(1);
  const dilations = ints(attributes, 'dilations') ?? Array(spatial).fill(1);
  const pads = ints(attributes, 'pads') ?? Array(2 * spatial).fill(0);
  const ceil = int(attributes, 'ceil_mode', 0) === 1;
  return [x.shape[0], x.shape[1], ...kernel.map((k, i) => windowOutput(what, x.shape[2 + i], k, strides[i], pads[i], pads[spatial + i], dilations[i], ceil))];
}

/** A pooling op: the window attributes every pool takes, plus its own `extra` ones. */
const pooling = (doc: string, extra: OpSpec['attributes']): OpSpec => ({
  doc,
  arity: [1, 1],
  attributes: { kernel_shape: 'ints', strides: 'ints', pads: 'ints', ceil_mode: 'int', ...extra },
  infer: (what, inputs, attributes) => {
    const x = req(what, inputs, 0);
    return [{ dtype: x.dtype, shape: pool(what, x, attributes) }];
  },
});

function sliceShape(what: string, x: Value, inputs: Inputs): Shape {
  const starts = constantInts(what, inputs[1])!;
  const ends = constantInts(what, inputs[2])!;
  const axes = constantInts(what, inputs[3]) ?? starts.map((_, i) => i);
  const steps = constantInts(what, inputs[4]) ?? starts.map(() => 1);
  const out = x.shape.slice();
  axes.forEach((axis, i) => {
    const a = normaliseAxis(what, axis, x.rank);
    const dim = x.shape[a];
    const step = steps[i];
    if (step === 0) throw new Error(`${what}: step 0`);
    const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
    let start = starts[i] < 0 ? starts[i] + dim : starts[i];
    let end = ends[i] < 0 ? ends[i] + dim : ends[i];
    if (step > 0) {
      start = clamp(start, 0, dim);
      end = clamp(end, 0, dim);
      out[a] = Math.max(0, Math.ceil((end - start) / step));
    } else {
      start = clamp(start, 0, dim - 1);
      end = clamp(end, -1, dim - 1);
      out[a] = Math.max(0, Math.ceil((start - end) / -step));
    }
  });
  return out;
}

function reshapeShape(what: string, x: Value, target: number[]): Shape {
  const out = target.map((d, i) => (d === 0 ? x.shape[i] : d));
  const known = out.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  const unknown = out.filter((d) => d === -1).length;
  if (unknown > 1) throw new Error(`${what}: more than one -1 in ${fmt(target)}`);
  if (unknown === 1) {
    if (known === 0 || x.size % known !== 0) throw new Error(`${what}: cannot reshape ${fmt(x.shape)} to ${fmt(target)}`);
    out[out.indexOf(-1)] = x.size / known;
  }
  if (out.reduce((a, b) => a * b, 1) !== x.size) throw new Error(`${what}: cannot reshape ${fmt(x.shape)} (${x.size} elements) to ${fmt(target)}`);
  return out;
}

/** The op table (frozen). */
export const opSpecs: Readonly<Record<string, OpSpec>> = Object.freeze({
  Add: binary('A + B with numpy broadcasting.'),
  Sub: binary('A − B with broadcasting.'),
  Mul: binary('A · B with broadcasting.'),
  Div: binary('A / B with broadcasting.'),
  Pow: binary('A ^ B with broadcasting (same dtype here).'),
  Max: binary('Elementwise maximum of two tensors with broadcasting.'),
  Min: binary('Elementwise minimum of two tensors with broadcasting.'),
  Less: comparison('A < B → bool, broadcasting.'),
  Greater: comparison('A > B → bool, broadcasting.'),
  Equal: comparison('A == B → bool, broadcasting.'),
  Neg: unary('−X.'),
  Abs: unary('|X|.'),
  Exp: unary('e^X.'),
  Log: unary('Natural logarithm.'),
  Sqrt: unary('Square root.'),
  Reciprocal: unary('1 / X.'),
  Sigmoid: unary('1 / (1 + e^−X).'),
  Tanh: unary('Hyperbolic tangent.'),
  Relu: unary('max(X, 0).'),
  Sin: unary('Sine.'),
  Cos: unary('Cosine.'),
  Identity: unary('Copy of X (also used to give a graph output its own name).', false),
  Where: {
    doc: 'Condition ? X : Y elementwise, broadcasting all three.',
    arity: [3, 3],
    attributes: {},
    infer: (what, inputs) => {
      const c = req(what, inputs, 0);
      const x = req(what, inputs, 1);
      const y = req(what, inputs, 2);
      if (c.dtype !== 'bool') throw new Error(`${what}: condition must be bool`);
      return [{ dtype: sameDtype(what, x, y), shape: broadcastShapes(what, c.shape, x.shape, y.shape) }];
    },
  },
  Clip: {
    doc: 'min(max(X, min), max); min and max are optional scalar inputs.',
    arity: [1, 3],
    attributes: {},
    infer: (what, inputs) => {
      const x = req(what, inputs, 0);
      for (const bound of inputs.slice(1)) if (bound && bound.size !== 1) throw new Error(`${what}: bounds must be scalars`);
      return [{ dtype: x.dtype, shape: x.shape }];
    },
  },
  Cast: {
    doc: 'Converts X to the dtype in `to` (an ONNX data type code).',
    arity: [1, 1],
    attributes: { to: 'int' },
    infer: (what, inputs, attributes) => [{ dtype: dtypeFromOnnx(attributes.to as number), shape: req(what, inputs, 0).shape }],
  },
  MatMul: {
    doc: 'Numpy matmul: [..., n, k] × [..., k, m] → [..., n, m], batch dims broadcast.',
    arity: [2, 2],
    attributes: {},
    infer: (what, inputs) => {
      const a = req(what, inputs, 0);
      const b = req(what, inputs, 1);
      const dtype = sameDtype(what, a, b);
      if (a.rank < 2 || b.rank < 2) throw new Error(`${what}: operands need rank >= 2 (got ${fmt(a.shape)} and ${fmt(b.shape)})`);
      const [n, k] = a.shape.slice(-2);
      const [k2, m] = b.shape.slice(-2);
      if (k !== k2) throw new Error(`${what}: inner dimensions differ: ${fmt(a.shape)} × ${fmt(b.shape)}`);
      return [{ dtype, shape: [...broadcastShapes(what, a.shape.slice(0, -2), b.shape.slice(0, -2)), n, m] }];
    },
  },
  Gemm: {
    doc: 'alpha·op(A)·op(B) + beta·C for 2-D A, B (op = optional transpose); C broadcasts to [M, N].',
    arity: [2, 3],
    attributes: { alpha: 'float', beta: 'float', transA: 'int', transB: 'int' },
    infer: (what, inputs, attributes) => {
      const a = req(what, inputs, 0);
      const b = req(what, inputs, 1);
      if (a.rank !== 2 || b.rank !== 2) throw new Error(`${what}: A and B must be 2-D (got ${fmt(a.shape)}, ${fmt(b.shape)})`);
      const [m, k] = int(attributes, 'transA', 0) ? [a.shape[1], a.shape[0]] : a.shape;
      const [k2, n] = int(attributes, 'transB', 0) ? [b.shape[1], b.shape[0]] : b.shape;
      if (k !== k2) throw new Error(`${what}: inner dimensions differ: ${fmt(a.shape)} × ${fmt(b.shape)} (transA=${int(attributes, 'transA', 0)}, transB=${int(attributes, 'transB', 0)})`);
      const c = inputs[2];
      if (c) {
        const shape = broadcastShapes(what, [m, n], c.shape);
        if (shape[0] !== m || shape[1] !== n) throw new Error(`${what}: C ${fmt(c.shape)} does not broadcast to [${m},${n}]`);
      }
      return [{ dtype: sameDtype(what, a, b), shape: [m, n] }];
    },
  },
  Conv: {
    doc: 'N-d convolution: X [N,C,...], W [M,C/group,k...], optional bias [M]; strides, pads (begin…, end…), dilations, group.',
    arity: [2, 3],
    attributes: { strides: 'ints', pads: 'ints', dilations: 'ints', group: 'int', kernel_shape: 'ints' },
    infer: (what, inputs, attributes) => {
      const x = req(what, inputs, 0);
      const w = req(what, inputs, 1);
      const b = inputs[2];
      if (b && (b.rank !== 1 || b.shape[0] !== w.shape[0])) throw new Error(`${what}: bias ${fmt(b.shape)} does not match weight ${fmt(w.shape)}`);
      return [{ dtype: sameDtype(what, x, w), shape: convLike(what, x, w, attributes, false) }];
    },
  },
  ConvTranspose: {
    doc: 'Transposed convolution: W [C, M/group, k...]; out = s·(in−1) + output_padding + d·(k−1) + 1 − pads.',
    arity: [2, 3],
    attributes: { strides: 'ints', pads: 'ints', dilations: 'ints', group: 'int', kernel_shape: 'ints', output_padding: 'ints' },
    infer: (what, inputs, attributes) => {
      const x = req(what, inputs, 0);
      const w = req(what, inputs, 1);
      return [{ dtype: sameDtype(what, x, w), shape: convLike(what, x, w, attributes, true) }];
    },
  },
  ReduceSum: reduction('Sum over `axes` (a constant int64 input; empty = all axes), keepdims default 1.', true),
  ReduceMean: reduction('Mean over the `axes` attribute (opset 17), keepdims default 1.', false),
  ReduceMax: reduction('Maximum over the `axes` attribute (opset 17), keepdims default 1.', false),
  Reshape: {
    doc: 'Reshape to a constant int64 shape (0 copies the input dim, one −1 is inferred).',
    arity: [2, 2],
    attributes: {},
    infer: (what, inputs) => {
      const x = req(what, inputs, 0);
      return [{ dtype: x.dtype, shape: reshapeShape(what, x, constantInts(what, req(what, inputs, 1))!) }];
    },
  },
  Unsqueeze: {
    doc: 'Inserts size-1 axes at the constant int64 `axes` (positions in the output).',
    arity: [2, 2],
    attributes: {},
    infer: (what, inputs) => {
      const x = req(what, inputs, 0);
      const rank = x.rank + constantInts(what, inputs[1])!.length;
      const axes = new Set(constantInts(what, inputs[1])!.map((a) => normaliseAxis(what, a, rank)));
      const out: number[] = [];
      let j = 0;
      for (let i = 0; i < rank; i++) out.push(axes.has(i) ? 1 : x.shape[j++]);
      return [{ dtype: x.dtype, shape: out }];
    },
  },
  Squeeze: {
    doc: 'Removes the size-1 axes listed in the constant int64 `axes` input.',
    arity: [2, 2],
    attributes: {},
    infer: (what, inputs) => {
      const x = req(what, inputs, 0);
      const axes = new Set(constantInts(what, inputs[1])!.map((a) => normaliseAxis(what, a, x.rank)));
      for (const a of axes) if (x.shape[a] !== 1) throw new Error(`${what}: axis ${a} of ${fmt(x.shape)} is not 1`);
      return [{ dtype: x.dtype, shape: x.shape.filter((_, i) => !axes.has(i)) }];
    },
  },
  Transpose: {
    doc: 'Permutes axes by `perm` (default: reverse).',
    arity: [1, 1],
    attributes: { perm: 'ints' },
    infer: (what, inputs, attributes) => {
      const x = req(what, inputs, 0);
      const perm = ints(attributes, 'perm') ?? x.shape.map((_, i) => x.rank - 1 - i);
      if (perm.length !== x.rank || [...perm].sort((a, b) => a - b).some((p, i) => p !== i)) throw new Error(`${what}: bad perm ${fmt(perm)} for rank ${x.rank}`);
      return [{ dtype: x.dtype, shape: perm.map((p) => x.shape[p]) }];
    },
  },
  Concat: {
    doc: 'Concatenates inputs along `axis`; other dims must agree.',
    arity: [1, Infinity],
    attributes: { axis: 'int' },
    infer: (what, inputs, attributes) => {
      const values = inputs.map((_, i) => req(what, inputs, i));
      const dtype = sameDtype(what, ...values);
      const axis = normaliseAxis(what, attributes.axis as number, values[0].rank);
      const out = values[0].shape.slice();
      out[axis] = 0;
      for (const v of values) {
        if (v.rank !== out.length || v.shape.some((d, i) => i !== axis && d !== out[i])) {
          throw new Error(`${what}: cannot concatenate ${values.map((u) => fmt(u.shape)).join(', ')} on axis ${axis}`);
        }
        out[axis] += v.shape[axis];
      }
      return [{ dtype, shape: out }];
    },
  },
  Split: {
    doc: 'Splits along `axis` into parts of the constant int64 `split` sizes (or equal parts).',
    arity: [1, 2],
    attributes: { axis: 'int' },
    infer: (what, inputs, attributes, outputCount) => {
      const x = req(what, inputs, 0);
      const axis = normaliseAxis(what, int(attributes, 'axis', 0), x.rank);
      const sizes = constantInts(what, inputs[1]) ?? Array(outputCount).fill(x.shape[axis] / outputCount);
      if (sizes.length !== outputCount || sizes.some((s) => !Number.isInteger(s)) || sizes.reduce((a, b) => a + b, 0) !== x.shape[axis]) {
        throw new Error(`${what}: cannot split axis ${axis} of ${fmt(x.shape)} into ${fmt(sizes)}`);
      }
      return sizes.map((s) => ({ dtype: x.dtype, shape: x.shape.map((d, i) => (i === axis ? s : d)) }));
    },
  },
  Slice: {
    doc: 'Slices with constant int64 starts, ends, axes, steps (negative steps reverse).',
    arity: [3, 5],
    attributes: {},
    infer: (what, inputs) => {
      const x = req(what, inputs, 0);
      return [{ dtype: x.dtype, shape: sliceShape(what, x, inputs) }];
    },
  },
  Expand: {
    doc: 'Broadcasts X to a constant int64 shape (numpy rules).',
    arity: [2, 2],
    attributes: {},
    infer: (what, inputs) => {
      const x = req(what, inputs, 0);
      return [{ dtype: x.dtype, shape: broadcastShapes(what, x.shape, constantInts(what, inputs[1])!) }];
    },
  },
  Resize: {
    doc: 'Resizes by constant float `scales` (roi omitted); mode, coordinate_transformation_mode, nearest_mode as ONNX.',
    arity: [1, 4],
    attributes: { mode: 'string', coordinate_transformation_mode: 'string', nearest_mode: 'string', cubic_coeff_a: 'float', exclude_outside: 'int', extrapolation_value: 'float' },
    infer: (what, inputs) => {
      const x = req(what, inputs, 0);
      const scales = constantFloats(what, inputs[2]);
      const sizes = constantInts(what, inputs[3]);
      if (sizes) return [{ dtype: x.dtype, shape: sizes }];
      if (!scales || scales.length !== x.rank) throw new Error(`${what}: needs ${x.rank} scales`);
      return [{ dtype: x.dtype, shape: x.shape.map((d, i) => Math.floor(d * scales[i])) }];
    },
  },
  Softmax: {
    doc: 'exp(X) / sum(exp(X)) along `axis` (default −1).',
    arity: [1, 1],
    attributes: { axis: 'int' },
    infer: (what, inputs, attributes) => {
      const x = req(what, inputs, 0);
      normaliseAxis(what, int(attributes, 'axis', -1), x.rank);
      return [{ dtype: x.dtype, shape: x.shape }];
    },
  },
  InstanceNormalization: {
    doc: 'Per (n, c): (X − mean) / √(var + epsilon) over all axes after the second (biased variance), then · scale[c] + B[c].',
    arity: [3, 3],
    attributes: { epsilon: 'float' },
    infer: (what, inputs) => {
      const x = req(what, inputs, 0);
      if (x.rank < 3) throw new Error(`${what}: needs [N, C, D1, …], got rank ${x.rank}`);
      for (const i of [1, 2]) {
        const p = req(what, inputs, i);
        if (p.rank !== 1 || p.shape[0] !== x.shape[1]) throw new Error(`${what}: input ${i} must be [${x.shape[1]}], got [${p.shape.join(',')}]`);
      }
      return [{ dtype: sameDtype(what, x, req(what, inputs, 1), req(what, inputs, 2)), shape: x.shape }];
    },
  },
  MaxPool: pooling('Max over windows: kernel_shape, strides, pads, dilations, ceil_mode (padding never wins).', { dilations: 'ints' }),
  AveragePool: pooling('Mean over windows: kernel_shape, strides, pads, ceil_mode, count_include_pad.', { count_include_pad: 'int' }),
  GlobalAveragePool: {
    doc: 'Mean over all spatial axes: [N,C,...] → [N,C,1,...].',
    arity: [1, 1],
    attributes: {},
    infer: (what, inputs) => {
      const x = req(what, inputs, 0);
      return [{ dtype: x.dtype, shape: x.shape.map((d, i) => (i < 2 ? d : 1)) }];
    },
  },
  Pad: {
    doc: 'Pads by constant int64 `pads` (all begins, then all ends; negative crops) with mode constant/reflect/edge.',
    arity: [2, 3],
    attributes: { mode: 'string' },
    infer: (what, inputs) => {
      const x = req(what, inputs, 0);
      const pads = constantInts(what, inputs[1])!;
      if (pads.length !== 2 * x.rank) throw new Error(`${what}: needs ${2 * x.rank} pads, got ${pads.length}`);
      return [{ dtype: x.dtype, shape: x.shape.map((d, i) => d + pads[i] + pads[x.rank + i]) }];
    },
  },
});
