/**
 * The demo head's own 68-landmark embedding (iBUG order), in DECA's key names: landmarks are
 * placed at (azimuth, height) positions on the head surface and embedded as face index +
 * barycentric coordinates of the ring/column grid. The 17 contour points get 79 yaw bins like
 * DECA's: turning the head by yaw α hides azimuths beyond 90° − α, so contour points there
 * slide to the silhouette.
 */

import type { NdArray } from '../io/ndarray';
import type { DemoGeometry } from './demoHeadGeometry';
import { head } from './demoHeadGeometry';

/** (azimuth, height) of the 51 static landmarks (iBUG 18–68). +azimuth is the head's left. */
function staticPositions(): [number, number][] {
  const points: [number, number][] = [];
  // Brows 18–22 (right, outer to inner) and 23–27 (left, inner to outer).
  for (let k = 0; k < 5; k++) points.push([-0.64 + 0.12 * k, 0.036 + 0.006 * Math.sin((Math.PI * (k + 0.5)) / 5)]);
  for (let k = 0; k < 5; k++) points.push([0.16 + 0.12 * k, 0.036 + 0.006 * Math.sin((Math.PI * (k + 0.5)) / 5)]);
  // Nose bridge 28–31 and base 32–36.
  for (let k = 0; k < 4; k++) points.push([0, 0.024 - 0.012 * k]);
  for (let k = 0; k < 5; k++) points.push([-0.11 + 0.055 * k, -0.021 - 0.003 * (1 - Math.abs(k - 2) / 2)]);
  // Eyes 37–42 (right) and 43–48 (left): corner, two upper, corner, two lower.
  // Both start at the corner with the smaller azimuth (right eye: outer; left eye: inner) and go
  // over the upper lid, as iBUG orders them.
  const eye = (centre: number) => [0, 60, 120, 180, 240, 300].map((degrees): [number, number] => {
    const angle = (degrees * Math.PI) / 180;
    return [centre - Math.cos(angle) * 0.1, head.eyeY + Math.sin(angle) * 0.008];
  });
  points.push(...eye(-head.eyeAzimuth));
  points.push(...eye(head.eyeAzimuth));
  // Outer lips 49–60: right corner, upper lip to the left corner, lower lip back.
  const m = head.mouthHalfAngle;
  const y = head.mouthY;
  for (let k = 0; k <= 6; k++) {
    const a = -m + (2 * m * k) / 6;
    points.push([a, y + (k === 0 || k === 6 ? 0.0015 : 0.004 + 0.005 * Math.sin((Math.PI * k) / 6))]);
  }
  for (let k = 5; k >= 1; k--) {
    const a = -m + (2 * m * k) / 6;
    points.push([a, y - 0.004 - 0.007 * Math.sin((Math.PI * k) / 6)]);
  }
  // Inner lips 61–68: corners on the lip line, upper just above the slit, lower just below.
  points.push([-0.8 * m, y + 0.001]);
  for (let k = 1; k <= 3; k++) points.push([-0.8 * m + (1.6 * m * k) / 4, y + 0.0015]);
  points.push([0.8 * m, y + 0.001]);
  for (let k = 3; k >= 1; k--) points.push([-0.8 * m + (1.6 * m * k) / 4, y - 0.0015]);
  return points;
}

/** (azimuth, height) of the 17 contour points for a head turned by `yawDegrees`. */
function contourPositions(yawDegrees: number): [number, number][] {
  const margin = (12 * Math.PI) / 180;
  const yaw = (yawDegrees * Math.PI) / 180;
  const low = -Math.PI / 2 - yaw + margin;
  const high = Math.PI / 2 - yaw - margin;
  const points: [number, number][] = [];
  for (let j = 0; j < 17; j++) {
    const s = (j - 8) / 8;
    const azimuth = Math.min(high, Math.max(low, s * 1.38));
    points.push([azimuth, -0.08 + 0.075 * Math.abs(s) ** 1.6]);
  }
  return points;
}

/** Face index and barycentrics of the surface point at (azimuth, height). */
function embed(g: DemoGeometry, azimuth: number, height: number): { face: number; bary: [number, number, number] } {
  const heights = g.ringHeights;
  let r = 0;
  while (r + 2 < heights.length && heights[r + 1] <= height) r++;
  const t = Math.min(1, Math.max(0, (height - heights[r]) / (heights[r + 1] - heights[r])));
  const position = ((azimuth + Math.PI) / (2 * Math.PI)) * g.columns;
  const c = Math.min(g.columns - 1, Math.max(0, Math.floor(position)));
  const s = Math.min(1, Math.max(0, position - c));
  const quad = (r * g.columns + c) * 2;
  // Quads are split into (a, b, e) for s ≥ t and (a, e, d) otherwise (see demo-head-geometry).
  if (s >= t) return { face: quad, bary: [1 - s, s - t, t] };
  return { face: quad + 1, bary: [1 - t, s, t - s] };
}

function embedAll(g: DemoGeometry, points: [number, number][], faces: number[], bary: number[]): void {
  for (const [azimuth, height] of points) {
    const e = embed(g, azimuth, height);
    faces.push(e.face);
    bary.push(...e.bary);
  }
}

/** The embedding arrays under DECA's names (static 51, dynamic 79 × 17, full 68). */
export function demoLandmarkEmbedding(g: DemoGeometry): Map<string, NdArray> {
  const staticFaces: number[] = [], staticBary: number[] = [];
  embedAll(g, staticPositions(), staticFaces, staticBary);
  const dynamicFaces: number[] = [], dynamicBary: number[] = [];
  for (let bin = 0; bin < 79; bin++) embedAll(g, contourPositions(bin <= 39 ? bin : 39 - bin), dynamicFaces, dynamicBary);
  const fullFaces: number[] = [], fullBary: number[] = [];
  embedAll(g, [...contourPositions(0), ...staticPositions()], fullFaces, fullBary);
  const ints = (data: number[], shape: number[]): NdArray => ({ dtype: 'int64', shape, data: BigInt64Array.from(data.map(BigInt)) });
  const floats = (data: number[], shape: number[]): NdArray => ({ dtype: 'float64', shape, data: Float64Array.from(data) });
  return new Map([
    ['static_lmk_faces_idx', ints(staticFaces, [51])],
    ['static_lmk_bary_coords', floats(staticBary, [51, 3])],
    ['dynamic_lmk_faces_idx', ints(dynamicFaces, [79, 17])],
    ['dynamic_lmk_bary_coords', floats(dynamicBary, [79, 17, 3])],
    ['full_lmk_faces_idx', ints(fullFaces, [1, 68])],
    ['full_lmk_bary_coords', floats(fullBary, [1, 68, 3])],
  ]);
}
