import { describe, expect, it } from 'vitest';
import { readCodeBatch, readFlameCodes } from '../../../src/main/flame/codes';
import type { NdArray } from '../../../src/main/io/ndarray';
import { writeNpz } from '../../../src/main/io/npy';

const f32 = (shape: number[], values: (i: number) => number): NdArray => {
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = values(i);
  return { dtype: 'float32', shape, data };
};

// The reader behind both the `flame` CLI and the viewport (test/main/viewport/codesFile.test.ts
// covers the viewport's fitting and its reading of the reference fixtures).
describe('reading FLAME codes from .npz (src/main/flame/codes)', () => {
  it("splits DECA's packed 236-wide code", () => {
    const batch = readCodeBatch(writeNpz({ code: f32([2, 236], (i) => i % 236) }), 'packed.npz');
    expect(batch.count).toBe(2);
    expect(batch.found).toEqual(['shape', 'exp', 'pose', 'cam', 'light']);
    const codes = readFlameCodes(writeNpz({ code: f32([2, 236], (i) => i % 236) }), 'packed.npz', 1);
    expect(codes.shape![0]).toBe(0);
    expect(codes.expression![0]).toBe(150);
    expect(codes.pose).toEqual([200, 201, 202, 203, 204, 205]);
    expect(codes.camera).toEqual([206, 207, 208]);
    expect(codes.light![26]).toBe(235);

    const packed = new Float32Array(236);
    packed[0] = 1; // shape 0
    packed[150] = 2; // expression 0 (after shape 100 + tex 50)
    packed[203] = 0.3; // jaw x (pose starts at 200)
    packed[206] = 9; // cam scale
    const single = readFlameCodes(writeNpz({ code: { dtype: 'float32', shape: [1, 236], data: packed } }), 'p.npz');
    expect(single.shape![0]).toBe(1);
    expect(single.expression![0]).toBe(2);
    expect(Number(single.pose![3].toFixed(6))).toBe(0.3);
    expect(single.camera![0]).toBe(9);
  });

  it('keeps only the parts the file holds, a full 15-value pose as it is', () => {
    const full = readFlameCodes(writeNpz({ pose: { dtype: 'float64', shape: [15], data: new Float64Array(15) } }), 'f.npz');
    expect(full.pose!.length).toBe(15);
    expect(Object.keys(full)).toEqual(['pose']);
  });

  it('takes separate arrays over a packed code, and a light given as (N, 9, 3)', () => {
    const batch = readCodeBatch(writeNpz({ code: f32([2, 236], () => 1), exp: f32([2, 50], () => 0.5), lights: f32([2, 9, 3], (i) => i) }), 'both.npz');
    expect(batch.found).toEqual(['exp', 'light']);
    expect(batch.parts.shape).toBeUndefined();
    expect(batch.parts.light!.rows[1]).toEqual(Array.from({ length: 27 }, (_, i) => 27 + i));
  });

  it('gives clear errors naming the file and the array', () => {
    expect(() => readFlameCodes(writeNpz({ shape: f32([2, 100], () => 0), exp: f32([3, 50], () => 0) }), 'mixed.npz')).toThrow(/'exp' holds 3 codes but other arrays hold 2/);
    expect(() => readFlameCodes(writeNpz({ exp: f32([2, 50], () => 0) }), 'two.npz', 2)).toThrow("two.npz: 'exp': asked for code 2 but there are 2");
    expect(() => readFlameCodes(writeNpz({ weights: f32([3], () => 0) }), 'other.npz')).toThrow(/other.npz: no FLAME codes found .* weights/);
    expect(() => readFlameCodes(writeNpz({ light: f32([4, 9], () => 0) }), 'light.npz')).toThrow(/SH light needs 9×3 = 27/);
    expect(() => readFlameCodes(writeNpz({ cam: f32([2, 4], () => 0) }), 'cam.npz')).toThrow("cam.npz: 'cam' has 4 values per code; the camera is (scale, tx, ty)");
    expect(() => readFlameCodes(writeNpz({ pose: f32([9], () => 0) }), 'pose.npz')).toThrow("pose.npz: 'pose' has 9 values per code; expected 6 or 15");
    expect(() => readFlameCodes(writeNpz({ code: f32([200], () => 0) }), 'short.npz')).toThrow("short.npz: 'code' has 200 values per code; DECA's packed code has 236");
    expect(() => readFlameCodes(writeNpz({ shape: f32([], () => 0) }), 'scalar.npz')).toThrow("scalar.npz: 'shape' has shape ()");
    expect(() => readFlameCodes(new Uint8Array([1, 2, 3]), 'junk.npz')).toThrow(/junk.npz/);
  });
});
