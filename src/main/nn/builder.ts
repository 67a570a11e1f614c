/**
 * GraphBuilder: appends typed, shape-checked ONNX nodes to a Graph (ir.ts), one method per op
 * of the op table (ops.ts). A builder can be created over an existing graph and keep
 * appending (the autodiff adds gradient nodes this way). Shape operands are passed as plain
 * numbers and become int64 constants, so every shape stays static and is checked while the
 * graph is built; errors name the node (scope + op) and the offending shapes.
 */
import type { AttributeValue, DType, Shape, Tensor, TensorData } from './ir';
import { Graph, Node, Value, shapeSize } from './ir';
import { onnxDataType, opSpecs } from './ops';

/** Options shared by Conv and ConvTranspose. */
export interface ConvOptions {
  strides?: number[];
  /** Begin pads for each spatial axis, then end pads. A single number pads all sides. */
  pads?: number[] | number;
  dilations?: number[];
  group?: number;
  /** ConvTranspose only. */
  outputPadding?: number[];
}

/** Options of MaxPool/AveragePool. */
export interface PoolOptions {
  kernel: number[];
  strides?: number[];
  pads?: number[] | number;
  dilations?: number[];
  ceilMode?: boolean;
  /** AveragePool only (default false, as ONNX). */
  countIncludePad?: boolean;
}

/** Options of Resize (ONNX attribute values). */
export interface ResizeOptions {
  mode?: 'nearest' | 'linear' | 'cubic';
  coordinateTransformationMode?: 'half_pixel' | 'asymmetric' | 'align_corners' | 'pytorch_half_pixel';
  nearestMode?: 'floor' | 'round_prefer_floor' | 'round_prefer_ceil' | 'ceil';
}

/** Appends nodes to a graph. */
export class GraphBuilder {
  private readonly scopes: string[] = [];
  private readonly tags: string[] = [];
  private readonly constants = new Map<string, Value>();

  constructor(readonly graph: Graph = new Graph()) {}

  // ---------------------------------------------------------------- graph boundary

  /** Declares a graph input. */
  input(name: string, dtype: DType, shape: Shape): Value {
    return this.graph.addInput(name, dtype, shape);
  }

  /** Declares a named initialiser. */
  initializer(name: string, tensor: Tensor): Value {
    return this.graph.addInitializer(name, tensor);
  }

  /** A constant tensor (an initialiser with a generated name; small ones are shared). */
  constant(data: TensorData, shape: Shape, dtype: DType = dtypeOf(data)): Value {
    const small = data.length <= 16;
    const key = small ? `${dtype}|${shape.join(',')}|${Array.from(data as ArrayLike<number | bigint>, String).join(',')}` : '';
    const cached = small ? this.constants.get(key) : undefined;
    if (cached) return cached;
    const value = this.graph.addInitializer(this.graph.uniqueName(this.scoped('const')), { dtype, shape, data });
    if (small) this.constants.set(key, value);
    return value;
  }

  /** A float scalar constant of the given dtype (shape []). */
  scalar(value: number, dtype: DType = 'float32'): Value {
    if (dtype === 'float32') return this.constant(Float32Array.of(value), []);
    if (dtype === 'float64') return this.constant(Float64Array.of(value), []);
    if (dtype === 'int64') return this.constant(BigInt64Array.of(BigInt(value)), []);
    throw new Error(`scalar(): unsupported dtype ${dtype}`);
  }

  /** A 1-D int64 constant (shape operands). */
  int64s(values: readonly number[]): Value {
    return this.constant(BigInt64Array.from(values, (v) => BigInt(v)), [values.length], 'int64');
  }

  /** Marks a value as a graph output under `name` (inserting an Identity when needed). */
  output(value: Value, name?: string): Value {
    let out = value;
    const isOutput = this.graph.outputs.includes(value);
    if (value.kind !== 'intermediate' || isOutput || (name !== undefined && name !== value.name && this.graph.value(name))) {
      out = this.op('Identity', [value])[0];
    }
    if (name !== undefined && out.name !== name) this.graph.rename(out, name);
    this.graph.outputs.push(out);
    return out;
  }

