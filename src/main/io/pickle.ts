/**
 * A safe Python pickle reader (protocols 0–5) for the data files researchers already have:
 * FLAME models (Python 2 pickles of numpy, chumpy and scipy objects), numpy object arrays
 * (DECA's landmark_embedding.npy, which nests legacy torch.save bytes) and PyTorch checkpoints.
 *
 * Why our own: Python's pickle executes whatever callables a file names, and the JS packages
 * that read pickles either emulate that or know nothing of numpy/torch. This reader is a plain
 * stack machine over the opcodes; every GLOBAL is looked up in a fixed table
 * (pickleGlobals.ts) of reconstructors for numpy arrays/dtypes/scalars, chumpy `Ch`, scipy
 * csc/csr matrices, sets, OrderedDict, bytes helpers and torch tensors/storages/parameters.
 * Anything else is an error naming the class. Nothing from the file is ever executed.
 *
 * API
 * - `unpickle(bytes, options?)` → the value of the first pickle in `bytes`.
 * - `unpickleAt(bytes, options?)` → `{ value, end }` (end = offset after STOP), for files that
 *   hold several pickles in a row.
 * - options.persistentLoad(pid): resolves persistent ids (PyTorch zip checkpoints name tensor
 *   storages this way; `torchZipPersistentLoad` in torchStorage.ts builds one from a zip entry
 *   reader). Without it a persistent id is an error.
 * - options.maxDepth (default 100): deepest nesting of containers allowed in the result;
 *   recursive (self-containing) structures are refused too, so callers can walk results.
 * - options.what: a name (usually the file path) put in front of every error message.
 * - options.opaqueGlobals: keep unknown classes as inert OpaqueObject records instead of failing.
 *
 * Python → JS: None → null; bool → boolean; int → number (bigint beyond 2^53); float → number;
 * str → string (Python 2 str is read as latin-1); bytes/bytearray → Uint8Array; tuple and list
 * → Array; dict and OrderedDict → Map (never a plain object, so keys cannot reach prototypes;
 * tuple keys become their text form, e.g. '(1, 2)');
 * set/frozenset → Set; numpy arrays, chumpy objects and torch tensors → NdArray (ndarray.ts,
 * C order); numpy scalars → number/bigint/boolean; scipy sparse → SparseMatrix.
 *
 * Hostile input (unknown globals, truncation, absurd lengths, deep nesting, bad memo
 * references, cycles) gives an Error, never a hang: the machine only moves forward through
 * the bytes and every length is checked against what is left before anything is allocated.
 */

import type { CallContext, PyGlobal } from './pickleGlobals';
import { copyregReconstructor, pyObject, resolveGlobal } from './pickleGlobals';
import { describeValue } from './torchStorage';

export interface UnpickleOptions {
  persistentLoad?: (pid: unknown) => unknown;
  maxDepth?: number;
  what?: string;
  /**
   * Unknown globals: an error (the default), or, when true or when the predicate accepts the
   * dotted name, inert OpaqueObject records of the class name and its arguments/state (e.g. the
   * omegaconf hyper-parameters in a Lightning checkpoint, beside the tensors one wants).
   */
  opaqueGlobals?: boolean | ((pyName: string) => boolean);
}

/** What an unknown class or function becomes under `opaqueGlobals`: data only, never run. */
export interface OpaqueObject {
  kind: 'opaque';
  pyName: string;
  args: unknown[];
  /** BUILD state, when the pickle set one. */
  state?: unknown;
  /** Items added by SETITEMS / APPENDS (dict and list subclasses). */
  items?: Map<unknown, unknown>;
  list?: unknown[];
}

const utf8 = new TextDecoder('utf-8');

/** Latin-1 decode (TextDecoder's 'latin1' is really windows-1252, so not that). */
export function latin1Text(bytes: Uint8Array): string {
  // Node's Buffer decodes latin-1 natively (FLAME files hold ~50 MB of Python 2 str).
  if (typeof Buffer !== 'undefined' && bytes.length > 4096) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
  let text = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    text += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192) as unknown as number[]);
  }
  return text;
}

