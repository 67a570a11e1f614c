import { describe, expect, it } from 'vitest';
import type { PackedArray, PackedHeadModel } from '../../../src/common/contract/viewport';
import { FlameEvaluator } from '../../../src/common/flame/evaluate';
import type { FlameModel } from '../../../src/common/flame/model';
import { createFlameRig } from '../../../src/renderer/src/viewport/rig/flameRig';
import { allocatePosed, PosedHead } from '../../../src/renderer/src/viewport/rig/posedHead';
import { RigStore } from '../../../src/renderer/src/viewport/rig/rigStore';
import { unpackHeadModel } from '../../../src/renderer/src/viewport/rig/unpackHeadModel';

/** A tiny FLAME-format model: a tetrahedron fan of 6 vertices, 5 joints, random bases. */
function tinyModel(): FlameModel {
  let seed = 7;
  const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
  const vertexCount = 6;
  const fill = <T extends Float32Array | Float64Array>(array: T, scale: number): T => {
    for (let i = 0; i < array.length; i++) array[i] = random() * scale;
    return array;
  };
  const weights = new Float32Array(vertexCount * 5);
  for (let v = 0; v < vertexCount; v++) {
    weights[v * 5 + (v % 5)] = 0.7;
    weights[v * 5 + ((v + 1) % 5)] = 0.3;
  }
  const jointRegressor = new Float64Array(5 * vertexCount);
  for (let j = 0; j < 5; j++) jointRegressor[j * vertexCount + j] = 1;
  return {
    name: 'tiny',
    vertexCount,
    faces: Uint32Array.from([0, 1, 2, 0, 2, 3, 0, 3, 4, 0, 4, 5, 1, 3, 5]),
    template: fill(new Float64Array(vertexCount * 3), 0.1),
    shapeBasis: fill(new Float32Array(vertexCount * 3 * 4), 0.01),
    shapeCount: 4,
    expressionBasis: fill(new Float32Array(vertexCount * 3 * 3), 0.01),
    expressionCount: 3,
    poseBasis: fill(new Float32Array(vertexCount * 3 * 36), 0.001),
    jointRegressor,
    weights,
    parents: Int32Array.from([-1, 0, 1, 1, 1]),
    landmarks: {
      staticFaces: new Int32Array(51).fill(1),
      staticBary: new Float64Array(51 * 3).fill(1 / 3),
      dynamicFaces: new Int32Array(79 * 17).fill(2),
      dynamicBary: new Float64Array(79 * 17 * 3).fill(1 / 3),
      binCount: 79,
      fullFaces: new Int32Array(68).fill(0),
      fullBary: new Float64Array(68 * 3).fill(1 / 3),
    },
  };
}

function pack(array: Float64Array | Float32Array | Int32Array | Uint32Array, shape: number[]): PackedArray {
  const dtype = array instanceof Float64Array ? 'float64' : array instanceof Float32Array ? 'float32' : array instanceof Int32Array ? 'int32' : 'uint32';
  const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  return { dtype, shape, base64: btoa(String.fromCharCode(...bytes)) };
}

function packModel(m: FlameModel): PackedHeadModel {
  const v = m.vertexCount;
  const lm = m.landmarks!;
  return {
    info: { source: 'demo', label: 'tiny', path: null, vertexCount: v, faceCount: m.faces.length / 3, shapeCount: m.shapeCount, expressionCount: m.expressionCount },
    template: pack(m.template, [v, 3]),
    faces: pack(m.faces, [m.faces.length / 3, 3]),
    shapeBasis: pack(m.shapeBasis, [v, 3, m.shapeCount]),
    expressionBasis: pack(m.expressionBasis, [v, 3, m.expressionCount]),
    poseBasis: pack(m.poseBasis, [v, 3, 36]),
    jointRegressor: pack(m.jointRegressor, [5, v]),
    weights: pack(m.weights, [v, 5]),
    parents: Array.from(m.parents),
    uv: null,
    landmarks: {
      staticFaces: pack(lm.staticFaces, [51]),
      staticBary: pack(lm.staticBary, [51, 3]),
      dynamicFaces: pack(lm.dynamicFaces, [79, 17]),
      dynamicBary: pack(lm.dynamicBary, [79, 17, 3]),
      fullFaces: pack(lm.fullFaces, [68]),
      fullBary: pack(lm.fullBary, [68, 3]),
    },
    albedo: null,
  };
}

describe('the viewport rig over the shared FLAME math', () => {
  const model = tinyModel();
  const unpacked = unpackHeadModel(JSON.parse(JSON.stringify(packModel(model))) as PackedHeadModel);

  it('unpacks the wire form into the same FlameModel', () => {
    expect(unpacked.template).toEqual(model.template);
    expect(unpacked.poseBasis).toEqual(model.poseBasis);
    expect(unpacked.jointRegressor).toEqual(model.jointRegressor);
    expect(unpacked.parents).toEqual(model.parents);
    expect(unpacked.landmarks!.binCount).toBe(79);
    expect(unpacked.landmarks!.dynamicBary).toEqual(model.landmarks!.dynamicBary);
  });

  it("poses exactly as FlameEvaluator does, taking only the model's components of DECA-sized codes", () => {
    const rig = createFlameRig(unpacked);
    const store = new RigStore();
    store.codes.shape.set([0.5, -1, 2, 0.3, 99]); // component 5 is beyond this model: ignored
    store.codes.expression.set([1, -2, 0.5, 77]);
    store.codes.pose.set([0.1, 0.4, -0.05, 0.2, 0.01, 0]);
    const out = allocatePosed(rig.vertexCount);
    rig.pose(store.codes, out);
    const expected = new FlameEvaluator(model).evaluate({ shape: [0.5, -1, 2, 0.3], expression: [1, -2, 0.5], pose: store.codes.pose });
    for (let i = 0; i < out.vertices.length; i++) expect(out.vertices[i]).toBeCloseTo(expected.vertices[i], 6);
    for (let i = 0; i < out.normals.length; i++) expect(out.normals[i]).toBeCloseTo(expected.normals[i], 6);
    for (let i = 0; i < 68 * 3; i++) expect(out.landmarks[i]).toBeCloseTo(expected.landmarks2d[i], 6);
  });

  it('re-poses once per store version, however many consumers ask', () => {
    const store = new RigStore();
    const posed = new PosedHead(createFlameRig(unpacked), store);
    const v1 = posed.update();
    const before = posed.buffers.vertices.slice();
    expect(posed.update()).toBe(v1);
    store.set('expression', 1, 2);
    const v2 = posed.update();
    expect(v2).not.toBe(v1);
    expect(posed.buffers.vertices).not.toEqual(before);
  });
});