  // ---------------------------------------------------------------- naming

  /** Runs `body` with `name` appended to the scope used for node and value names. */
  scope<T>(name: string, body: () => T): T {
    this.scopes.push(name);
    try {
      return body();
    } finally {
      this.scopes.pop();
    }
  }

  /**
   * Runs `body` with `tag` added to every node it appends. 'float32' marks numerically
   * sensitive regions (normalisation statistics, softmax) that the float16 pass keeps in
   * float32, as upstream computes GroupNorm and attention weights in fp32.
   */
  tagged<T>(tag: string, body: () => T): T {
    return this.taggedAll([tag], body);
  }

  /** `tagged` with several tags at once (e.g. to rebuild a node with the tags it had). */
  taggedAll<T>(tags: readonly string[], body: () => T): T {
    this.tags.push(...tags);
    try {
      return body();
    } finally {
      this.tags.length -= tags.length;
    }
  }

  private scoped(base: string): string {
    return this.scopes.length > 0 ? `${this.scopes.join('.')}/${base}` : base;
  }

  // ---------------------------------------------------------------- generic op

  /**
   * Appends one node of any op in the op table; infers and checks output types.
   * Returns the output values. The typed methods below all go through here.
   */
  op(opType: string, inputs: readonly (Value | null)[], attributes: Record<string, AttributeValue | undefined> = {}, outputCount = 1): Value[] {
    const spec = opSpecs[opType];
    if (!spec) throw new Error(`unknown op ${opType}`);
    const nodeName = this.graph.uniqueName(this.scoped(opType));
    const what = `${nodeName} (${opType})`;
    let last = inputs.length;
    while (last > 0 && inputs[last - 1] === null) last--;
    const trimmed = inputs.slice(0, last);
    if (trimmed.length < spec.arity[0] || trimmed.length > spec.arity[1]) {
      throw new Error(`${what}: takes ${spec.arity[0]}..${spec.arity[1]} inputs, got ${trimmed.length}`);
    }
    const attrs: Record<string, AttributeValue> = {};
    for (const [key, v] of Object.entries(attributes)) {
      if (v === undefined) continue;
      if (!(key in spec.attributes)) throw new Error(`${what}: unknown attribute ${key}`);
      attrs[key] = Array.isArray(v) ? Object.freeze(v.slice()) : v;
    }
    const types = spec.infer(what, trimmed, attrs, outputCount);
    const outputs = types.map((t, i) => new Value(this.graph.uniqueName(`${nodeName}${types.length > 1 ? `:${i}` : ''}`), t.dtype, Object.freeze([...t.shape]), 'intermediate'));
    this.graph.addNode(new Node(opType, trimmed, outputs, Object.freeze(attrs), nodeName, Object.freeze([...new Set(this.tags)])));
    return outputs;
  }

  private one(opType: string, inputs: readonly (Value | null)[], attributes: Record<string, AttributeValue | undefined> = {}): Value {
    return this.op(opType, inputs, attributes)[0];
  }

  // ---------------------------------------------------------------- elementwise