/** A Python int from little-endian two's complement bytes. */
/** Big integers cost quadratic time to build; no data file needs one this large. */
const maxIntegerBytes = 4096;

function decodeLong(bytes: Uint8Array): number | bigint {
  if (bytes.length > maxIntegerBytes) throw new Error(`integer of ${bytes.length} bytes is too large`);
  if (bytes.length === 0) return 0;
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]);
  if (bytes[bytes.length - 1] & 0x80) value -= 1n << BigInt(bytes.length * 8);
  return toIntValue(value);
}

function toIntValue(value: bigint): number | bigint {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

/** Parses a Python 2 `repr` of a str (STRING opcode), as latin-1 text. */
function parseStringRepr(line: string): string {
  const quote = line[0];
  if ((quote !== "'" && quote !== '"') || line.length < 2 || line[line.length - 1] !== quote) throw new Error('STRING argument is not quoted');
  const body = line.slice(1, -1);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') { out += c; continue; }
    const e = body[++i];
    const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v' };
    if (e in simple) out += simple[e];
    else if (e === 'x') { out += String.fromCharCode(parseInt(body.slice(i + 1, i + 3), 16)); i += 2; }
    else if (e >= '0' && e <= '7') {
      let digits = e;
      while (digits.length < 3 && body[i + 1] >= '0' && body[i + 1] <= '7') digits += body[++i];
      out += String.fromCharCode(parseInt(digits, 8) & 0xff);
    } else out += '\\' + (e ?? '');
  }
  return out;
}

/** Decodes Python's raw-unicode-escape (UNICODE opcode). */
function rawUnicodeEscape(bytes: Uint8Array): string {
  const text = latin1Text(bytes);
  return text.replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_m, short: string, long: string) => String.fromCodePoint(parseInt(short ?? long, 16)));
}

function parseFloatText(line: string): number {
  const t = line.trim().toLowerCase();
  if (t === 'inf' || t === '+inf') return Infinity;
  if (t === '-inf') return -Infinity;
  if (t === 'nan') return NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/.test(t)) throw new Error(`bad FLOAT '${line}'`);
  return Number(t);
}

function parseIntText(line: string): number | bigint {
  const t = line.trim().replace(/L$/, '');
  if (t.length > maxIntegerBytes * 3) throw new Error(`integer of ${t.length} digits is too large`);
  if (!/^[-+]?\d+$/.test(t)) throw new Error(`bad integer '${line}'`);
  return toIntValue(BigInt(t));
}

/** Reads the first pickle of `bytes`; see the file header. */
export function unpickle(bytes: Uint8Array, options: UnpickleOptions = {}): unknown {
  return unpickleAt(bytes, options).value;
}

/** Reads one pickle from the start of `bytes`; returns its value and the offset after STOP. */
export function unpickleAt(bytes: Uint8Array, options: UnpickleOptions = {}): { value: unknown; end: number } {
  const machine = new Machine(bytes, options);
  try {
    const value = machine.run();
    checkNesting(value, options.maxDepth ?? 100);
    return { value, end: machine.position };
  } catch (error) {
    const what = options.what ? `${options.what}: ` : '';
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`${what}pickle: ${message} (at byte ${machine.opcodeStart})`, { cause: error });
  }
}

class Machine {
  position = 0;
  opcodeStart = 0;
  private stack: unknown[] = [];
  private readonly metastack: unknown[][] = [];
  private readonly memo = new Map<number, unknown>();
  private readonly builders = new WeakMap<object, (state: unknown) => void>();
  private readonly view: DataView;
  private readonly context: CallContext;
  private readonly maxMarks: number;

