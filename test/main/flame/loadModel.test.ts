import { describe, expect, it } from 'vitest';
import { buildDemoHead } from '../../../src/main/flame/demoHead';
import { flameModelFromEntries } from '../../../src/main/flame/loadModel';
import type { NdArray } from '../../../src/main/io/ndarray';

describe('FLAME model validation', () => {
  const arrays = buildDemoHead({ columns: 24, headRings: 12, neckRings: 4 });
  const vertexCount = arrays.get('v_template')!.shape[0];
  const variant = (change: (m: Map<string, unknown>) => void) => {
    const copy = new Map<string, unknown>(arrays);
    change(copy);
    return () => flameModelFromEntries(copy, 'model.pkl');
  };

  it('names the file, the key and what was expected', () => {
    expect(variant((m) => m.delete('posedirs'))).toThrow("model.pkl: missing key 'posedirs'");
    expect(variant((m) => m.set('weights', { dtype: 'float32', shape: [vertexCount, 4], data: new Float32Array(vertexCount * 4) } as NdArray)))
      .toThrow(`model.pkl: 'weights' has shape (${vertexCount}, 4), expected (${vertexCount}, 5)`);
    expect(variant((m) => m.set('shapedirs', { dtype: 'float32', shape: [vertexCount, 3, 10], data: new Float32Array(vertexCount * 30) } as NdArray)))
      .toThrow(/'shapedirs' has 10 components; FLAME files have 400/);
    expect(variant((m) => m.set('f', { dtype: 'int32', shape: [1, 3], data: Int32Array.from([0, 1, vertexCount]) } as NdArray)))
      .toThrow(`'f' refers to vertex ${vertexCount} but there are ${vertexCount}`);
    expect(variant((m) => m.set('J_regressor', 'nonsense'))).toThrow(/'J_regressor' is neither an array nor a scipy sparse matrix/);
    expect(variant((m) => m.set('kintree_table', { dtype: 'int64', shape: [2, 5], data: BigInt64Array.from([0n, 0n, 3n, 1n, 1n, 0n, 1n, 2n, 3n, 4n]) } as NdArray)))
      .toThrow(/'kintree_table' gives joint 2 the parent 3/);
    const bad = new Float32Array(vertexCount * 3 * 36);
    bad[7] = NaN;
    expect(variant((m) => m.set('posedirs', { dtype: 'float32', shape: [vertexCount, 3, 36], data: bad } as NdArray))).toThrow(/'posedirs' holds non-finite values/);
  });

  it("reads a viewer-only mouth interior, refusing one that points past the vertices or lacks UVs the model has", () => {
    expect(flameModelFromEntries(arrays, 'model.npz').mouth!.faces.length).toBe(arrays.get('mouth_f')!.data.length);
    expect(variant((m) => m.set('mouth_f', { dtype: 'uint32', shape: [1, 3], data: Uint32Array.from([0, 1, vertexCount]) } as NdArray)))
      .toThrow(`model.pkl: 'mouth_f' refers to vertex ${vertexCount} but there are ${vertexCount}`);
    expect(variant((m) => m.delete('mouth_ft'))).toThrow("model.pkl: 'mouth_f' has no 'mouth_ft' (its faces' UVs) though the model has UVs");
    // Without UVs the faces alone are kept.
    const noUv = variant((m) => { m.delete('vt'); m.delete('ft'); m.delete('mouth_ft'); })();
    expect(noUv.mouth?.uvFaces).toBeUndefined();
  });

  it('keeps DECA\'s component counts by default and more on request', () => {
    const model = flameModelFromEntries(arrays, 'demo.npz');
    expect([model.shapeCount, model.expressionCount]).toEqual([100, 50]);
    const full = flameModelFromEntries(arrays, 'demo.npz', { shapeCount: 300, expressionCount: 100 });
    expect(full.expressionBasis.length).toBe(vertexCount * 3 * 100);
    expect(() => flameModelFromEntries(arrays, 'demo.npz', { expressionCount: 101 })).toThrow(/101 expression components requested, the file has 100/);
  });
});
