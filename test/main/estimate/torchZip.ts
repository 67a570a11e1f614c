/**
 * Writes a minimal PyTorch zip checkpoint (what torch.save produces: `archive/data.pkl` in
 * pickle protocol 2 with tensors as `_rebuild_tensor_v2` over persistent storage ids, plus
 * `archive/data/<key>` storages) so tests can build small Lightning-style checkpoints.
 */
import { zipSync } from 'fflate';

/** A value to pickle: tensors, numbers, strings, booleans, plain dicts, OrderedDicts. */
export type PickleValue =
  | { tensor: Float32Array | Uint16Array; shape: number[] }
  | { ordered: Map<string, PickleValue> }
  | Map<string, PickleValue>
  | { object: string; state: Map<string, PickleValue> }
  | number
  | string
  | boolean;

class Writer {
  private chunks: number[] = [];
  byte(...b: number[]): void {
    this.chunks.push(...b);
  }
  text(s: string): void {
    this.byte(...new TextEncoder().encode(s));
  }
  int32(v: number): void {
    this.byte(v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >>> 24) & 0xff);
  }
  unicode(s: string): void {
    const bytes = new TextEncoder().encode(s);
    this.byte(0x58); // BINUNICODE
    this.int32(bytes.length);
    this.byte(...bytes);
  }
  global(module: string, name: string): void {
    this.byte(0x63); // GLOBAL
    this.text(`${module}\n${name}\n`);
  }
  int(v: number): void {
    this.byte(0x4a); // BININT
    this.int32(v);
  }
  bytes(): Uint8Array {
    return Uint8Array.from(this.chunks);
  }
}

/** torch.save-style zip bytes of `root`. */
export function writeTorchZip(root: PickleValue): Uint8Array {
  const w = new Writer();
  const storages: Record<string, Uint8Array> = {};
  let next = 0;
  const emit = (v: PickleValue): void => {
    if (typeof v === 'number') w.int(v);
    else if (typeof v === 'string') w.unicode(v);
    else if (typeof v === 'boolean') w.byte(v ? 0x88 : 0x89);
    else if (!(v instanceof Map) && 'object' in v) {
      // an instance of some class: GLOBAL, called with no arguments, then BUILD with its state
      const dot = v.object.lastIndexOf('.');
      w.global(v.object.slice(0, dot), v.object.slice(dot + 1));
      w.byte(0x29, 0x52); // EMPTY_TUPLE, REDUCE
      emit(v.state);
      w.byte(0x62); // BUILD
    } else if (v instanceof Map || 'ordered' in v) {
      const map = v instanceof Map ? v : v.ordered;
      if (v instanceof Map) w.byte(0x7d); // EMPTY_DICT
      else {
        w.global('collections', 'OrderedDict');
        w.byte(0x29, 0x52); // EMPTY_TUPLE, REDUCE
      }
      w.byte(0x28); // MARK
      for (const [k, value] of map) {
        w.unicode(k);
        emit(value);
      }
      w.byte(0x75); // SETITEMS
    } else {
      const key = String(next++);
      const half = v.tensor instanceof Uint16Array;
      storages[`archive/data/${key}`] = new Uint8Array(v.tensor.buffer, v.tensor.byteOffset, v.tensor.byteLength);
      w.global('torch._utils', '_rebuild_tensor_v2');
      w.byte(0x28); // MARK (args)
      w.byte(0x28); // MARK (persistent id)
      w.unicode('storage');
      w.global('torch', half ? 'HalfStorage' : 'FloatStorage');
      w.unicode(key);
      w.unicode('cpu');
      w.int(v.tensor.length);
      w.byte(0x74, 0x51); // TUPLE, BINPERSID
      w.int(0);
      const strides = v.shape.map((_, i) => v.shape.slice(i + 1).reduce((a, b) => a * b, 1));
      for (const list of [v.shape, strides]) {
        w.byte(0x28);
        for (const d of list) w.int(d);
        w.byte(0x74);
      }
      w.byte(0x89); // requires_grad False
      w.global('collections', 'OrderedDict');
      w.byte(0x29, 0x52); // backward hooks: OrderedDict()
      w.byte(0x74, 0x52); // TUPLE, REDUCE
    }
  };
  w.byte(0x80, 0x02);
  emit(root);
  w.byte(0x2e); // STOP
  return zipSync({ 'archive/data.pkl': w.bytes(), 'archive/version': new TextEncoder().encode('3\n'), ...storages }, { level: 0 });
}
