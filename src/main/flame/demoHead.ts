/**
 * The Rig Studio demo head — NOT FLAME. The app must never ship FLAME data, yet the viewport,
 * the demo and the tests need a head in FLAME's format. This generator builds one from scratch
 * (demoHeadGeometry.ts) and stores it with FLAME's key names and layout:
 * v_template, f, shapedirs (V,3,400: 300 identity + 100 expression columns), posedirs
 * (V,3,36, zero: no pose correctives), J_regressor (5,V), weights (V,5), kintree_table,
 * its own landmark embedding (DECA's key names), UVs (vt, ft) and an albedo texture.
 *
 * Identity: 10 named smooth modes (scale, width, height, depth, jaw width, nose, chin,
 * forehead, cheeks, eye spacing) + 10 random smooth fields; the other 280 columns are zero.
 * Expression: 0 jaw drop, 1 smile, 2 brow raise, 3 brow furrow, 4 pucker, 5 cheek puff,
 * 6 mouth sideways, 7 frown, 8 squint, 9 nose wrinkle; the other 90 columns are zero.
 * Run: `rig-studio flame demo-head --out resources/demo-head`.
 */

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { jointCount } from '../../common/flame/model';
import type { NdArray } from '../io/ndarray';
import { writeNpz } from '../io/npy';
import { bump, buildDemoGeometry, type DemoGeometry, head, smoothstep } from './demoHeadGeometry';
import { demoLandmarkEmbedding } from './demoHeadLandmarks';
import { demoAlbedo } from './demoHeadTexture';

type Vec3 = [number, number, number];
/** A displacement field: metres per unit coefficient at a vertex. */
type Field = (v: number, g: DemoGeometry) => Vec3;

const identityColumns = 300;
const expressionColumns = 100;

function position(g: DemoGeometry, v: number): Vec3 {
  return [g.positions[v * 3], g.positions[v * 3 + 1], g.positions[v * 3 + 2]];
}

/** Eyeballs move rigidly with the point of the face they sit in. */
function anchor(g: DemoGeometry, v: number): Vec3 {
  const part = g.part[v];
  return part >= 2 ? g.eyeCentres[part - 2] : position(g, v);
}

/** Outward direction of the surface cross-section at a vertex (horizontal). */
function outward(g: DemoGeometry, v: number): Vec3 {
  const a = g.azimuth[v];
  return [Math.sin(a), 0, Math.cos(a)];
}

/** 1 on the lower face that the jaw carries, fading out towards the ears and the neck. */
export function jawWeight(g: DemoGeometry, v: number): number {
  if (g.part[v] === 1) return 1;
  if (g.part[v] >= 2) return 0;
  const y = g.height[v];
  if (Math.abs(y - head.mouthY) < 1e-9 && Math.abs(g.azimuth[v]) < head.mouthHalfAngle) return 0; // upper lip side of the slit
  const belowMouth = 1 - smoothstep(head.mouthY - 0.014, head.mouthY + 0.001, y);
  const front = 1 - smoothstep(1.0, 1.5, Math.abs(g.azimuth[v]));
  const aboveNeck = smoothstep(-0.105, -0.075, y);
  return belowMouth * front * aboveNeck;
}

function scaled(direction: Vec3, amount: number): Vec3 {
  return [direction[0] * amount, direction[1] * amount, direction[2] * amount];
}

