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
 * The mouth interior (demoHeadMouth.ts) follows the lips in every basis and in the skinning.
 * Run: `rig-studio flame demo-head --out resources/demo-head`.
 */

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { jointCount } from '../../common/flame/model';
import type { NdArray } from '../io/ndarray';
import { writeNpz } from '../io/npy';
import { bump, buildDemoGeometry, type DemoGeometry, eyeOf, head, smoothstep } from './demoHeadGeometry';
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
  const eye = eyeOf(g, v);
  return eye >= 0 ? g.eyeCentres[eye] : position(g, v);
}

/** Outward direction of the surface cross-section at a vertex (horizontal). */
function outward(g: DemoGeometry, v: number): Vec3 {
  const a = g.azimuth[v];
  return [Math.sin(a), 0, Math.cos(a)];
}

/**
 * 1 on the lower face that the jaw carries, fading out towards the ears and the neck. Between
 * the lips the jaw's share jumps at the slit from the upper lip's (0 mid-mouth) to the lower
 * lip's (1 mid-mouth); from each mouth corner (½) outwards it fades over a band of height that
 * widens with the distance from the corner (the cheeks stretch). Down every column of the face it
 * only grows until the neck fade, so no row moves further down than the row below it and an
 * opening jaw cannot fold the lower lip.
 */
export function jawWeight(g: DemoGeometry, v: number): number {
  if (eyeOf(g, v) >= 0) return 0;
  const y = g.height[v];
  const lateral = Math.abs(g.azimuth[v]);
  // Near the corners both lips share the jaw's motion (the corner itself half and half), so a
  // jaw swung sideways slides the lower lip less than one column past the corner.
  const cornerShare = 0.5 * smoothstep(0.3 * head.mouthHalfAngle, head.mouthHalfAngle, lateral);
  if (g.part[v] === 1) return 1 - cornerShare; // lower lip side of the slit
  if (Math.abs(y - head.mouthY) < 1e-9 && lateral < head.mouthHalfAngle) return cornerShare; // upper lip side
  const beyondCorner = Math.max(0, lateral - head.mouthHalfAngle);
  const belowMouth = 1 - smoothstep(head.mouthY - 0.003 - 0.03 * beyondCorner, head.mouthY + 0.003 + 0.012 * beyondCorner, y);
  const front = 1 - smoothstep(1.0, 1.5, lateral);
  const aboveNeck = smoothstep(-0.105, -0.075, y);
  return belowMouth * front * aboveNeck;
}

/**
 * How much of the jaw-width identity mode a vertex takes: the profile the jaw's weights had
 * before the lips stopped folding (see jawWeight). The mode moves vertices sideways only, so its
 * crease below the slit folds nothing, and keeping it keeps every identity (and every demo photo
 * rendered with one) as it was.
 */
function jawWidthWeight(g: DemoGeometry, v: number): number {
  if (g.part[v] === 1) return 1;
  if (eyeOf(g, v) >= 0) return 0;
  const y = g.height[v];
  if (Math.abs(y - head.mouthY) < 1e-9 && Math.abs(g.azimuth[v]) < head.mouthHalfAngle) return 0;
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
    (v, g) => [anchor(g, v)[0] * 0.08 * jawWidthWeight(g, v), 0, 0], // jaw width
    (v, g) => scaled(outward(g, v), 0.004 * bump(g.azimuth[v], g.height[v], 0, -0.008, 0.14, 0.02)), // nose
    (v, g) => [0, -0.002 * bump(g.azimuth[v], g.height[v], 0, -0.078, 0.3, 0.016), 0.004 * bump(g.azimuth[v], g.height[v], 0, -0.078, 0.3, 0.016)], // chin
    (v, g) => [0, 0, 0.004 * smoothstep(0.035, 0.08, g.height[v]) * Math.max(0, Math.cos(g.azimuth[v]))], // forehead
    (v, g) => scaled(outward(g, v), 0.003 * (bump(g.azimuth[v], g.height[v], 0.7, -0.02, 0.3, 0.025) + bump(g.azimuth[v], g.height[v], -0.7, -0.02, 0.3, 0.025))), // cheeks
    (v, g) => {
      // Eye spacing: the eye regions (and eyeballs) move apart.
      const a = g.azimuth[v];
      const near = eyeOf(g, v) >= 0 ? 1 : bump(Math.abs(a), g.height[v], head.eyeAzimuth, head.eyeY, 0.16, 0.018);
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
      const a = eyeOf(g, v) >= 0 ? Math.sign(g.azimuth[v]) * head.eyeAzimuth : g.azimuth[v];
      const y = eyeOf(g, v) >= 0 ? head.eyeY : g.height[v];
      return scaled(outward(g, v), amplitude * Math.cos(m * a + phase) * Math.cos(frequency * y + yPhase));
    });
  }
  return fields;
}

function expressionFields(): Field[] {
  const at = (g: DemoGeometry, v: number, a: number, y: number, sa: number, sy: number) =>
    (eyeOf(g, v) >= 0 ? 0 : bump(g.azimuth[v], g.height[v], a, y, sa, sy));
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
    if (eyeOf(g, v) >= 0) {
      w[3 + eyeOf(g, v)] = 1; // eyes are joints 3 and 4
    } else {
      const head = smoothstep(-0.125, -0.085, g.height[v]);
      const jaw = jawWeight(g, v) * head;
      w[0] = 1 - head;
      w[1] = head - jaw;
      w[2] = jaw;
    }
    weights.set(w, v * jointCount);
  }
  return followLips(g, weights, jointCount);
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
  for (const eye of [0, 1]) uniform(3 + eye, Array.from({ length: count }, (_, v) => v).filter((v) => eyeOf(g, v) === eye));
  return regressor;
}

