/**
 * The demo head's own 68-landmark embedding (iBUG order), in DECA's key names: landmarks are
 * placed at (azimuth, height) positions on the head surface and embedded as face index +
 * barycentric coordinates of the ring/column grid. The 17 contour points get 79 yaw bins like
 * DECA's: turning the head by yaw α hides azimuths beyond 90° − α, so contour points there
 * slide to the silhouette.
 */

import type { NdArray } from '../io/ndarray';
import type { DemoGeometry } from './demoHeadGeometry';

/** Where the landmarks sit: the 51 static ones, and an (azimuth, height) shift per contour point. */
export interface DemoLandmarkLayout {
  /** (azimuth, height) of iBUG 18–68. +azimuth is the head's left. */
  static: [number, number][];
  /** Per contour point (iBUG 1–17): added to its azimuth (before the silhouette clamp) and height. */
  contourShift: [number, number][];
}

/** (azimuth, height) of the 17 contour points for a head turned by `yawDegrees`. */
export function contourPositions(yawDegrees: number, shift: readonly (readonly [number, number])[]): [number, number][] {
  const margin = (12 * Math.PI) / 180;
  const yaw = (yawDegrees * Math.PI) / 180;
  const low = -Math.PI / 2 - yaw + margin;
  const high = Math.PI / 2 - yaw - margin;
  const points: [number, number][] = [];
  for (let j = 0; j < 17; j++) {
    const s = (j - 8) / 8;
    const azimuth = Math.min(high, Math.max(low, s * 1.38 + shift[j][0]));
    points.push([azimuth, -0.08 + 0.075 * Math.abs(s) ** 1.6 + shift[j][1]]);
  }
  return points;
}