/** Deterministic pseudo-random numbers (the demo head must be reproducible). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function identityFields(): Field[] {
  const fields: Field[] = [
    (v, g) => scaled(anchor(g, v), 0.04), // overall size
    (v, g) => [anchor(g, v)[0] * 0.06, 0, 0], // width
    (v, g) => [0, (anchor(g, v)[1] - head.neckBase) * 0.03, 0], // height
    (v, g) => [0, 0, anchor(g, v)[2] * 0.05], // depth
    (v, g) => [anchor(g, v)[0] * 0.08 * jawWeight(g, v), 0, 0], // jaw width
    (v, g) => scaled(outward(g, v), 0.004 * bump(g.azimuth[v], g.height[v], 0, -0.008, 0.14, 0.02)), // nose
    (v, g) => [0, -0.002 * bump(g.azimuth[v], g.height[v], 0, -0.078, 0.3, 0.016), 0.004 * bump(g.azimuth[v], g.height[v], 0, -0.078, 0.3, 0.016)], // chin
    (v, g) => [0, 0, 0.004 * smoothstep(0.035, 0.08, g.height[v]) * Math.max(0, Math.cos(g.azimuth[v]))], // forehead
    (v, g) => scaled(outward(g, v), 0.003 * (bump(g.azimuth[v], g.height[v], 0.7, -0.02, 0.3, 0.025) + bump(g.azimuth[v], g.height[v], -0.7, -0.02, 0.3, 0.025))), // cheeks
    (v, g) => {
      // Eye spacing: the eye regions (and eyeballs) move apart.
      const a = g.azimuth[v];
      const near = g.part[v] >= 2 ? 1 : bump(Math.abs(a), g.height[v], head.eyeAzimuth, head.eyeY, 0.16, 0.018);
      return [Math.sign(a) * 0.003 * near, 0, 0];
    },
  ];
  const next = random(2024);
  for (let k = 0; k < 10; k++) {
    const m = 1 + Math.floor(next() * 3);
    const phase = next() * 2 * Math.PI;
    const frequency = 20 + next() * 40;
    const yPhase = next() * 2 * Math.PI;
    const amplitude = 0.0015 + next() * 0.0015;
    fields.push((v, g) => {
      const a = g.part[v] >= 2 ? Math.sign(g.azimuth[v]) * head.eyeAzimuth : g.azimuth[v];
      const y = g.part[v] >= 2 ? head.eyeY : g.height[v];
      return scaled(outward(g, v), amplitude * Math.cos(m * a + phase) * Math.cos(frequency * y + yPhase));
    });
  }
  return fields;
}

function expressionFields(): Field[] {
  const at = (g: DemoGeometry, v: number, a: number, y: number, sa: number, sy: number) =>
    (g.part[v] >= 2 ? 0 : bump(g.azimuth[v], g.height[v], a, y, sa, sy));
  const corners = (g: DemoGeometry, v: number) => at(g, v, head.mouthHalfAngle, head.mouthY, 0.1, 0.01) + at(g, v, -head.mouthHalfAngle, head.mouthY, 0.1, 0.01);
  const lips = (g: DemoGeometry, v: number) => at(g, v, 0, head.mouthY, 0.2, 0.012);
  const eyeSocket = (g: DemoGeometry, v: number) => at(g, v, head.eyeAzimuth, head.eyeY, 0.14, 0.014) + at(g, v, -head.eyeAzimuth, head.eyeY, 0.14, 0.014);
  return [
    (v, g) => [0, -0.009 * jawWeight(g, v), -0.003 * jawWeight(g, v)], // jaw drop
    (v, g) => [Math.sign(g.azimuth[v]) * 0.004 * corners(g, v), 0.005 * corners(g, v), -0.002 * corners(g, v)], // smile
    (v, g) => [0, 0.005 * (at(g, v, 0.35, 0.04, 0.35, 0.014) + at(g, v, -0.35, 0.04, 0.35, 0.014)), 0], // brow raise
    (v, g) => {
      const w = at(g, v, 0.15, 0.036, 0.1, 0.01) + at(g, v, -0.15, 0.036, 0.1, 0.01);
      return [-Math.sign(g.azimuth[v]) * 0.002 * w, -0.003 * w, 0.001 * w];
    }, // brow furrow
    (v, g) => [-g.positions[v * 3] * 0.15 * lips(g, v), 0, 0.006 * lips(g, v)], // pucker
    (v, g) => scaled(outward(g, v), 0.006 * (at(g, v, 0.55, -0.035, 0.22, 0.018) + at(g, v, -0.55, -0.035, 0.22, 0.018))), // cheek puff
    (v, g) => [0.005 * lips(g, v), 0, 0], // mouth sideways
    (v, g) => [0, -0.005 * corners(g, v), 0], // frown
    (v, g) => {
      const w = eyeSocket(g, v);
      return [0, (head.eyeY - g.height[v]) * 0.25 * w, 0.001 * w];
    }, // squint
    (v, g) => [0, 0.003 * at(g, v, 0, 0.0, 0.12, 0.015), 0.001 * at(g, v, 0, 0.0, 0.12, 0.015)], // nose wrinkle
  ];
}

/** Skinning weights (V × 5): root at the neck base, neck for the head, jaw, eyes. */
function skinningWeights(g: DemoGeometry): Float32Array {
  const count = g.positions.length / 3;
  const weights = new Float32Array(count * jointCount);
  for (let v = 0; v < count; v++) {
    const w = new Array<number>(jointCount).fill(0);
    if (g.part[v] >= 2) {
      w[g.part[v] + 1] = 1; // eyes are joints 3 and 4
    } else {
      const head = smoothstep(-0.125, -0.085, g.height[v]);
      const jaw = jawWeight(g, v) * head;
      w[0] = 1 - head;
      w[1] = head - jaw;
      w[2] = jaw;
    }
    weights.set(w, v * jointCount);
  }
  return weights;
}

/** Joint regressor (5 × V): each joint the mean of a set of vertices around where it sits. */
function jointRegressor(g: DemoGeometry): Float64Array {
  const count = g.positions.length / 3;
  const regressor = new Float64Array(jointCount * count);
  const uniform = (joint: number, members: number[]) => {
    if (members.length === 0) throw new Error(`demo head: joint ${joint} has no vertices`);
    for (const v of members) regressor[joint * count + v] = 1 / members.length;
  };
  const ringMembers = (r: number) => Array.from({ length: g.columns }, (_, c) => g.ring(r, c));
  uniform(0, ringMembers(0)); // root: centre of the neck base
  let neckRing = 0;
  for (let r = 0; r < g.ringHeights.length; r++) if (Math.abs(g.ringHeights[r] + 0.075) < Math.abs(g.ringHeights[neckRing] + 0.075)) neckRing = r;
  uniform(1, ringMembers(neckRing));
  // Jaw hinge: both sides just below the ears, symmetric, so the mean lies on the mid-plane.
  let hingeRing = 0;
  for (let r = 0; r < g.ringHeights.length; r++) if (Math.abs(g.ringHeights[r] + 0.012) < Math.abs(g.ringHeights[hingeRing] + 0.012)) hingeRing = r;
  uniform(2, ringMembers(hingeRing).filter((v) => Math.abs(Math.abs(g.azimuth[v]) - 1.45) < 0.2));
  for (const eye of [0, 1]) uniform(3 + eye, Array.from({ length: count }, (_, v) => v).filter((v) => g.part[v] === 2 + eye));
  return regressor;
}

