import type { PackedArray, PackedHeadModel } from '../../../src/common/contract/viewport';
import type { FlameModel } from '../../../src/common/flame/model';

// A tiny FLAME-format model and its wire form, for the viewport's renderer-side tests.

/** A tiny FLAME-format model: a tetrahedron fan of 6 vertices, 5 joints, random bases. */
export function tinyModel(): FlameModel {
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

export function packModel(m: FlameModel): PackedHeadModel {
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
    mouth: m.mouth ? { faces: pack(m.mouth.faces, [m.mouth.faces.length / 3, 3]), uvFaces: null } : null,
  };
}
