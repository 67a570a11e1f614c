/**
 * The graph IR every network in Rig Studio is built in: values with static shapes and dtypes,
 * nodes that are exactly one ONNX operator (default `ai.onnx` domain, opset 17) with plain
 * attribute values, and named graph inputs, initialisers and outputs.
 *
 * Why our own IR and builder: the app must both run its networks on onnxruntime-node and
 * differentiate them (stage-2 fine-tuning) without Python. No TypeScript ONNX builder exists that
 * also hands back a typed IR a reverse-mode autodiff can walk, so the IR is the single source:
 * model definitions build it, `nn/autodiff` appends gradient nodes to the same graph, and
 * `serialize.ts` turns it into ONNX bytes.
 *
 * Invariants the autodiff relies on:
 * - `graph.nodes` is in topological order (nodes are only appended, after their inputs exist);
 * - a value has exactly one producer (a node, or none for inputs and initialisers);
 * - node inputs/outputs are `Value` objects (never names), so walking backwards is direct;
 * - graphs stay open: a builder can keep appending to an existing graph, and outputs can be
 *   added at any time.
 */

/** Element types the IR supports (names follow onnxruntime-node's tensor types). */
export type DType = 'float32' | 'float16' | 'float64' | 'int64' | 'int32' | 'bool' | 'uint8';

/** A static shape; every dimension is known at build time. */
export type Shape = readonly number[];

/**
 * Raw tensor contents. float16 is stored as its IEEE bit patterns in a Uint16Array; bool as
 * 0/1 bytes; int64 as BigInt64Array.
 */
export type TensorData = Float32Array | Float64Array | Uint16Array | BigInt64Array | Int32Array | Uint8Array;

/** A tensor with its shape and dtype. */
export interface Tensor {
  dtype: DType;
  shape: Shape;
  data: TensorData;
}

/** Where a value comes from. */
export type ValueKind = 'input' | 'initializer' | 'intermediate';

/** Attribute values are plain data; each op's spec (ops.ts) declares their ONNX types. */
export type AttributeValue = number | string | readonly number[] | readonly string[] | Tensor;

let nextValueId = 1;
let nextNodeId = 1;

/** One tensor-valued edge of the graph. */
export class Value {
  /** Unique across the process; handy as a map key when names change. */
  readonly id = nextValueId++;
  /** Producing node; null for graph inputs and initialisers. */
  producer: Node | null = null;
  /** Contents of an initialiser (kind 'initializer'); undefined otherwise. */
  data: TensorData | undefined;

  constructor(
    /** Unique within its graph; may be changed by `Graph.rename` before serialisation. */
    public name: string,
    readonly dtype: DType,
    readonly shape: Shape,
    readonly kind: ValueKind,
  ) {}

  /** Number of elements. */
  get size(): number {
    return shapeSize(this.shape);
  }

  get rank(): number {
    return this.shape.length;
  }

  toString(): string {
    return `${this.name}: ${this.dtype}[${this.shape.join(',')}]`;
  }
}

/** One ONNX operator application. */
export class Node {
  readonly id = nextNodeId++;

  constructor(
    readonly opType: string,
    /** null marks an omitted optional input (serialised as ''). */
    readonly inputs: readonly (Value | null)[],
    readonly outputs: readonly Value[],
    readonly attributes: Readonly<Record<string, AttributeValue>>,
    readonly name: string,
    /** Free-form markers set by GraphBuilder.tagged, e.g. 'float32' (keep full precision in fp16 graphs). */
    readonly tags: readonly string[] = [],
  ) {}
}

/** A computation graph under construction or finished. */
export class Graph {
  readonly nodes: Node[] = [];
  readonly inputs: Value[] = [];
  readonly outputs: Value[] = [];
  readonly initializers: Value[] = [];
  private readonly names = new Map<string, Value>();
  private readonly counters = new Map<string, number>();
  private readonly nodeNames = new Set<string>();
  /**
   * Dimensions of graph inputs/outputs that are symbolic in the serialised model (ONNX
   * dim_param), by value name → axis → symbol. The IR still builds with a representative size;
   * the model code must not bake that size into constants (Reshape uses 0 or −1 for such a
   * dimension), which `symbolicBatch` graphs are tested for by building at two sizes.
   */
  readonly symbolicDims = new Map<string, Map<number, string>>();

  constructor(public name = 'graph') {}

  /** Marks `axis` of the input or output `name` as the symbol `symbol` in the serialised model. */
  markSymbolic(name: string, axis: number, symbol: string): void {
    let axes = this.symbolicDims.get(name);
    if (!axes) this.symbolicDims.set(name, (axes = new Map()));
    axes.set(axis, symbol);
  }

