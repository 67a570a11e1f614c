/**
 * Writes a state dict as a PyTorch zip checkpoint that `torch.load` reads (the layout
 * torch.save has used since 1.6): `<archive>/data.pkl` pickles an OrderedDict whose values are
 * `torch._utils._rebuild_tensor_v2(storage, 0, size, stride, False, OrderedDict())` with
 * each storage as a persistent id ('storage', torch.<Type>Storage, key, 'cpu', numel), and
 * `<archive>/data/<key>` holds the raw little-endian bytes. The pickle is emitted directly with
 * the handful of protocol-2 opcodes this needs; no general pickler is involved.
 */
import { zipSync } from 'fflate';
import type { DType, Tensor } from '../nn/ir';
import type { StateDict } from './stateDict';

const storageTypes: Partial<Record<DType, string>> = {
  float32: 'FloatStorage',
  float64: 'DoubleStorage',
  float16: 'HalfStorage',
  int64: 'LongStorage',
  int32: 'IntStorage',
  uint8: 'ByteStorage',
  bool: 'BoolStorage',
};

/** Minimal pickle emitter (protocol 2 opcodes, plus BINBYTES of protocol 3). */
export class PickleWriter {
  private readonly bytes: number[] = [];

  private raw(...values: number[]): void {
    for (const v of values) this.bytes.push(v);
  }

  private ascii(text: string): void {
    for (let i = 0; i < text.length; i++) this.bytes.push(text.charCodeAt(i));
  }

  proto(version = 2): void {
    this.raw(0x80, version);
  }

  global(module: string, name: string): void {
    this.raw(0x63); // GLOBAL
    this.ascii(`${module}\n${name}\n`);
  }

  string(text: string): void {
    const utf8 = new TextEncoder().encode(text);
    this.raw(0x58, utf8.length & 0xff, (utf8.length >> 8) & 0xff, (utf8.length >> 16) & 0xff, (utf8.length >>> 24) & 0xff); // BINUNICODE
    for (const b of utf8) this.bytes.push(b);
  }

  int(value: number): void {
    if (Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31) {
      this.raw(0x4a, value & 0xff, (value >> 8) & 0xff, (value >> 16) & 0xff, (value >>> 24) & 0xff); // BININT
      return;
    }
    // LONG1: little-endian two's complement
    let v = BigInt(value);
    const out: number[] = [];
    do {
      out.push(Number(v & 0xffn));
      v >>= 8n;
    } while (!(v === 0n && (out[out.length - 1] & 0x80) === 0) && !(v === -1n && (out[out.length - 1] & 0x80) !== 0));
    this.raw(0x8a, out.length, ...out);
  }

  /** The opcode and length of BINBYTES (protocol 3); the caller appends the `length` bytes themselves. */
  binBytesHeader(length: number): void {
    this.raw(0x42, length & 0xff, (length >> 8) & 0xff, (length >> 16) & 0xff, (length >>> 24) & 0xff);
  }

  /** LONG1 of any integer (e.g. torch's 80-bit legacy magic number). */
  long(value: bigint): void {
    const out: number[] = [];
    let v = value;
    do {
      out.push(Number(v & 0xffn));
      v >>= 8n;
    } while (!(v === 0n && (out[out.length - 1] & 0x80) === 0) && !(v === -1n && (out[out.length - 1] & 0x80) !== 0));
    this.raw(0x8a, out.length, ...out);
  }

  mark(): void { this.raw(0x28); }
  none(): void { this.raw(0x4e); }
  trueValue(): void { this.raw(0x88); }
  emptyDict(): void { this.raw(0x7d); }
  emptyList(): void { this.raw(0x5d); }
  appends(): void { this.raw(0x65); }
  tuple(): void { this.raw(0x74); }
  emptyTuple(): void { this.raw(0x29); }
  reduce(): void { this.raw(0x52); }
  setItems(): void { this.raw(0x75); }
  persistentId(): void { this.raw(0x51); } // BINPERSID
  falseValue(): void { this.raw(0x89); }
  stop(): void { this.raw(0x2e); }

  finish(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

function rowMajorStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let step = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = step;
    step *= shape[i];
  }
  return strides;
}

function tensorBytes(tensor: Tensor): Uint8Array {
  return new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
}

/**
 * A torch zip checkpoint of `stateDict` (tensors in C order; float16 as its bit patterns).
 * `archive` is the top folder name inside the zip (torch uses the file's base name).
 */
export function writeTorchCheckpoint(stateDict: StateDict, archive = 'archive'): Uint8Array {
  const p = new PickleWriter();
  p.proto();
  p.global('collections', 'OrderedDict');
  p.emptyTuple();
  p.reduce();
  p.mark();
  const files: Record<string, Uint8Array> = {};
  let key = 0;
  for (const [name, tensor] of stateDict) {
    const storage = storageTypes[tensor.dtype];
    if (!storage) throw new Error(`writeTorchCheckpoint: ${name} has unsupported dtype ${tensor.dtype}`);
    const storageKey = String(key++);
    files[`${archive}/data/${storageKey}`] = tensorBytes(tensor);
    p.string(name);
    p.global('torch._utils', '_rebuild_tensor_v2');
    p.mark();
    // storage: persistent id ('storage', torch.<Type>Storage, key, 'cpu', numel)
    p.mark();
    p.string('storage');
    p.global('torch', storage);
    p.string(storageKey);
    p.string('cpu');
    p.int(tensor.data.length);
    p.tuple();
    p.persistentId();
    p.int(0); // storage offset
    p.mark();
    for (const d of tensor.shape) p.int(d);
    p.tuple();
    p.mark();
    for (const s of rowMajorStrides(tensor.shape)) p.int(s);
    p.tuple();
    p.falseValue(); // requires_grad
    p.global('collections', 'OrderedDict'); // backward hooks
    p.emptyTuple();
    p.reduce();
    p.tuple();
    p.reduce();
  }
  p.setItems();
  p.stop();
  files[`${archive}/data.pkl`] = p.finish();
  files[`${archive}/version`] = new TextEncoder().encode('3\n');
  files[`${archive}/byteorder`] = new TextEncoder().encode('little');
  // torch writes stored (uncompressed) entries; data.pkl first, as torch.load expects
  const ordered: Record<string, Uint8Array> = { [`${archive}/data.pkl`]: files[`${archive}/data.pkl`] };
  for (const [k, v] of Object.entries(files)) if (!(k in ordered)) ordered[k] = v;
  return zipSync(ordered, { level: 0 });
}
