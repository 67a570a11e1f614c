/**
 * FLAME speed: meshes per second (skinning + vertex normals) and DECA buffer sets per second
 * (rasterise + rendered/normal/albedo/mask/depth) at 256², each next to a plain reference
 * implementation measured in the same run (ratio = ours / reference). Prints; asserts nothing.
 *
 *   npx vitest run --config bench/flame/vitest.config.ts
 *
 * Models: the shipped demo head, and the FLAME-topology fixture model when ../shared exists.
 * References: DECA's lbs written as plain loops (fresh arrays every call, dense products over
 * all components, 4×4 matrices per vertex), and a rasteriser that computes barycentrics with a
 * helper returning arrays and fills each buffer in its own interpolation pass.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { it } from 'vitest';
import { FlameEvaluator } from '../../src/common/flame/evaluate';
import { shadeNormal, vertexNormals } from '../../src/common/flame/geometry';
import type { FlameModel } from '../../src/common/flame/model';
import { fullPose } from '../../src/common/flame/model';
import { rodrigues } from '../../src/common/flame/rotation';
import { createDecaBuffers, renderDecaBuffers } from '../../src/common/render/decaBuffers';
import { createFragments } from '../../src/common/render/rasterize';
import { loadFlameModel } from '../../src/main/flame/loadModel';

const root = resolve(__dirname, '..', '..');

function codesFor(frame: number, model: FlameModel) {
  const shape = Array.from({ length: model.shapeCount }, (_, k) => Math.sin(frame * 0.1 + k) * 0.5);
  const expression = Array.from({ length: model.expressionCount }, (_, k) => Math.cos(frame * 0.07 + k) * 0.8);
  const pose = [0.1 * Math.sin(frame * 0.05), 0.3 * Math.sin(frame * 0.03), 0, 0.15 + 0.1 * Math.sin(frame * 0.2), 0, 0];
  return { shape, expression, pose };
}

/** DECA's lbs as plain loops with fresh allocations (the reference). */
function referenceSkin(model: FlameModel, shape: number[], expression: number[], pose6: number[]): Float64Array {
  const n = model.vertexCount;
  const shaped = new Float64Array(n * 3);
  for (let row = 0; row < n * 3; row++) {
    let sum = model.template[row];
    for (let k = 0; k < model.shapeCount; k++) sum += model.shapeBasis[row * model.shapeCount + k] * shape[k];
    for (let k = 0; k < model.expressionCount; k++) sum += model.expressionBasis[row * model.expressionCount + k] * expression[k];
    shaped[row] = sum;
  }
  const joints: number[][] = [];
  for (let j = 0; j < 5; j++) {
    const p = [0, 0, 0];
    for (let v = 0; v < n; v++) for (let c = 0; c < 3; c++) p[c] += model.jointRegressor[j * n + v] * shaped[v * 3 + c];
    joints.push(p);
  }
  const pose = fullPose(pose6);
  const rotations: Float64Array[] = [];
  for (let j = 0; j < 5; j++) { const r = new Float64Array(9); rodrigues(pose[j * 3], pose[j * 3 + 1], pose[j * 3 + 2], r); rotations.push(r); }
  const feature: number[] = [];
  for (let j = 1; j < 5; j++) for (let k = 0; k < 9; k++) feature.push(rotations[j][k] - (k % 4 === 0 ? 1 : 0));
  const posed = new Float64Array(n * 3);
  for (let row = 0; row < n * 3; row++) {
    let sum = shaped[row];
    for (let k = 0; k < 36; k++) sum += model.poseBasis[row * 36 + k] * feature[k];
    posed[row] = sum;
  }
  const matrix = (r: Float64Array, t: number[]) => [r[0], r[1], r[2], t[0], r[3], r[4], r[5], t[1], r[6], r[7], r[8], t[2], 0, 0, 0, 1];
  const multiply = (a: number[], b: number[]) => Array.from({ length: 16 }, (_, i) => {
    const r = Math.floor(i / 4), c = i % 4;
    return a[r * 4] * b[c] + a[r * 4 + 1] * b[4 + c] + a[r * 4 + 2] * b[8 + c] + a[r * 4 + 3] * b[12 + c];
  });
  const world: number[][] = [];
  for (let j = 0; j < 5; j++) {
    const parent = model.parents[j];
    const relative = parent < 0 ? joints[j] : joints[j].map((x, c) => x - joints[parent][c]);
    const local = matrix(rotations[j], relative);
    world.push(parent < 0 ? local : multiply(world[parent], local));
  }
  const transforms = world.map((w, j) => {
    const t = w.slice();
    for (let r = 0; r < 3; r++) t[r * 4 + 3] -= w[r * 4] * joints[j][0] + w[r * 4 + 1] * joints[j][1] + w[r * 4 + 2] * joints[j][2];
    return t;
  });
  const out = new Float64Array(n * 3);
  for (let v = 0; v < n; v++) {
    const t = new Array<number>(16).fill(0);
    for (let j = 0; j < 5; j++) for (let k = 0; k < 16; k++) t[k] += model.weights[v * 5 + j] * transforms[j][k];
    const p = [posed[v * 3], posed[v * 3 + 1], posed[v * 3 + 2], 1];
    for (let r = 0; r < 3; r++) out[v * 3 + r] = t[r * 4] * p[0] + t[r * 4 + 1] * p[1] + t[r * 4 + 2] * p[2] + t[r * 4 + 3];
  }
  return out;
}

