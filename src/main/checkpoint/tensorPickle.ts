/**
 * A float32 tensor as Python's `pickle.dump(tensor)` writes it (what upstream's create_data.py
 * stores for `rendered_i`, `normal_i`, `albedo_i` and `mean_shape.pkl`): the tensor reduces to
 * `torch._utils._rebuild_tensor_v2(storage, 0, size, stride, False, OrderedDict())`, and its
 * storage to `torch.storage._load_from_bytes(b)` with `b` the storage saved by torch's legacy
 * (pre-zip) `torch.save`: magic number, protocol version 1001, system info, the storage as the
 * persistent id ('storage', torch.FloatStorage, '0', 'cpu', numel, None), the key list ['0'],
 * then the element count (int64) and the little-endian bytes. `pickle.load` with torch
 * installed gives the tensor back; src/main/io reads it without torch.
 */
import { PickleWriter } from './torchWriter';

/** torch.serialization's MAGIC_NUMBER and PROTOCOL_VERSION of the legacy format. */
const legacyMagic = 0x1950a86a20f9469cfc6cn;
const legacyProtocol = 1001;

function pickled(write: (p: PickleWriter) => void, protocol = 2): Uint8Array {
  const p = new PickleWriter();
  p.proto(protocol);
  write(p);
  p.stop();
  return p.finish();
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** The legacy torch.save bytes of one float32 storage. */
function legacyStorage(data: Float32Array): Uint8Array {
  const parts = [
    pickled((p) => p.long(legacyMagic)),
    pickled((p) => p.int(legacyProtocol)),
    pickled((p) => {
      p.emptyDict();
      p.mark();
      p.string('protocol_version');
      p.int(legacyProtocol);
      p.string('little_endian');
      p.trueValue();
      p.string('type_sizes');
      p.emptyDict();
      p.mark();
      for (const [name, size] of [['short', 2], ['int', 4], ['long', 4]] as const) {
        p.string(name);
        p.int(size);
      }
      p.setItems();
      p.setItems();
    }),
    pickled((p) => {
      p.mark();
      p.string('storage');
      p.global('torch', 'FloatStorage');
      p.string('0');
      p.string('cpu');
      p.int(data.length);
      p.none(); // no view metadata
      p.tuple();
      p.persistentId();
    }),
    pickled((p) => {
      p.emptyList();
      p.mark();
      p.string('0');
      p.appends();
    }),
  ];
  const count = new Uint8Array(8);
  new DataView(count.buffer).setBigInt64(0, BigInt(data.length), true);
  parts.push(count, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return concat(parts);
}

/** `pickle.dumps(tensor)` of a contiguous float32 CPU tensor of `shape` (C order). */
export function pickleTensor(data: Float32Array, shape: readonly number[]): Uint8Array {
  const numel = shape.reduce((n, d) => n * d, 1);
  if (numel !== data.length) throw new Error(`pickleTensor: ${data.length} values for shape [${shape.join(', ')}]`);
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((n, d) => n * d, 1));
  const storage = legacyStorage(data);
  // the storage bytes go in whole between the opcodes before and after them
  const head = new PickleWriter();
  head.proto(3);
  head.global('torch._utils', '_rebuild_tensor_v2');
  head.mark();
  head.global('torch.storage', '_load_from_bytes');
  head.mark();
  head.binBytesHeader(storage.length);
  const tail = new PickleWriter();
  tail.tuple();
  tail.reduce();
  tail.int(0); // storage offset
  tail.mark();
  for (const d of shape) tail.int(d);
  tail.tuple();
  tail.mark();
  for (const s of strides) tail.int(s);
  tail.tuple();
  tail.falseValue(); // requires_grad
  tail.global('collections', 'OrderedDict'); // backward hooks
  tail.emptyTuple();
  tail.reduce();
  tail.tuple();
  tail.reduce();
  tail.stop();
  return concat([head.finish(), storage, tail.finish()]);
}
