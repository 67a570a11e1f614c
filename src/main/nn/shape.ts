/**
 * Shape helpers shared by the op specs (ops.ts) and the builder: numpy broadcasting, axis
 * normalisation, convolution/pooling output sizes, and reading constant shape tensors.
 */
import type { Shape, Value } from './ir';

/** Numpy-style broadcast of several shapes; throws naming the shapes when incompatible. */
export function broadcastShapes(what: string, ...shapes: Shape[]): number[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    let dim = 1;
    for (const s of shapes) {
      const d = s[s.length - rank + i] ?? 1;
      if (d === 1) continue;
      if (dim !== 1 && dim !== d) {
        throw new Error(`${what}: shapes ${shapes.map(fmt).join(' and ')} do not broadcast`);
      }
      dim = d;
    }
    // a zero dimension wins over 1
    if (shapes.some((s) => s[s.length - rank + i] === 0)) dim = 0;
    out.push(dim);
  }
  return out;
}

/** Normalises a possibly negative axis for a rank; throws when out of range. */
export function normaliseAxis(what: string, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) throw new Error(`${what}: axis ${axis} out of range for rank ${rank}`);
  return a;
}

/** `[a,b,c]` for messages. */
export function fmt(shape: Shape): string {
  return `[${shape.join(',')}]`;
}

/**
 * Reads a constant int64/int32 tensor (an initialiser) as numbers. Shape-like operands of
 * Reshape, Slice, Split, Expand, Pad and ReduceSum must be constants so shapes stay static.
 */
export function constantInts(what: string, value: Value | null | undefined): number[] | undefined {
  if (!value) return undefined;
  if (value.data === undefined) throw new Error(`${what}: operand ${value.name} must be a constant (static shapes)`);
  if (value.data instanceof BigInt64Array) return Array.from(value.data, (v) => Number(v));
  if (value.data instanceof Int32Array) return Array.from(value.data);
  throw new Error(`${what}: operand ${value.name} must be int64`);
}

/** Reads a constant float tensor as numbers. */
export function constantFloats(what: string, value: Value | null | undefined): number[] | undefined {
  if (!value) return undefined;
  if (value.data === undefined) throw new Error(`${what}: operand ${value.name} must be a constant`);
  if (value.data instanceof Float32Array || value.data instanceof Float64Array) return Array.from(value.data);
  throw new Error(`${what}: operand ${value.name} must be float`);
}

/** Sliding-window output size (Conv, MaxPool, AveragePool). */
export function windowOutput(
  what: string,
  size: number,
  kernel: number,
  stride: number,
  padBegin: number,
  padEnd: number,
  dilation: number,
  ceilMode = false,
): number {
  const span = dilation * (kernel - 1) + 1;
  const numerator = size + padBegin + padEnd - span;
  if (numerator < 0) throw new Error(`${what}: kernel ${kernel} (dilation ${dilation}) larger than padded input ${size + padBegin + padEnd}`);
  const out = (ceilMode ? Math.ceil(numerator / stride) : Math.floor(numerator / stride)) + 1;
  // ceil mode must not start a window entirely in the end padding
  if (ceilMode && (out - 1) * stride >= size + padBegin) return out - 1;
  return out;
}