/** A plain rasteriser: barycentrics from a helper returning arrays, one pass per buffer. */
function referenceBuffers(projected: Float64Array, normals: Float64Array, faces: Uint32Array, light: number[], size: number) {
  const count = size * size;
  const faceOf = new Int32Array(count).fill(-1);
  const depth = new Float32Array(count).fill(Infinity);
  const weights: number[][] = new Array(count);
  const barycentric = (p: number[], a: number[], b: number[], c: number[]) => {
    const area = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
    const wa = ((b[0] - p[0]) * (c[1] - p[1]) - (b[1] - p[1]) * (c[0] - p[0])) / area;
    const wb = ((c[0] - p[0]) * (a[1] - p[1]) - (c[1] - p[1]) * (a[0] - p[0])) / area;
    return [wa, wb, 1 - wa - wb];
  };
  const vertex = (i: number) => [(projected[i * 3] + 1) * size / 2, (projected[i * 3 + 1] + 1) * size / 2, projected[i * 3 + 2]];
  for (let f = 0; f < faces.length / 3; f++) {
    const [a, b, c] = [vertex(faces[f * 3]), vertex(faces[f * 3 + 1]), vertex(faces[f * 3 + 2])];
    const x0 = Math.max(0, Math.floor(Math.min(a[0], b[0], c[0]))), x1 = Math.min(size - 1, Math.ceil(Math.max(a[0], b[0], c[0])));
    const y0 = Math.max(0, Math.floor(Math.min(a[1], b[1], c[1]))), y1 = Math.min(size - 1, Math.ceil(Math.max(a[1], b[1], c[1])));
    for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) {
      const w = barycentric([x + 0.5, y + 0.5], a, b, c);
      if (!w.every((v) => v >= 0)) continue;
      const z = w[0] * a[2] + w[1] * b[2] + w[2] * c[2];
      const p = y * size + x;
      if (z < depth[p]) { depth[p] = z; faceOf[p] = f; weights[p] = w; }
    }
  }
  const interpolate = (attribute: ArrayLike<number>) => {
    const image = new Float32Array(count * 3);
    for (let p = 0; p < count; p++) {
      if (faceOf[p] < 0) continue;
      for (let k = 0; k < 3; k++) for (let ch = 0; ch < 3; ch++) image[p * 3 + ch] += weights[p][k] * attribute[faces[faceOf[p] * 3 + k] * 3 + ch];
    }
    return image;
  };
  const normal = interpolate(normals);
  const albedo = new Float32Array(count * 3).map((_, i) => (faceOf[Math.floor(i / 3)] >= 0 ? 0.7 : 0));
  const rendered = new Float32Array(count * 3);
  const shading = new Float32Array(3);
  for (let p = 0; p < count; p++) {
    if (faceOf[p] < 0) continue;
    shadeNormal(normal[p * 3], normal[p * 3 + 1], normal[p * 3 + 2], light, shading, 0);
    for (let ch = 0; ch < 3; ch++) rendered[p * 3 + ch] = albedo[p * 3 + ch] * shading[ch];
  }
  return { normal, albedo, rendered, depth };
}