  /** A name not used yet in this graph, derived from `base`. */
  uniqueName(base: string): string {
    const taken = (name: string) => this.names.has(name) || this.nodeNames.has(name);
    if (!taken(base)) return base;
    let n = this.counters.get(base) ?? 1;
    while (taken(`${base}_${n}`)) n++;
    this.counters.set(base, n + 1);
    return `${base}_${n}`;
  }

  /** The value with this name, if any. */
  value(name: string): Value | undefined {
    return this.names.get(name);
  }

  /** Registers a new value under an exact name; throws when the name is taken. */
  register(value: Value): Value {
    if (this.names.has(value.name)) throw new Error(`graph ${this.name}: duplicate value name '${value.name}'`);
    this.names.set(value.name, value);
    return value;
  }

  /** Declares a graph input with an exact name. */
  addInput(name: string, dtype: DType, shape: Shape): Value {
    const v = this.register(new Value(name, dtype, checkShape(shape, name), 'input'));
    this.inputs.push(v);
    return v;
  }

  /** Declares an initialiser (a constant tensor stored in the model) with an exact name. */
  addInitializer(name: string, tensor: Tensor): Value {
    checkShape(tensor.shape, name);
    if (tensor.data.length !== shapeSize(tensor.shape)) {
      throw new Error(`initialiser ${name}: ${tensor.data.length} elements for shape [${tensor.shape.join(',')}]`);
    }
    const v = this.register(new Value(name, tensor.dtype, tensor.shape, 'initializer'));
    v.data = tensor.data;
    this.initializers.push(v);
    return v;
  }

  /** Appends a node whose output values were created by the caller (see GraphBuilder.op). */
  addNode(node: Node): Node {
    for (const input of node.inputs) {
      if (input && this.names.get(input.name) !== input) {
        throw new Error(`node ${node.name} (${node.opType}): input ${input.name} does not belong to graph ${this.name}`);
      }
    }
    if (this.nodeNames.has(node.name)) throw new Error(`graph ${this.name}: duplicate node name '${node.name}'`);
    this.nodeNames.add(node.name);
    for (const output of node.outputs) {
      if (output.kind !== 'intermediate') throw new Error(`node ${node.name}: output ${output.name} is not intermediate`);
      this.register(output);
      output.producer = node;
    }
    this.nodes.push(node);
    return node;
  }

  /** Renames a value (e.g. to give a graph output a stable name). */
  rename(value: Value, name: string): void {
    if (value.name === name) return;
    if (this.names.has(name)) throw new Error(`graph ${this.name}: cannot rename ${value.name} to taken name '${name}'`);
    this.names.delete(value.name);
    value.name = name;
    this.names.set(name, value);
  }

  /** Nodes consuming each value (computed on demand; the graph is append-only). */
  consumers(): Map<Value, Node[]> {
    const map = new Map<Value, Node[]>();
    for (const node of this.nodes) {
      for (const input of node.inputs) {
        if (!input) continue;
        const list = map.get(input);
        if (list) list.push(node);
        else map.set(input, [node]);
      }
    }
    return map;
  }
}

/**
 * Makes dimension 0 of every graph input and output (rank ≥ 1) the symbol `symbol` ('N'):
 * one session then serves every batch size. Returns the graph.
 */
export function symbolicBatch(graph: Graph, symbol = 'N'): Graph {
  for (const v of [...graph.inputs, ...graph.outputs]) if (v.rank > 0) graph.markSymbolic(v.name, 0, symbol);
  return graph;
}

/** Product of the dimensions (1 for a scalar). */
export function shapeSize(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

function checkShape(shape: Shape, what: string): Shape {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new Error(`${what}: invalid shape [${shape.join(',')}]`);
  }
  return Object.freeze([...shape]);
}

/** Bytes per element as stored in ONNX raw_data. */
export function dtypeBytes(dtype: DType): number {
  switch (dtype) {
    case 'float64':
    case 'int64':
      return 8;
    case 'float32':
    case 'int32':
      return 4;
    case 'float16':
      return 2;
    case 'bool':
    case 'uint8':
      return 1;
  }
}

/** Allocates zeroed storage for `size` elements of `dtype`. */
export function allocate(dtype: DType, size: number): TensorData {
  switch (dtype) {
    case 'float32':
      return new Float32Array(size);
    case 'float64':
      return new Float64Array(size);
    case 'float16':
      return new Uint16Array(size);
    case 'int64':
      return new BigInt64Array(size);
    case 'int32':
      return new Int32Array(size);
    case 'bool':
    case 'uint8':
      return new Uint8Array(size);
  }
}

/** True for float32/float16/float64. */
export function isFloat(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float16' || dtype === 'float64';
}
