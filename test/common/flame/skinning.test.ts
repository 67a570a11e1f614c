import { describe, expect, it } from 'vitest';
import { FlameEvaluator } from '../../../src/common/flame/evaluate';
import { orthographicProject, shadeNormals, vertexNormals } from '../../../src/common/flame/geometry';
import type { FlameModel } from '../../../src/common/flame/model';
import { fullPose } from '../../../src/common/flame/model';
import { axisAngleFromEuler, axisAngleFromMatrix, rodrigues, roundHalfEven } from '../../../src/common/flame/rotation';
import { FlameSkinner } from '../../../src/common/flame/skinning';

/** A tiny two-triangle "model": 4 vertices, joint 0 at the origin, all weight on the root. */
function tinyModel(): FlameModel {
  const vertexCount = 4;
  const template = Float64Array.from([0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 1, 0]);
  const shapeBasis = new Float32Array(vertexCount * 3 * 2);
  // Identity component 0 moves every vertex +x by 1; component 1 moves vertex 3 +z by 1.
  for (let v = 0; v < vertexCount; v++) shapeBasis[(v * 3) * 2] = 1;
  shapeBasis[(3 * 3 + 2) * 2 + 1] = 1;
  const expressionBasis = new Float32Array(vertexCount * 3);
  expressionBasis[1 * 3 + 1] = 2; // expression 0 lifts vertex 1 by 2
  const weights = new Float32Array(vertexCount * 5);
  for (let v = 0; v < vertexCount; v++) weights[v * 5] = 1;
  const jointRegressor = new Float64Array(5 * vertexCount);
  jointRegressor[0] = 1; // every joint at vertex 0
  for (let j = 1; j < 5; j++) jointRegressor[j * vertexCount] = 1;
  return {
    name: 'tiny', vertexCount, faces: Uint32Array.from([0, 1, 2, 1, 3, 2]), template,
    shapeBasis, shapeCount: 2, expressionBasis, expressionCount: 1,
    poseBasis: new Float32Array(vertexCount * 3 * 36), jointRegressor, weights,
    parents: Int32Array.from([-1, 0, 1, 1, 1]),
  };
}

describe('FLAME skinning', () => {
  it('adds identity and expression offsets and rotates rigidly about the root joint', () => {
    const model = tinyModel();
    const skinner = new FlameSkinner(model);
    expect(Array.from(skinner.skin({}))).toEqual(Array.from(model.template));
    const shaped = skinner.skin({ shape: [0.5, 2], expression: [1] });
    expect(Array.from(shaped)).toEqual([0.5, 0, 0, 1.5, 2, 0, 0.5, 1, 0, 1.5, 1, 2]);
    // 90° about z around joint 0 (now at vertex 0 = (0.5, 0, 0)): (1.5, 0, 0) → (0.5, 1, 0).
    const rotated = skinner.skin({ shape: [0.5], pose: [0, 0, Math.PI / 2, 0, 0, 0] });
    expect(rotated[3]).toBeCloseTo(0.5, 6);
    expect(rotated[4]).toBeCloseTo(1, 6);
    // The identity cache follows shape changes back and forth.
    expect(skinner.skin({ shape: [0, 0] })[3]).toBe(1);
    expect(skinner.skin({ shape: [0.5, 0] })[3]).toBe(1.5);
  });

  it('treats a 6-value pose as global + jaw of the 15-value pose', () => {
    expect(Array.from(fullPose([1, 2, 3, 4, 5, 6]))).toEqual([1, 2, 3, 0, 0, 0, 4, 5, 6, 0, 0, 0, 0, 0, 0]);
    expect(() => fullPose([1, 2])).toThrow(/2 values; expected 6/);
    const model = tinyModel();
    const a = new FlameSkinner(model).skin({ pose: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6] }).slice();
    const b = new FlameSkinner(model).skin({ pose: [0.1, 0.2, 0.3, 0, 0, 0, 0.4, 0.5, 0.6, 0, 0, 0, 0, 0, 0] });
    expect(Array.from(b)).toEqual(Array.from(a));
  });

  it('refuses more coefficients than the model has', () => {
    const skinner = new FlameSkinner(tinyModel());
    expect(() => skinner.skin({ shape: [1, 2, 3] })).toThrow(/3 shape values but the model has 2/);
    expect(() => skinner.skin({ expression: [1, 2] })).toThrow(/2 expression values but the model has 1/);
  });
});

describe('rotations', () => {
  it('builds proper rotations and recovers the axis-angle', () => {
    const m = new Float64Array(9);
    rodrigues(0.3, -0.2, 0.5, m);
    // Orthonormal with determinant 1.
    const dot = (i: number, j: number) => m[i] * m[j] + m[i + 3] * m[j + 3] + m[i + 6] * m[j + 6];
    expect(dot(0, 0)).toBeCloseTo(1, 7);
    expect(dot(0, 1)).toBeCloseTo(0, 7);
    const [x, y, z] = axisAngleFromMatrix(m);
    expect(x).toBeCloseTo(0.3, 6); expect(y).toBeCloseTo(-0.2, 6); expect(z).toBeCloseTo(0.5, 6);
    const yawOnly = axisAngleFromEuler(0.4, 0, 0);
    expect(yawOnly[1]).toBeCloseTo(0.4, 9);
    expect([roundHalfEven(0.5), roundHalfEven(1.5), roundHalfEven(-0.5), roundHalfEven(2.4), roundHalfEven(-1.5)].map((x) => x + 0)).toEqual([0, 2, 0, 2, -2]);
  });
});

describe('geometry', () => {
  it('gives unit normals facing out of a counter-clockwise quad, DECA camera and SH shading', () => {
    const model = tinyModel();
    const normals = vertexNormals(model.template, model.faces, 4);
    for (let v = 0; v < 4; v++) expect(Array.from(normals.subarray(v * 3, v * 3 + 3))).toEqual([0, 0, 1]);
    expect(Array.from(orthographicProject([1, 2, 3], [2, 0.5, -1]))).toEqual([3, -2, -6]);
    expect(Array.from(orthographicProject([1, 2, 3], [2, 0.5, -1], undefined, false))).toEqual([3, 2, 6]);
    // Light only in band 3 (z): shading = c1 · n_z · L.
    const light = new Float64Array(27);
    light[9] = light[10] = light[11] = 1;
    const shading = shadeNormals(Float64Array.of(0, 0, 1, 0, 0, -1), light);
    const c1 = ((2 * Math.PI) / 3) * Math.sqrt(3 / (4 * Math.PI));
    expect(shading[0]).toBeCloseTo(c1, 12);
    expect(shading[3]).toBeCloseTo(-c1, 12);
  });

  it('evaluates a whole frame into reused buffers', () => {
    const evaluator = new FlameEvaluator(tinyModel());
    const first = evaluator.evaluate({ shape: [1] });
    const vertices = first.vertices;
    const second = evaluator.evaluate({ shape: [2] });
    expect(second.vertices).toBe(vertices);
    expect(second.vertices[0]).toBe(2);
    expect(second.landmarks2d.length).toBe(0);
  });
});
