import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { NdArray } from '../../../src/main/io/ndarray';
import { readNpy, readNpz, writeNpy, writeNpz } from '../../../src/main/io/npy';
import { sharedPath } from '../../helpers/shared';

const sample = (name: string): Uint8Array => readFileSync(resolve(__dirname, 'samples', name));

describe('.npy', () => {
  it('reads C order, Fortran order, big-endian and half precision', () => {
    const c = readNpy(sample('c-order.npy'));
    expect(c.shape).toEqual([3, 4]);
    expect(Array.from(c.data as Float64Array)).toEqual([...Array(12).keys()]);
    const f = readNpy(sample('fortran.npy'));
    expect(f.dtype).toBe('float32');
    expect(Array.from(f.data as Float32Array)).toEqual([...Array(12).keys()]);
    const big = readNpy(sample('big-endian.npy'));
    expect(big.dtype).toBe('int16');
    expect(Array.from(big.data as Int16Array)).toEqual([1, -2, 3, 32767]);
    const half = readNpy(sample('half.npy'));
    expect(half.widenedFrom).toBe('float16');
    expect(Array.from(half.data as Float32Array)).toEqual([1.5, -0.25, Infinity]);
  });

  it('reads object arrays through the safe pickle reader', () => {
    const object = readNpy(sample('object.npy'));
    expect(object.dtype).toBe('object');
    const dict = (object.data as unknown[])[0] as Map<string, unknown>;
    expect((dict.get('key') as NdArray).shape).toEqual([3]);
    expect(dict.get('name')).toBe('x');
  });

  it('gives clear errors for bad files', () => {
    expect(() => readNpy(Uint8Array.from([1, 2, 3]), 'x.npy')).toThrow(/x.npy: not a .npy file/);
    const whole = sample('c-order.npy');
    expect(() => readNpy(whole.subarray(0, whole.length - 8), 'cut.npy')).toThrow(/cut.npy: shape \(3, 4\) of <f8 needs 96 bytes, file has 88/);
    expect(() => readNpy(whole.subarray(0, 60), 'cut.npy')).toThrow(/truncated .npy header/);
    const header = new TextDecoder().decode(whole.subarray(10, 128)).replace("'<f8'", "'<c8'");
    const complex = whole.slice();
    complex.set(new TextEncoder().encode(header), 10);
    expect(() => readNpy(complex, 'c.npy')).toThrow(/unsupported numpy dtype '<c8'/);
    // A version-2 header of a million brackets.
    const deep = new Uint8Array(12 + 1_000_000);
    deep.set([0x93, 78, 85, 77, 80, 89, 2, 0]);
    new DataView(deep.buffer).setUint32(8, 1_000_000, true);
    deep.fill(0x28, 12);
    expect(() => readNpy(deep, 'deep.npy')).toThrow(/deep.npy: .npy header is nested too deeply/);
  });

  it('round-trips what writeNpy writes', () => {
    const array: NdArray = { dtype: 'int32', shape: [2, 2], data: Int32Array.from([1, -2, 3, 4]) };
    expect(readNpy(writeNpy(array))).toEqual(array);
    const scalar: NdArray = { dtype: 'float64', shape: [], data: Float64Array.of(2.5) };
    expect(readNpy(writeNpy(scalar))).toEqual(scalar);
  });
});

describe('.npz', () => {
  it('reads stored and deflated archives written by numpy', () => {
    for (const name of ['stored.npz', 'deflated.npz']) {
      const arrays = readNpz(sample(name));
      expect([...arrays.keys()].sort()).toEqual(['a', 'b']);
      expect(Array.from(arrays.get('a')!.data as Int32Array)).toEqual([0, 1, 2, 3]);
      expect(arrays.get('b')!.shape).toEqual([2, 2]);
    }
  });

  it('reads the FLAME reference outputs', () => {
    const reference = readNpz(readFileSync(sharedPath('fixtures', 'flame-synthetic', 'reference.npz')));
    expect(reference.get('vertices')!.shape).toEqual([4, 5023, 3]);
    expect(reference.get('light')!.shape).toEqual([4, 9, 3]);
    expect(reference.get('landmarks2d')!.shape).toEqual([4, 68, 3]);
  });

  it('round-trips writeNpz and names bad archives', () => {
    const arrays = { x: { dtype: 'float32', shape: [3], data: Float32Array.from([1, 2, 3]) } as NdArray };
    for (const compress of [true, false]) expect(readNpz(writeNpz(arrays, compress)).get('x')).toEqual(arrays.x);
    expect(() => readNpz(Uint8Array.from([1, 2, 3, 4]), 'bad.npz')).toThrow(/bad.npz: not a readable zip/);
    const broken = zipSync({ 'a.npy': Uint8Array.from([0x93, 78, 85, 77, 80, 89, 9, 0, 0, 0]) });
    expect(() => readNpz(broken, 'v.npz')).toThrow(/v.npz:a.npy: unsupported .npy version 9/);
  });
});

describe('.npy memory', () => {
  it('views aligned data of a standalone buffer instead of copying it, and copies pooled or unaligned bytes', () => {
    const array: NdArray = { dtype: 'float64', shape: [4], data: Float64Array.from([1, 2, 3, 4]) };
    const file = writeNpy(array);
    const standalone = readNpy(file);
    expect((standalone.data as Float64Array).buffer).toBe(file.buffer);
    // Inside a larger buffer (as a pooled Node Buffer is): always a copy.
    const pooled = new Uint8Array(file.length + 8);
    pooled.set(file, 8);
    const copied = readNpy(pooled.subarray(8));
    expect((copied.data as Float64Array).buffer).not.toBe(pooled.buffer);
    expect(Array.from(copied.data as Float64Array)).toEqual([1, 2, 3, 4]);
  });
});