function basis(g: DemoGeometry, fields: Field[], columns: number): Float32Array {
  const count = g.positions.length / 3;
  const out = new Float32Array(count * 3 * columns);
  fields.forEach((field, k) => {
    for (let v = 0; v < count; v++) {
      const d = field(v, g);
      for (let c = 0; c < 3; c++) out[(v * 3 + c) * columns + k] = d[c];
    }
  });
  return out;
}

/** Builds the demo head's arrays under FLAME's key names. */
export function buildDemoHead(resolution: { columns?: number; headRings?: number; neckRings?: number } = {}): Map<string, NdArray> {
  const g = buildDemoGeometry(resolution.columns, resolution.headRings, resolution.neckRings);
  const count = g.positions.length / 3;
  const shapedirs = new Float32Array(count * 3 * (identityColumns + expressionColumns));
  const identity = basis(g, identityFields(), identityColumns);
  const expression = basis(g, expressionFields(), expressionColumns);
  for (let row = 0; row < count * 3; row++) {
    shapedirs.set(identity.subarray(row * identityColumns, (row + 1) * identityColumns), row * 400);
    shapedirs.set(expression.subarray(row * expressionColumns, (row + 1) * expressionColumns), row * 400 + identityColumns);
  }
  const arrays = new Map<string, NdArray>([
    ['v_template', { dtype: 'float64', shape: [count, 3], data: Float64Array.from(g.positions) }],
    ['f', { dtype: 'uint32', shape: [g.faces.length / 3, 3], data: Uint32Array.from(g.faces) }],
    ['shapedirs', { dtype: 'float32', shape: [count, 3, 400], data: shapedirs }],
    ['posedirs', { dtype: 'float32', shape: [count, 3, 36], data: new Float32Array(count * 3 * 36) }],
    ['J_regressor', { dtype: 'float64', shape: [jointCount, count], data: jointRegressor(g) }],
    ['weights', { dtype: 'float32', shape: [count, jointCount], data: skinningWeights(g) }],
    ['kintree_table', { dtype: 'int64', shape: [2, jointCount], data: BigInt64Array.from([4294967295n, 0n, 1n, 1n, 1n, 0n, 1n, 2n, 3n, 4n]) }],
    ['vt', { dtype: 'float32', shape: [g.uvs.length / 2, 2], data: Float32Array.from(g.uvs) }],
    ['ft', { dtype: 'uint32', shape: [g.uvFaces.length / 3, 3], data: Uint32Array.from(g.uvFaces) }],
    ['albedo', { dtype: 'uint8', shape: [256, 256, 3], data: demoAlbedo(g, 256) }],
  ]);
  for (const [key, array] of demoLandmarkEmbedding(g)) arrays.set(key, array);
  return arrays;
}

const readme = `# Rig Studio demo head — not FLAME

\`demo_head.npz\` is a head model generated from scratch by Rig Studio
(\`src/main/flame/demoHead.ts\`, run with \`rig-studio flame demo-head --out resources/demo-head\`).
It contains no FLAME data: its geometry, UVs, texture, identity and expression bases, joint
regressor, skinning weights and landmark embedding are all procedural. It only uses FLAME's
file layout and key names (v_template, f, shapedirs with 300 identity + 100 expression columns,
posedirs, J_regressor, weights, kintree_table), so the app can run, demo and test without the
researcher's FLAME files. Real FLAME models must be obtained by the researcher from the FLAME
website under its own licence.

Expression components: 0 jaw drop, 1 smile, 2 brow raise, 3 brow furrow, 4 pucker, 5 cheek
puff, 6 mouth sideways, 7 frown, 8 squint, 9 nose wrinkle (the rest are zero). Identity
components 0–19 are smooth deformations (size, width, height, depth, jaw, nose, chin,
forehead, cheeks, eye spacing, then random smooth fields); the rest are zero.
`;

const licence = `Rig Studio demo head — not FLAME.

Generated procedurally by Rig Studio; released under the same MIT licence as Rig Studio.
This file contains no data derived from the FLAME model or any scan.
`;

/** Writes demo_head.npz, README.md and LICENSE into `dir`. Returns the model's path. */
export async function writeDemoHead(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, 'demo_head.npz');
  await writeFile(path, writeNpz(buildDemoHead()));
  await writeFile(join(dir, 'README.md'), readme);
  await writeFile(join(dir, 'LICENSE'), licence);
  return path;
}