/** Face index and barycentrics of the surface point at (azimuth, height). */
export function embed(g: DemoGeometry, azimuth: number, height: number): { face: number; bary: [number, number, number] } {
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
export function demoLandmarkEmbedding(g: DemoGeometry, layout: DemoLandmarkLayout = demoLandmarkLayout): Map<string, NdArray> {
  const staticFaces: number[] = [], staticBary: number[] = [];
  embedAll(g, layout.static, staticFaces, staticBary);
  const dynamicFaces: number[] = [], dynamicBary: number[] = [];
  for (let bin = 0; bin < 79; bin++) embedAll(g, contourPositions(bin <= 39 ? bin : 39 - bin, layout.contourShift), dynamicFaces, dynamicBary);
  const fullFaces: number[] = [], fullBary: number[] = [];
  embedAll(g, [...contourPositions(0, layout.contourShift), ...layout.static], fullFaces, fullBary);
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

/**
 * The shipped layout: where the face detector (src/main/face) marks each landmark on renders of
 * this head. The landmarks were first drawn on the head's features (brows, nose, eyes, lips, a
 * jaw line from ear to chin); on renders whose codes are known the detector put the jaw line up
 * to 3 cm higher and further round the head, and the brows, nose and lips elsewhere too, so the
 * landmark fit turned every face down by about 22° to match (real photos fitted with this head
 * as well: a head tilted far back came out at −8°). `bench/estimate/demoLandmarks.bench.ts`
 * (BENCH_CALIBRATE=1) placed each landmark where its projection with the true codes lies
 * nearest the detector's over 45 renders (seed 3), each lip landmark on its own lip, and made the
 * layout symmetric; comments give each landmark's RMS distance there, as first drawn → as placed
 * (one side, pixels of 256² renders). On held-out renders (seed 5) the fit's mean pitch error
 * went from +21.5° to +1.0° (mean |error| 4.6°), roll's mean |error| from 3.9° to 1.8°, its RMS
 * from 5.89 to 3.96 px; yaw stays magnified (the fitted yaw is about 1.5× the true one either way).
 * A change to the head's geometry or texture needs the calibration run again.
 */
export const demoLandmarkLayout: DemoLandmarkLayout = {
  contourShift: [
    [0.000, 0.0315], // 1: 32.0 → 15.7 px
    [-0.190, 0.0335], // 2: 34.2 → 19.3 px
    [-0.365, 0.0290], // 3: 35.9 → 20.7 px
    [-0.580, 0.0150], // 4: 32.5 → 17.9 px
    [-0.690, 0.0120], // 5: 33.2 → 15.1 px
    [-0.535, 0.0100], // 6: 25.7 → 11.2 px
    [-0.445, 0.0120], // 7: 22.9 → 10.3 px
    [-0.200, 0.0110], // 8: 16.6 → 10.0 px
    [0.000, 0.0090], // 9: 13.4 → 11.3 px
    [0.200, 0.0110], // 10: 16.0 → 10.5 px
    [0.445, 0.0120], // 11: 22.7 → 10.5 px
    [0.535, 0.0100], // 12: 25.8 → 11.3 px
    [0.690, 0.0120], // 13: 33.4 → 15.3 px
    [0.580, 0.0150], // 14: 32.8 → 18.3 px
    [0.365, 0.0290], // 15: 36.1 → 21.2 px
    [0.190, 0.0335], // 16: 34.2 → 20.0 px
    [0.000, 0.0315], // 17: 32.1 → 16.6 px
  ],
  static: [
    [-0.795, 0.0394], // 18: right brow, 8.9 → 4.8 px
    [-0.680, 0.0444], // 19: right brow, 10.3 → 5.1 px
    [-0.545, 0.0465], // 20: right brow, 11.1 → 6.3 px
    [-0.380, 0.0464], // 21: right brow, 10.2 → 6.8 px
    [-0.195, 0.0439], // 22: right brow, 9.3 → 6.8 px
    [0.195, 0.0439], // 23: left brow, 9.3 → 6.6 px
    [0.380, 0.0464], // 24: left brow, 10.3 → 6.6 px
    [0.545, 0.0465], // 25: left brow, 11.6 → 6.0 px
    [0.680, 0.0444], // 26: left brow, 11.3 → 5.0 px
    [0.795, 0.0394], // 27: left brow, 10.4 → 5.1 px
    [0.000, 0.0190], // 28: nose bridge, 6.5 → 4.6 px
    [0.000, 0.0030], // 29: nose bridge, 10.7 → 6.4 px
    [0.000, -0.0080], // 30: nose bridge, 11.5 → 8.8 px
    [0.000, -0.0150], // 31: nose bridge, 11.4 → 11.1 px
    [-0.185, -0.0240], // 32: nose base, 9.2 → 6.4 px
    [-0.075, -0.0265], // 33: nose base, 8.5 → 7.2 px
    [0.000, -0.0270], // 34: nose base, 7.7 → 7.1 px
    [0.075, -0.0265], // 35: nose base, 7.9 → 6.9 px
    [0.185, -0.0240], // 36: nose base, 8.1 → 6.1 px
    [-0.595, 0.0220], // 37: right eye, 6.9 → 4.4 px
    [-0.525, 0.0249], // 38: right eye, 6.4 → 3.9 px
    [-0.375, 0.0249], // 39: right eye, 5.8 → 3.9 px
    [-0.235, 0.0190], // 40: right eye, 7.4 → 4.5 px
    [-0.355, 0.0166], // 41: right eye, 4.0 → 3.5 px
    [-0.495, 0.0176], // 42: right eye, 4.1 → 3.7 px
    [0.235, 0.0190], // 43: left eye, 7.0 → 4.5 px
    [0.375, 0.0249], // 44: left eye, 5.5 → 4.0 px
    [0.525, 0.0249], // 45: left eye, 6.5 → 4.1 px
    [0.595, 0.0220], // 46: left eye, 8.1 → 5.4 px
    [0.495, 0.0176], // 47: left eye, 5.0 → 4.3 px
    [0.355, 0.0166], // 48: left eye, 4.5 → 3.9 px
    [-0.330, -0.0430], // 49: upper lip, 9.9 → 7.9 px
    [-0.208, -0.0410], // 50: upper lip, 9.7 → 8.5 px
    [-0.077, -0.0372], // 51: upper lip, 8.6 → 8.4 px
    [0.000, -0.0380], // 52: upper lip, 8.7 → 8.4 px
    [0.077, -0.0372], // 53: upper lip, 8.3 → 7.8 px
    [0.208, -0.0410], // 54: upper lip, 7.5 → 7.1 px
    [0.330, -0.0430], // 55: upper lip, 8.2 → 7.5 px
    [0.268, -0.0465], // 56: lower lip, 16.2 → 9.5 px
    [0.107, -0.0471], // 57: lower lip, 15.4 → 11.5 px
    [0.000, -0.0470], // 58: lower lip, 16.1 → 11.8 px
    [-0.107, -0.0471], // 59: lower lip, 15.7 → 11.2 px
    [-0.268, -0.0465], // 60: lower lip, 17.4 → 9.6 px
    [-0.253, -0.0435], // 61: inner upper lip, 10.0 → 8.6 px
    [-0.114, -0.0435], // 62: inner upper lip, 8.5 → 7.8 px
    [0.000, -0.0435], // 63: inner upper lip, 8.3 → 7.9 px
    [0.114, -0.0435], // 64: inner upper lip, 7.3 → 7.1 px
    [0.253, -0.0435], // 65: inner upper lip, 8.0 → 7.6 px
    [0.159, -0.0475], // 66: inner lower lip, 13.9 → 13.0 px
    [0.000, -0.0475], // 67: inner lower lip, 15.1 → 14.8 px
    [-0.159, -0.0475], // 68: inner lower lip, 15.4 → 13.2 px
  ],
};