/**
 * Runs per second of each function. They run in alternating 150 ms slices, so a load change on
 * this shared machine hits all of them alike and the ratios stay fair.
 */
function rates(runs: ((i: number) => void)[], seconds = 3): number[] {
  for (const run of runs) for (let i = 0; i < 3; i++) run(i); // warm up
  const counts = runs.map(() => 0);
  const times = runs.map(() => 0);
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    runs.forEach((run, k) => {
      const start = performance.now();
      do run(counts[k]++); while (performance.now() - start < 150);
      times[k] += performance.now() - start;
    });
  }
  return counts.map((c, k) => c / (times[k] / 1000));
}

it('FLAME meshes and DECA buffer sets per second', async () => {
  const models: [string, FlameModel][] = [['demo head', await loadFlameModel(resolve(root, 'resources', 'demo-head', 'demo_head.npz'))]];
  const fixture = resolve(root, '..', 'shared', 'fixtures', 'flame-synthetic', 'generic_model.pkl');
  if (existsSync(fixture)) models.push(['FLAME topology (fixture)', await loadFlameModel(fixture)]);
  const light = Array.from({ length: 27 }, (_, i) => (i < 3 ? 3 : i < 12 ? 0.4 : 0.05));
  const lines: string[] = [];
  for (const [name, model] of models) {
    const evaluator = new FlameEvaluator(model);
    const parts = { landmarks: false, projection: false, shading: false };
    const fixed = codesFor(0, model);
    const normals = new Float64Array(model.vertexCount * 3);
    const [viewport, everything, reference] = rates([
      (i) => evaluator.evaluate({ ...codesFor(i, model), shape: fixed.shape }, parts),
      (i) => evaluator.evaluate(codesFor(i, model), parts),
      (i) => {
        const c = codesFor(i, model);
        vertexNormals(referenceSkin(model, c.shape, c.expression, c.pose), model.faces, model.vertexCount, normals);
      },
    ]);
    lines.push(`${name} (${model.vertexCount} vertices, ${model.faces.length / 3} faces)`);
    lines.push(`  meshes/s, skinning + normals, expression and pose change:  ${viewport.toFixed(0).padStart(6)}  (${(viewport / reference).toFixed(1)}× reference)`);
    lines.push(`  meshes/s, skinning + normals, every code changes:         ${everything.toFixed(0).padStart(6)}  (${(everything / reference).toFixed(1)}× reference)`);
    lines.push(`  meshes/s, reference (plain lbs loops + normals):          ${reference.toFixed(0).padStart(6)}`);

    const frame = evaluator.evaluate({ ...codesFor(1, model), camera: [7, 0, 0], light });
    const buffers = createDecaBuffers(256);
    const fragments = createFragments(256);
    const inputs = { projected: frame.projected, normals: frame.normals, faces: model.faces, light, uv: model.uv };
    const [ours, plain, full] = rates([
      () => renderDecaBuffers(inputs, buffers, fragments),
      () => referenceBuffers(frame.projected, frame.normals, model.faces, light, 256),
      (i) => {
        const f = evaluator.evaluate({ ...codesFor(i, model), camera: [7, 0, 0], light });
        renderDecaBuffers({ projected: f.projected, normals: f.normals, faces: model.faces, light, uv: model.uv }, buffers, fragments);
      },
    ]);
    lines.push(`  buffer sets/s at 256² (rasterise + 5 buffers):             ${ours.toFixed(0).padStart(6)}  (${(ours / plain).toFixed(1)}× reference)`);
    lines.push(`  buffer sets/s at 256², reference (plain rasteriser):       ${plain.toFixed(0).padStart(6)}`);
    lines.push(`  codes → buffers/s at 256² (evaluate + render):             ${full.toFixed(0).padStart(6)}`);
  }
  console.log(lines.join('\n'));
});