  add(a: Value, b: Value): Value { return this.one('Add', [a, b]); }
  sub(a: Value, b: Value): Value { return this.one('Sub', [a, b]); }
  mul(a: Value, b: Value): Value { return this.one('Mul', [a, b]); }
  div(a: Value, b: Value): Value { return this.one('Div', [a, b]); }
  pow(a: Value, b: Value): Value { return this.one('Pow', [a, b]); }
  max(a: Value, b: Value): Value { return this.one('Max', [a, b]); }
  min(a: Value, b: Value): Value { return this.one('Min', [a, b]); }
  less(a: Value, b: Value): Value { return this.one('Less', [a, b]); }
  greater(a: Value, b: Value): Value { return this.one('Greater', [a, b]); }
  equal(a: Value, b: Value): Value { return this.one('Equal', [a, b]); }
  where(condition: Value, x: Value, y: Value): Value { return this.one('Where', [condition, x, y]); }
  neg(x: Value): Value { return this.one('Neg', [x]); }
  abs(x: Value): Value { return this.one('Abs', [x]); }
  exp(x: Value): Value { return this.one('Exp', [x]); }
  log(x: Value): Value { return this.one('Log', [x]); }
  sqrt(x: Value): Value { return this.one('Sqrt', [x]); }
  reciprocal(x: Value): Value { return this.one('Reciprocal', [x]); }
  sigmoid(x: Value): Value { return this.one('Sigmoid', [x]); }
  tanh(x: Value): Value { return this.one('Tanh', [x]); }
  relu(x: Value): Value { return this.one('Relu', [x]); }
  sin(x: Value): Value { return this.one('Sin', [x]); }
  cos(x: Value): Value { return this.one('Cos', [x]); }
  identity(x: Value): Value { return this.one('Identity', [x]); }

  /** Clamps to [min, max]; numbers become scalar constants of x's dtype. */
  clip(x: Value, min?: number | Value, max?: number | Value): Value {
    const bound = (b: number | Value | undefined) => (b === undefined ? null : typeof b === 'number' ? this.scalar(b, x.dtype) : b);
    return this.one('Clip', [x, bound(min), bound(max)]);
  }

  cast(x: Value, dtype: DType): Value {
    return this.one('Cast', [x], { to: onnxDataType[dtype] });
  }

  // ---------------------------------------------------------------- linear algebra

  matmul(a: Value, b: Value): Value { return this.one('MatMul', [a, b]); }

  gemm(a: Value, b: Value, c?: Value, options: { alpha?: number; beta?: number; transA?: boolean; transB?: boolean } = {}): Value {
    return this.one('Gemm', [a, b, c ?? null], {
      alpha: options.alpha,
      beta: options.beta,
      transA: options.transA ? 1 : undefined,
      transB: options.transB ? 1 : undefined,
    });
  }

  conv(x: Value, weight: Value, bias?: Value, options: ConvOptions = {}): Value {
    return this.one('Conv', [x, weight, bias ?? null], convAttributes(x.rank - 2, options));
  }

  convTranspose(x: Value, weight: Value, bias?: Value, options: ConvOptions = {}): Value {
    return this.one('ConvTranspose', [x, weight, bias ?? null], {
      ...convAttributes(x.rank - 2, options),
      output_padding: options.outputPadding,
    });
  }

  // ---------------------------------------------------------------- reductions

  reduceSum(x: Value, axes: number[], keepDims = true): Value {
    return this.one('ReduceSum', [x, this.int64s(axes)], { keepdims: keepDims ? 1 : 0 });
  }

  reduceMean(x: Value, axes: number[], keepDims = true): Value {
    return this.one('ReduceMean', [x], { axes, keepdims: keepDims ? 1 : 0 });
  }

  reduceMax(x: Value, axes: number[], keepDims = true): Value {
    return this.one('ReduceMax', [x], { axes, keepdims: keepDims ? 1 : 0 });
  }

  softmax(x: Value, axis = -1): Value { return this.one('Softmax', [x], { axis }); }

  // ---------------------------------------------------------------- shapes

  reshape(x: Value, shape: number[]): Value { return this.one('Reshape', [x, this.int64s(shape)]); }
  unsqueeze(x: Value, axes: number[]): Value { return this.one('Unsqueeze', [x, this.int64s(axes)]); }
  squeeze(x: Value, axes: number[]): Value { return this.one('Squeeze', [x, this.int64s(axes)]); }
  transpose(x: Value, perm: number[]): Value { return this.one('Transpose', [x], { perm }); }
  concat(values: Value[], axis: number): Value { return this.one('Concat', values, { axis }); }
  expand(x: Value, shape: number[]): Value { return this.one('Expand', [x, this.int64s(shape)]); }

