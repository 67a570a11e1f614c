import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { NdArray } from '../../../src/main/io/ndarray';
import { readNpz, writeNpz } from '../../../src/main/io/npy';
import { readCodesNpz } from '../../../src/main/viewport/codesFile';
import { sharedPath } from '../../helpers/shared';

const f32 = (shape: number[], values: (i: number) => number): NdArray => {
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = values(i);
  return { dtype: 'float32', shape, data };
};

describe('reading FLAME codes from .npz', () => {
  it('takes a row of the flame-synthetic reference batch exactly', () => {
    const bytes = readFileSync(sharedPath('fixtures', 'flame-synthetic', 'reference.npz'));
    const reference = readNpz(bytes);
    const loaded = readCodesNpz(bytes, 'reference.npz', 2);
    expect(loaded.count).toBe(4);
    expect(loaded.index).toBe(2);
    expect(loaded.found).toEqual(['shape', 'exp', 'pose', 'cam', 'light']);
    const row = (name: string, width: number) => Array.from((reference.get(name)!.data as Float32Array).slice(2 * width, 3 * width));
    expect(loaded.codes.shape).toEqual(row('shape', 100));
    expect(loaded.codes.expression).toEqual(row('exp', 50));
    expect(loaded.codes.pose).toEqual(row('pose', 6));
    expect(loaded.codes.camera).toEqual(row('cam', 3));
    expect(loaded.codes.light).toEqual(row('light', 27));
  });

  it("reads DECA's own output codes (deca-a)", () => {
    const bytes = readFileSync(sharedPath('fixtures', 'deca-a', 'io.npz'));
    const reference = readNpz(bytes);
    const loaded = readCodesNpz(bytes, 'io.npz');
    expect(loaded.count).toBe(1);
    expect(loaded.codes.expression).toEqual(Array.from(reference.get('exp')!.data as Float32Array));
    expect(loaded.codes.camera).toEqual(Array.from(reference.get('cam')!.data as Float32Array));
  });

  it('fills what the file lacks with neutral codes and pads short ones', () => {
    const bytes = writeNpz({ exp: f32([10], () => 0.5) });
    const loaded = readCodesNpz(bytes, 'exp-only.npz');
    expect(loaded.found).toEqual(['exp']);
    expect(loaded.codes.expression.slice(0, 11)).toEqual([...new Array(10).fill(0.5), 0]);
    expect(loaded.codes.expression.length).toBe(50);
    expect(loaded.codes.shape.every((v) => v === 0)).toBe(true);
    expect(loaded.codes.camera).toEqual([9, 0, 0]);
  });

  it('keeps global and jaw from a full 15-value FLAME pose', () => {
    const bytes = writeNpz({ pose: f32([15], (i) => i) });
    expect(readCodesNpz(bytes, 'full-pose.npz').codes.pose).toEqual([0, 1, 2, 6, 7, 8]);
  });

  it('gives clear errors naming the file and the array', () => {
    expect(() => readCodesNpz(writeNpz({ exp: f32([60], () => 0) }), 'wide.npz')).toThrow("wide.npz: 'exp' has 60 values per code; the viewport takes 50");
    expect(() => readCodesNpz(writeNpz({ shape: f32([2, 100], () => 0), exp: f32([3, 50], () => 0) }), 'mixed.npz')).toThrow(/'exp' holds 3 codes but other arrays hold 2/);
    expect(() => readCodesNpz(writeNpz({ exp: f32([2, 50], () => 0) }), 'two.npz', 5)).toThrow('two.npz: asked for code 6 but the file holds 2');
    expect(() => readCodesNpz(writeNpz({ weights: f32([3], () => 0) }), 'other.npz')).toThrow(/other.npz: no FLAME codes found .* weights/);
    expect(() => readCodesNpz(writeNpz({ light: f32([4, 9], () => 0) }), 'light.npz')).toThrow(/SH light needs 9×3 = 27/);
    expect(() => readCodesNpz(new Uint8Array([1, 2, 3]), 'junk.npz')).toThrow(/junk.npz/);
  });
});