/**
 * Gives each mouth-interior vertex the per-vertex rows (`width` values each) of the lips it
 * follows, blended by its jaw share, so the pocket moves with the lips in every code.
 */
function followLips<T extends Float32Array | Float64Array>(g: DemoGeometry, rows: T, width: number): T {
  for (const { vertex, upper, lower, jaw } of g.mouth.follows) {
    for (let k = 0; k < width; k++) rows[vertex * width + k] = (1 - jaw) * rows[upper * width + k] + jaw * rows[lower * width + k];
  }
  return rows;
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
  return followLips(g, out, 3 * columns);
}

/** Triangles (3 indices each) as an (F,3) uint32 array. */
function faceArray(indices: number[]): NdArray {
  return { dtype: 'uint32', shape: [indices.length / 3, 3], data: Uint32Array.from(indices) };
}

/** Builds the demo head's arrays under FLAME's key names. */
export function buildDemoHead(resolution: { columns?: number; headRings?: number; neckRings?: number } = {}): Map<string, NdArray> {
  const g = buildDemoGeometry(resolution.columns, resolution.headRings, resolution.neckRings);
  const count = g.positions.length / 3;
  const mouthStart = g.mouthFaceStart * 3;
  const shapedirs = new Float32Array(count * 3 * (identityColumns + expressionColumns));
  const identity = basis(g, identityFields(), identityColumns);
  const expression = basis(g, expressionFields(), expressionColumns);
  for (let row = 0; row < count * 3; row++) {
    shapedirs.set(identity.subarray(row * identityColumns, (row + 1) * identityColumns), row * 400);
    shapedirs.set(expression.subarray(row * expressionColumns, (row + 1) * expressionColumns), row * 400 + identityColumns);
  }
  const arrays = new Map<string, NdArray>([
    ['v_template', { dtype: 'float64', shape: [count, 3], data: Float64Array.from(g.positions) }],
    ['f', faceArray(g.faces.slice(0, mouthStart))],
    ['shapedirs', { dtype: 'float32', shape: [count, 3, 400], data: shapedirs }],
    ['posedirs', { dtype: 'float32', shape: [count, 3, 36], data: new Float32Array(count * 3 * 36) }],
    ['J_regressor', { dtype: 'float64', shape: [jointCount, count], data: jointRegressor(g) }],
    ['weights', { dtype: 'float32', shape: [count, jointCount], data: skinningWeights(g) }],
    ['kintree_table', { dtype: 'int64', shape: [2, jointCount], data: BigInt64Array.from([4294967295n, 0n, 1n, 1n, 1n, 0n, 1n, 2n, 3n, 4n]) }],
    ['vt', { dtype: 'float32', shape: [g.uvs.length / 2, 2], data: Float32Array.from(g.uvs) }],
    ['ft', faceArray(g.uvFaces.slice(0, mouthStart))],
    // The mouth interior is drawn by viewers only: FLAME has none, so `f` (what DECA-style
    // rendering, the demo photos and the fits use) is the head and eyes alone.
    ['mouth_f', faceArray(g.faces.slice(mouthStart))],
    ['mouth_ft', faceArray(g.uvFaces.slice(mouthStart))],
    ['albedo', { dtype: 'uint8', shape: [256, 256, 3], data: demoAlbedo(g, 256) }],
  ]);
  for (const [key, array] of demoLandmarkEmbedding(g)) arrays.set(key, array);
  return arrays;
}

const readme = `# Rig Studio demo head — not FLAME

\`demo_head.npz\` is a head model generated from scratch by Rig Studio
(\`src/main/flame/demoHead.ts\`, run with \`rig-studio flame demo-head --out resources/demo-head\`).
It contains no FLAME data: its geometry, UVs, texture, identity and expression bases, joint
regressor, skinning weights and landmark embedding are all procedural (the landmarks placed
where Rig Studio's face detector marks them on renders of this head,
\`bench/estimate/demoLandmarks.bench.ts\`). It only uses FLAME's
file layout and key names (v_template, f, shapedirs with 300 identity + 100 expression columns,
posedirs, J_regressor, weights, kintree_table), so the app can run, demo and test without the
researcher's FLAME files. Real FLAME models must be obtained by the researcher from the FLAME
website under its own licence.

Expression components: 0 jaw drop, 1 smile, 2 brow raise, 3 brow furrow, 4 pucker, 5 cheek
puff, 6 mouth sideways, 7 frown, 8 squint, 9 nose wrinkle (the rest are zero). Identity
components 0–19 are smooth deformations (size, width, height, depth, jaw, nose, chin,
forehead, cheeks, eye spacing, then random smooth fields); the rest are zero.

The mouth is a slit whose lips part when the jaw opens (pose or expression 0). A mouth interior
(a pocket behind the lips, darkening to the throat) closes the slit from inside, so in a viewer
that draws it (the 3D viewport) an open mouth shows a mouth, not the inside of the skull, and
the head is never seen through. Its faces are kept apart from the head's, under \`mouth_f\` and
\`mouth_ft\`: like FLAME, \`f\` has no mouth interior, so DECA-style renders (the physical
buffers, the demo photos the Demo base model was trained on) and fits use the head and eyes
alone. Its vertices come after the head's and the eyes' (the head's indices and landmark
embedding are those of a head without it), its rim is a copy of the lips' slit vertices that
moves exactly with them, and it is hidden behind closed lips. The jaw carries the whole lower lip and
shares the mouth corners with the upper lip, so opening the jaw (also with the head turned or
the jaw swung sideways) folds no lip face.
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