  constructor(private readonly bytes: Uint8Array, private readonly options: UnpickleOptions) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.maxMarks = options.maxDepth ?? 100;
    this.context = {
      onBuild: (target, build) => this.builders.set(target, build),
      unpickle: (inner, innerOptions) => unpickleAt(inner, { maxDepth: options.maxDepth, ...innerOptions }),
    };
  }

  private need(count: number): void {
    if (!(count >= 0) || this.position + count > this.bytes.length) {
      throw new Error(`truncated: needs ${count} more bytes, ${this.bytes.length - this.position} left`);
    }
  }

  /** A copy in a plain Uint8Array (a Node Buffer's slice would share memory). */
  private takeCopy(count: number): Uint8Array {
    const out = new Uint8Array(count);
    out.set(this.take(count));
    return out;
  }

  private take(count: number): Uint8Array {
    this.need(count);
    const out = this.bytes.subarray(this.position, this.position + count);
    this.position += count;
    return out;
  }

  private u8(): number { this.need(1); return this.bytes[this.position++]; }
  private u16(): number { this.need(2); const v = this.view.getUint16(this.position, true); this.position += 2; return v; }
  private i32(): number { this.need(4); const v = this.view.getInt32(this.position, true); this.position += 4; return v; }
  private u32(): number { this.need(4); const v = this.view.getUint32(this.position, true); this.position += 4; return v; }

  private u64(): number {
    this.need(8);
    const v = this.view.getBigUint64(this.position, true);
    this.position += 8;
    // Anything past the end of the input is an absurd length; caught by need() afterwards.
    return v > BigInt(this.bytes.length) ? Infinity : Number(v);
  }

  /** A length prefix that must fit in what is left of the input. */
  private length(value: number): number {
    if (value < 0 || value > this.bytes.length - this.position) {
      throw new Error(`declared length ${value} exceeds the ${this.bytes.length - this.position} bytes left`);
    }
    return value;
  }

  private line(): string {
    const end = this.bytes.indexOf(0x0a, this.position);
    if (end < 0) throw new Error('truncated: text argument has no newline');
    const text = latin1Text(this.bytes.subarray(this.position, end));
    this.position = end + 1;
    return text;
  }

  private pop(): unknown {
    if (this.stack.length === 0) throw new Error('stack underflow');
    return this.stack.pop();
  }

  private top(): unknown {
    if (this.stack.length === 0) throw new Error('stack underflow');
    return this.stack[this.stack.length - 1];
  }

  private popMark(): unknown[] {
    const items = this.stack;
    const previous = this.metastack.pop();
    if (!previous) throw new Error('MARK missing');
    this.stack = previous;
    return items;
  }

  private memoGet(index: number): unknown {
    if (!this.memo.has(index)) throw new Error(`memo entry ${index} was never stored`);
    return this.memo.get(index);
  }

  private asGlobal(value: unknown, use: string): PyGlobal {
    if (typeof value === 'object' && value !== null && (value as PyGlobal).kind === 'py-global') return value as PyGlobal;
    throw new Error(`${use}: ${describeValue(value)} is not a known callable`);
  }

  private call(callable: unknown, args: unknown): unknown {
    if (!Array.isArray(args)) throw new Error(`REDUCE arguments are not a tuple (${describeValue(args)})`);
    const fn = this.asGlobal(callable, 'REDUCE');
    if (fn.pyName === copyregReconstructor) {
      const [cls, base] = args;
      if (base !== pyObject) throw new Error(`copyreg._reconstructor with base ${describeValue(base)} is not supported`);
      return this.construct(cls, []);
    }
    if (!fn.call) throw new Error(`'${fn.pyName}' cannot be called here`);
    return fn.call(args, this.context);
  }

  private construct(cls: unknown, args: unknown): unknown {
    if (!Array.isArray(args)) throw new Error('object arguments are not a tuple');
    const type = this.asGlobal(cls, 'NEWOBJ');
    if (!type.construct) throw new Error(`'${type.pyName}' cannot be instantiated here`);
    return type.construct(args, this.context);
  }

  private asMap(value: unknown, opcode: string): Map<unknown, unknown> {
    if (value instanceof Map) return value;
    throw new Error(`${opcode} on ${describeValue(value)}, not a dict`);
  }

  private setItems(target: unknown, items: unknown[], opcode: string): void {
    const map = isOpaque(target) ? (target.items ??= new Map()) : this.asMap(target, opcode);
    if (items.length % 2) throw new Error(`${opcode} with an odd number of items`);
    for (let i = 0; i < items.length; i += 2) map.set(hashable(items[i]), items[i + 1]);
  }

  private append(target: unknown, items: unknown[], opcode: string): void {
    if (isOpaque(target)) target = target.list ??= [];
    if (!Array.isArray(target)) throw new Error(`${opcode} on ${describeValue(target)}, not a list`);
    for (const item of items) target.push(item);
  }

  run(): unknown {
    for (;;) {
      this.opcodeStart = this.position;
      const op = this.u8();
      switch (op) {
        case 0x80: { const protocol = this.u8(); if (protocol > 5) throw new Error(`unsupported protocol ${protocol}`); break; }
        case 0x95: this.length(this.u64()); break; // FRAME: a length hint only
        case 0x2e: return this.pop(); // STOP
        case 0x28: // MARK
          if (this.metastack.length >= this.maxMarks) throw new Error(`nesting deeper than ${this.maxMarks}`);
          this.metastack.push(this.stack);
          this.stack = [];
          break;
        case 0x30: this.pop(); break; // POP
        case 0x31: this.popMark(); break; // POP_MARK
        case 0x32: this.stack.push(this.top()); break; // DUP
        case 0x4e: this.stack.push(null); break; // NONE
        case 0x88: this.stack.push(true); break;
        case 0x89: this.stack.push(false); break;
        case 0x49: { // INT (protocol 0; "01"/"00" are booleans)
          const text = this.line();
          this.stack.push(text === '01' ? true : text === '00' ? false : parseIntText(text));
          break;
        }
        case 0x4c: this.stack.push(parseIntText(this.line())); break; // LONG
        case 0x4a: this.stack.push(this.i32()); break; // BININT
        case 0x4b: this.stack.push(this.u8()); break; // BININT1
        case 0x4d: this.stack.push(this.u16()); break; // BININT2
        case 0x8a: this.stack.push(decodeLong(this.take(this.length(this.u8())))); break; // LONG1
        case 0x8b: this.stack.push(decodeLong(this.take(this.length(this.i32())))); break; // LONG4
        case 0x46: this.stack.push(parseFloatText(this.line())); break; // FLOAT
        case 0x47: { this.need(8); this.stack.push(this.view.getFloat64(this.position, false)); this.position += 8; break; } // BINFLOAT
        case 0x53: this.stack.push(parseStringRepr(this.line())); break; // STRING
        case 0x54: this.stack.push(latin1Text(this.take(this.length(this.i32())))); break; // BINSTRING
        case 0x55: this.stack.push(latin1Text(this.take(this.length(this.u8())))); break; // SHORT_BINSTRING
        case 0x56: { // UNICODE
          const end = this.bytes.indexOf(0x0a, this.position);
          if (end < 0) throw new Error('truncated: UNICODE has no newline');
          this.stack.push(rawUnicodeEscape(this.take(end - this.position)));
          this.position++;
          break;
        }
        case 0x58: this.stack.push(utf8.decode(this.take(this.length(this.u32())))); break; // BINUNICODE
        case 0x8c: this.stack.push(utf8.decode(this.take(this.length(this.u8())))); break; // SHORT_BINUNICODE
        case 0x8d: this.stack.push(utf8.decode(this.take(this.length(this.u64())))); break; // BINUNICODE8
        case 0x42: this.stack.push(this.takeCopy(this.length(this.u32()))); break; // BINBYTES
        case 0x43: this.stack.push(this.takeCopy(this.length(this.u8()))); break; // SHORT_BINBYTES
        case 0x8e: this.stack.push(this.takeCopy(this.length(this.u64()))); break; // BINBYTES8
        case 0x96: this.stack.push(this.takeCopy(this.length(this.u64()))); break; // BYTEARRAY8
        case 0x97: case 0x98: throw new Error('out-of-band pickle buffers are not supported');
        case 0x29: this.stack.push([]); break; // EMPTY_TUPLE
        case 0x74: case 0x6c: { const items = this.popMark(); this.stack.push(items); break; } // TUPLE, LIST
        case 0x85: this.stack.push([this.pop()]); break; // TUPLE1
        case 0x86: { const b = this.pop(); const a = this.pop(); this.stack.push([a, b]); break; }
        case 0x87: { const c = this.pop(); const b = this.pop(); const a = this.pop(); this.stack.push([a, b, c]); break; }
        case 0x5d: this.stack.push([]); break; // EMPTY_LIST
        case 0x61: { const item = this.pop(); this.append(this.top(), [item], 'APPEND'); break; }
        case 0x65: { const items = this.popMark(); this.append(this.top(), items, 'APPENDS'); break; }
        case 0x7d: this.stack.push(new Map()); break; // EMPTY_DICT
        case 0x64: { const map = new Map(); const items = this.popMark(); this.setItems(map, items, 'DICT'); this.stack.push(map); break; }
        case 0x73: { const value = this.pop(); const key = this.pop(); this.setItems(this.top(), [key, value], 'SETITEM'); break; }
        case 0x75: { const items = this.popMark(); this.setItems(this.top(), items, 'SETITEMS'); break; }
        case 0x8f: this.stack.push(new Set()); break; // EMPTY_SET
        case 0x90: { // ADDITEMS
          const items = this.popMark();
          const target = this.top();
          if (!(target instanceof Set)) throw new Error(`ADDITEMS on ${describeValue(target)}, not a set`);
          for (const item of items) target.add(hashable(item));
          break;
        }
        case 0x91: { const items = this.popMark(); this.stack.push(new Set(items.map(hashable))); break; } // FROZENSET
        case 0x67: this.stack.push(this.memoGet(Number(parseIntText(this.line())))); break; // GET
        case 0x68: this.stack.push(this.memoGet(this.u8())); break; // BINGET
        case 0x6a: this.stack.push(this.memoGet(this.u32())); break; // LONG_BINGET
        case 0x70: this.memo.set(Number(parseIntText(this.line())), this.top()); break; // PUT
        case 0x71: this.memo.set(this.u8(), this.top()); break; // BINPUT
        case 0x72: this.memo.set(this.u32(), this.top()); break; // LONG_BINPUT
        case 0x94: this.memo.set(this.memo.size, this.top()); break; // MEMOIZE
        case 0x63: { // GLOBAL
          const module = this.line();
          const name = this.line();
          this.stack.push(this.resolve(module, name));
          break;
        }
        case 0x93: { // STACK_GLOBAL
          const name = this.pop();
          const module = this.pop();
          if (typeof module !== 'string' || typeof name !== 'string') throw new Error('STACK_GLOBAL needs two strings');
          this.stack.push(this.resolve(module, name));
          break;
        }
        case 0x82: case 0x83: case 0x84: throw new Error('copyreg extension codes (EXT1/2/4) are not supported');
        case 0x52: { const args = this.pop(); const fn = this.pop(); this.stack.push(this.call(fn, args)); break; } // REDUCE
        case 0x81: { const args = this.pop(); const cls = this.pop(); this.stack.push(this.construct(cls, args)); break; } // NEWOBJ
        case 0x92: { // NEWOBJ_EX
          const kwargs = this.pop();
          const args = this.pop();
          const cls = this.pop();
          if (!(kwargs instanceof Map) || kwargs.size) throw new Error('NEWOBJ_EX with keyword arguments is not supported');
          this.stack.push(this.construct(cls, args));
          break;
        }
        case 0x69: { // INST
          const module = this.line();
          const name = this.line();
          const args = this.popMark();
          this.stack.push(this.construct(this.resolve(module, name), args));
          break;
        }
        case 0x6f: { // OBJ
          const items = this.popMark();
          if (items.length === 0) throw new Error('OBJ without a class');
          this.stack.push(this.construct(items[0], items.slice(1)));
          break;
        }
        case 0x62: { // BUILD
          const state = this.pop();
          const target = this.top();
          const build = typeof target === 'object' && target !== null ? this.builders.get(target) : undefined;
          if (!build) throw new Error(`BUILD on ${describeValue(target)}, which takes no state`);
          this.builders.delete(target as object);
          build(state);
          break;
        }
        case 0x50: this.stack.push(this.persistent(this.line())); break; // PERSID
        case 0x51: this.stack.push(this.persistent(this.pop())); break; // BINPERSID
        default:
          throw new Error(`unknown opcode 0x${op.toString(16).padStart(2, '0')}`);
      }
    }
  }

  /** A known global, or an opaque stand-in when the options allow it. */
  private resolve(module: string, name: string): PyGlobal {
    try {
      return resolveGlobal(module, name);
    } catch (error) {
      const pyName = `${module}.${name}`;
      const allow = this.options.opaqueGlobals;
      if (!(allow === true || (typeof allow === 'function' && allow(pyName)))) throw error;
      const make = (args: unknown[]): OpaqueObject => {
        const object: OpaqueObject = { kind: 'opaque', pyName, args };
        this.builders.set(object, (state) => { object.state = state; });
        return object;
      };
      return { kind: 'py-global', pyName, call: make, construct: make };
    }
  }

  private persistent(pid: unknown): unknown {
    if (!this.options.persistentLoad) throw new Error(`persistent id ${describeValue(pid)} but no persistent loader was given`);
    return this.options.persistentLoad(pid);
  }
}

