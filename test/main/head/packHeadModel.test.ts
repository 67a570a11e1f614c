import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PackedArray, PackedHeadModel } from '../../../src/common/contract/viewport';
import { FlameEvaluator } from '../../../src/common/flame/evaluate';
import type { FlameModel } from '../../../src/common/flame/model';
import { readNpz } from '../../../src/main/io/npy';
import { loadLandmarkEmbedding } from '../../../src/main/flame/landmarkEmbedding';
import { loadFlameModel } from '../../../src/main/flame/loadModel';
import { packArray, packHeadModel } from '../../../src/main/head/packHeadModel';
import { sharedPath } from '../../helpers/shared';

/** Decodes a packed array the way any client must: base64 → bytes → typed array of its dtype. */
function decode(packed: PackedArray): Float64Array | Float32Array | Int32Array | Uint32Array | Uint8Array {
  const bytes = Buffer.from(packed.base64, 'base64');
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const ctor = { float64: Float64Array, float32: Float32Array, int32: Int32Array, uint32: Uint32Array, uint8: Uint8Array }[packed.dtype];
  const array = new ctor(buffer);
  expect(array.length).toBe(packed.shape.reduce((a, b) => a * b, 1));
  return array;
}

describe('packing the head model for the browser', () => {
  let model: FlameModel;
  let wire: PackedHeadModel;

  beforeAll(async () => {
    model = await loadFlameModel(sharedPath('fixtures', 'flame-synthetic', 'generic_model.pkl'));
    model.landmarks = await loadLandmarkEmbedding(sharedPath('deca-data', 'landmark_embedding.npy'), model.faces.length / 3);
    const packed = packHeadModel(model, { source: 'flame', label: 'generic_model.pkl', path: '/x/generic_model.pkl' });
    // Exactly what crosses the wire in serve mode.
    wire = JSON.parse(JSON.stringify(packed)) as PackedHeadModel;
  });

  it("describes the model with DECA's component counts", () => {
    expect(wire.info).toEqual({ source: 'flame', label: 'generic_model.pkl', path: '/x/generic_model.pkl', vertexCount: 5023, faceCount: 9976, shapeCount: 100, expressionCount: 50 });
    expect(wire.shapeBasis.shape).toEqual([5023, 3, 100]);
    expect(wire.landmarks?.dynamicFaces.shape).toEqual([79, 17]);
    expect(wire.parents).toEqual(Array.from(model.parents));
  });

  it('carries every array bit for bit', () => {
    expect(decode(wire.template)).toEqual(model.template);
    expect(decode(wire.faces)).toEqual(model.faces);
    expect(decode(wire.shapeBasis)).toEqual(model.shapeBasis);
    expect(decode(wire.expressionBasis)).toEqual(model.expressionBasis);
    expect(decode(wire.poseBasis)).toEqual(model.poseBasis);
    expect(decode(wire.jointRegressor)).toEqual(model.jointRegressor);
    expect(decode(wire.weights)).toEqual(model.weights);
    expect(decode(wire.landmarks!.dynamicBary)).toEqual(model.landmarks!.dynamicBary);
  });

  it('a model rebuilt from the wire skins like the fixture (DECA reference, 1e-5)', () => {
    const rebuilt: FlameModel = {
      ...model,
      template: decode(wire.template) as Float64Array,
      shapeBasis: decode(wire.shapeBasis) as Float32Array,
      expressionBasis: decode(wire.expressionBasis) as Float32Array,
      poseBasis: decode(wire.poseBasis) as Float32Array,
      jointRegressor: decode(wire.jointRegressor) as Float64Array,
      weights: decode(wire.weights) as Float32Array,
    };
    const reference = readNpz(readFileSync(sharedPath('fixtures', 'flame-synthetic', 'reference.npz')));
    const evaluator = new FlameEvaluator(rebuilt);
    const vertices = reference.get('vertices')!.data as Float32Array;
    const n = 5023 * 3;
    for (let item = 0; item < 4; item++) {
      const row = (name: string, width: number) => (reference.get(name)!.data as Float32Array).subarray(item * width, (item + 1) * width);
      const frame = evaluator.evaluate({ shape: row('shape', 100), expression: row('exp', 50), pose: row('pose', 6) }, { projection: false, shading: false });
      let diff = 0;
      let scale = 0;
      for (let i = 0; i < n; i++) {
        diff = Math.max(diff, Math.abs(frame.vertices[i] - vertices[item * n + i]));
        scale = Math.max(scale, Math.abs(vertices[item * n + i]));
      }
      expect(diff / scale).toBeLessThan(1e-5);
    }
  });

  it('keeps only the first components of a wider basis, and refuses bad shapes', () => {
    const narrow = packHeadModel(model, { source: 'flame', label: 'x', path: null, shapeCount: 10, expressionCount: 5 });
    const shape = decode(narrow.shapeBasis);
    expect(narrow.shapeBasis.shape).toEqual([5023, 3, 10]);
    // Row 7, component 3 of the cut basis is row 7, component 3 of the full one.
    expect(shape[7 * 10 + 3]).toBe(model.shapeBasis[7 * 100 + 3]);
    expect(() => packArray(new Float32Array(5), [2, 3], 'thing')).toThrow('thing: 5 values do not fill shape (2, 3)');
  });
});
