/**
 * IR → ONNX ModelProto bytes (IR version 8, opset 17, default domain).
 *
 * Why a hand-written protobuf writer instead of protobufjs + an embedded onnx.proto: we only
 * ever write, and only eight message types; the writer below keeps large initialiser buffers
 * as references and copies them exactly once into the final buffer, which matters for the
 * ~530 MB fp32 UNet (protobufjs would build an intermediate copy per tensor). Field numbers
 * are those of onnx/onnx.proto (noted next to each write).
 */
import type { AttributeValue, Graph, Tensor, TensorData, Value } from './ir';
import { opSpecs, onnxDataType } from './ops';

/** Opset of every graph the app builds. */
export const opsetVersion = 17;
const irVersion = 8;

/** Little protobuf writer: small fields go to a byte list, big byte fields are kept as views. */
class ProtoWriter {
  private readonly parts: Uint8Array[] = [];
  private pending: number[] = [];
  length = 0;

  private flush(): void {
    if (this.pending.length > 0) {
      this.parts.push(Uint8Array.from(this.pending));
      this.pending = [];
    }
  }

  private byte(b: number): void {
    this.pending.push(b);
    this.length++;
  }

  varint(value: number | bigint): void {
    if (typeof value === 'number' && value >= 0 && value < 2 ** 31) {
      let v = value;
      while (v >= 0x80) {
        this.byte((v & 0x7f) | 0x80);
        v >>>= 7;
      }
      this.byte(v);
      return;
    }
    let v = BigInt.asUintN(64, BigInt(value));
    while (v >= 0x80n) {
      this.byte(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.byte(Number(v));
  }

  private tag(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }

  int(field: number, value: number | bigint): void {
    this.tag(field, 0);
    this.varint(value);
  }

  float(field: number, value: number): void {
    this.tag(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    for (const x of b) this.byte(x);
  }

  bytes(field: number, data: Uint8Array): void {
    this.tag(field, 2);
    this.varint(data.length);
    if (data.length < 64) {
      for (const x of data) this.byte(x);
      return;
    }
    this.flush();
    this.parts.push(data);
    this.length += data.length;
  }

  string(field: number, text: string): void {
    this.bytes(field, new TextEncoder().encode(text));
  }

  message(field: number, inner: ProtoWriter): void {
    inner.flush();
    this.tag(field, 2);
    this.varint(inner.length);
    this.flush();
    // A loop, not push(...parts): a large graph has more parts than a call takes arguments.
    for (const part of inner.parts) this.parts.push(part);
    this.length += inner.length;
  }

  packedInts(field: number, values: readonly number[]): void {
    // A packed repeated field is encoded like an embedded message of bare varints.
    const inner = new ProtoWriter();
    for (const v of values) inner.varint(v);
    this.message(field, inner);
  }

  packedFloats(field: number, values: readonly number[]): void {
    const data = new Uint8Array(4 * values.length);
    const view = new DataView(data.buffer);
    values.forEach((v, i) => view.setFloat32(4 * i, v, true));
    this.bytes(field, data);
  }

  finish(): Uint8Array {
    this.flush();
    if (this.parts.length === 1) return this.parts[0];
    const out = new Uint8Array(this.length);
    let offset = 0;
    for (const part of this.parts) {
      out.set(part, offset);
      offset += part.length;
    }
    return out;
  }
}

function rawBytes(data: TensorData): Uint8Array {
  // the typed arrays are little-endian on every platform Node supports
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function tensorProto(name: string, tensor: Tensor): ProtoWriter {
  const w = new ProtoWriter();
  for (const d of tensor.shape) w.int(1, d); // dims (unpacked is valid for repeated int64)
  w.int(2, onnxDataType[tensor.dtype]); // data_type
  w.string(8, name); // name
  w.bytes(9, rawBytes(tensor.data)); // raw_data
  return w;
}

function valueInfo(value: Value, symbols?: ReadonlyMap<number, string>): ProtoWriter {
  const shape = new ProtoWriter();
  value.shape.forEach((d, axis) => {
    const dim = new ProtoWriter();
    const symbol = symbols?.get(axis);
    if (symbol !== undefined) dim.string(2, symbol); // dim_param
    else dim.int(1, d); // dim_value
    shape.message(1, dim); // TensorShapeProto.dim
  });
  const tensorType = new ProtoWriter();
  tensorType.int(1, onnxDataType[value.dtype]); // elem_type
  tensorType.message(2, shape); // shape
  const type = new ProtoWriter();
  type.message(1, tensorType); // TypeProto.tensor_type
  const w = new ProtoWriter();
  w.string(1, value.name); // ValueInfoProto.name
  w.message(2, type); // type
  return w;
}

function attributeProto(opType: string, name: string, value: AttributeValue): ProtoWriter {
  const type = opSpecs[opType].attributes[name];
  const w = new ProtoWriter();
  w.string(1, name);
  switch (type) {
    case 'int':
      w.int(20, 2); // type INT
      w.int(3, value as number);
      break;
    case 'float':
      w.int(20, 1); // FLOAT
      w.float(2, value as number);
      break;
    case 'string':
      w.int(20, 3); // STRING
      w.string(4, value as string);
      break;
    case 'ints':
      w.int(20, 7); // INTS
      w.packedInts(8, value as number[]);
      break;
    case 'floats':
      w.int(20, 6); // FLOATS
      w.packedFloats(7, value as number[]);
      break;
    case 'tensor':
      w.int(20, 4); // TENSOR
      w.message(5, tensorProto('', value as Tensor));
      break;
    default:
      throw new Error(`${opType}: attribute ${name} has no declared type`);
  }
  return w;
}

/** Options for serialisation. */
export interface SerializeOptions {
  producerName?: string;
  /** Free-form metadata stored as metadata_props. */
  metadata?: Record<string, string>;
}

/**
 * Serialises a graph to ONNX bytes. Intermediate values get value_info entries so a reader
 * sees our static shapes, except in a graph with symbolic dimensions (graph.symbolicDims: those
 * input/output dims become dim_param), where the runtime infers intermediate shapes itself;
 * unused initialisers are kept (ORT ignores them).
 */
export function serializeGraph(graph: Graph, options: SerializeOptions = {}): Uint8Array {
  if (graph.outputs.length === 0) throw new Error(`graph ${graph.name}: no outputs`);
  const g = new ProtoWriter();
  for (const node of graph.nodes) {
    const n = new ProtoWriter();
    for (const input of node.inputs) n.string(1, input ? input.name : ''); // input
    for (const output of node.outputs) n.string(2, output.name); // output
    n.string(3, node.name); // name
    n.string(4, node.opType); // op_type
    for (const [name, value] of Object.entries(node.attributes)) n.message(5, attributeProto(node.opType, name, value)); // attribute
    g.message(1, n); // GraphProto.node
  }
  g.string(2, graph.name); // name
  for (const init of graph.initializers) {
    g.message(5, tensorProto(init.name, { dtype: init.dtype, shape: init.shape, data: init.data! })); // initializer
  }
  const symbolic = graph.symbolicDims;
  for (const input of graph.inputs) g.message(11, valueInfo(input, symbolic.get(input.name))); // input
  for (const output of graph.outputs) g.message(12, valueInfo(output, symbolic.get(output.name))); // output
  if (symbolic.size === 0) {
    const outputs = new Set(graph.outputs);
    for (const node of graph.nodes) {
      for (const v of node.outputs) if (!outputs.has(v)) g.message(13, valueInfo(v)); // value_info
    }
  }

  const m = new ProtoWriter();
  m.int(1, irVersion); // ir_version
  m.string(2, options.producerName ?? 'rig-studio'); // producer_name
  m.message(7, g); // graph
  const opset = new ProtoWriter();
  opset.string(1, ''); // domain
  opset.int(2, opsetVersion); // version
  m.message(8, opset); // opset_import
  for (const [key, value] of Object.entries(options.metadata ?? {})) {
    const entry = new ProtoWriter();
    entry.string(1, key);
    entry.string(2, value);
    m.message(14, entry); // metadata_props
  }
  return m.finish();
}