function isOpaque(value: unknown): value is OpaqueObject {
  return typeof value === 'object' && value !== null && (value as OpaqueObject).kind === 'opaque';
}

/** Dict keys and set items: tuples become their text form so equal tuples are one key. */
function hashable(key: unknown): unknown {
  if (Array.isArray(key)) return `(${key.map((k) => String(hashable(k))).join(', ')})`;
  if (key instanceof Uint8Array) return latin1Text(key);
  return key;
}

/**
 * Refuses results nested deeper than `maxDepth` or containing themselves, so callers can walk
 * them recursively. Shared sub-structures are visited once (depth is memoised).
 */
function checkNesting(root: unknown, maxDepth: number): void {
  const depthOf = new Map<object, number>();
  const onPath = new Set<object>();
  const children = (node: object): unknown[] => {
    if (Array.isArray(node)) return node;
    if (node instanceof Map) return [...node.values()];
    if (node instanceof Set) return [...node];
    if (isOpaque(node)) return [...node.args, node.state, ...(node.items?.values() ?? []), ...(node.list ?? [])];
    const data = (node as { dtype?: string; data?: unknown }).data;
    if ((node as { dtype?: string }).dtype === 'object' && Array.isArray(data)) return data;
    return [];
  };
  const isContainer = (v: unknown): v is object => typeof v === 'object' && v !== null && !ArrayBuffer.isView(v);
  if (!isContainer(root)) return;
  const work: { node: object; kids: unknown[]; next: number }[] = [{ node: root, kids: children(root), next: 0 }];
  onPath.add(root);
  while (work.length) {
    if (work.length > maxDepth) throw new Error(`structure nested deeper than ${maxDepth}`);
    const frame = work[work.length - 1];
    if (frame.next < frame.kids.length) {
      const child = frame.kids[frame.next++];
      if (!isContainer(child) || depthOf.has(child)) continue;
      if (onPath.has(child)) throw new Error('recursive structure (an object contains itself)');
      onPath.add(child);
      work.push({ node: child, kids: children(child), next: 0 });
      continue;
    }
    let depth = 0;
    for (const kid of frame.kids) if (isContainer(kid)) depth = Math.max(depth, (depthOf.get(kid) ?? 0) + 1);
    if (depth > maxDepth) throw new Error(`structure nested deeper than ${maxDepth}`);
    depthOf.set(frame.node, depth);
    onPath.delete(frame.node);
    work.pop();
  }
}