  /** Splits along `axis` into the given sizes, or into `parts` equal parts when a number. */
  split(x: Value, sizesOrParts: number[] | number, axis = 0): Value[] {
    const sizes = typeof sizesOrParts === 'number' ? null : sizesOrParts;
    const count = sizes ? sizes.length : (sizesOrParts as number);
    if (sizes === null && x.shape[axis < 0 ? axis + x.rank : axis] % count !== 0) {
      throw new Error(`split: axis ${axis} of [${x.shape.join(',')}] does not divide into ${count} parts`);
    }
    return this.op('Split', [x, sizes ? this.int64s(sizes) : null], { axis }, count);
  }

  slice(x: Value, starts: number[], ends: number[], axes?: number[], steps?: number[]): Value {
    return this.one('Slice', [x, this.int64s(starts), this.int64s(ends), axes ? this.int64s(axes) : null, steps ? this.int64s(steps) : null]);
  }

  pad(x: Value, pads: number[], mode: 'constant' | 'reflect' | 'edge' = 'constant', value?: number): Value {
    return this.one('Pad', [x, this.int64s(pads), value === undefined ? null : this.scalar(value, x.dtype)], { mode: mode === 'constant' ? undefined : mode });
  }

  resize(x: Value, scales: number[], options: ResizeOptions = {}): Value {
    return this.one('Resize', [x, null, this.constant(Float32Array.from(scales), [scales.length])], {
      mode: options.mode,
      coordinate_transformation_mode: options.coordinateTransformationMode,
      nearest_mode: options.nearestMode,
    });
  }

  // ---------------------------------------------------------------- pooling

  maxPool(x: Value, options: PoolOptions): Value {
    return this.one('MaxPool', [x], { ...poolAttributes(x.rank - 2, options), dilations: options.dilations });
  }

  averagePool(x: Value, options: PoolOptions): Value {
    return this.one('AveragePool', [x], { ...poolAttributes(x.rank - 2, options), count_include_pad: options.countIncludePad ? 1 : undefined });
  }

  globalAveragePool(x: Value): Value { return this.one('GlobalAveragePool', [x]); }
  instanceNormalization(x: Value, scale: Value, bias: Value, epsilon = 1e-5): Value {
    return this.one('InstanceNormalization', [x, scale, bias], { epsilon });
  }
}

function expandPads(spatial: number, pads: number[] | number | undefined): number[] | undefined {
  if (pads === undefined) return undefined;
  if (typeof pads === 'number') return Array(2 * spatial).fill(pads);
  if (pads.length === spatial) return [...pads, ...pads];
  return pads;
}

function convAttributes(spatial: number, options: ConvOptions): Record<string, AttributeValue | undefined> {
  return { strides: options.strides, pads: expandPads(spatial, options.pads), dilations: options.dilations, group: options.group };
}

function poolAttributes(spatial: number, options: PoolOptions): Record<string, AttributeValue | undefined> {
  return { kernel_shape: options.kernel, strides: options.strides, pads: expandPads(spatial, options.pads), ceil_mode: options.ceilMode ? 1 : undefined };
}

/** The IR dtype a typed array holds (Uint16Array is read as float16). */
export function dtypeOf(data: TensorData): DType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof BigInt64Array) return 'int64';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof Uint16Array) return 'float16';
  return 'uint8';
}

/** A float32 tensor from data and shape, checking the element count. */
export function float32Tensor(data: Float32Array, shape: Shape): Tensor {
  if (data.length !== shapeSize(shape)) throw new Error(`tensor of ${data.length} elements cannot have shape [${shape.join(',')}]`);
  return { dtype: 'float32', shape, data };
}
