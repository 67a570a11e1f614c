/**
 * Geometry of the Rig Studio demo head (not FLAME): a procedurally generated head on a neck,
 * built ring by ring from the neck base to the crown, with a mouth slit (the lips part when the
 * jaw opens), two eyeballs and a mouth interior closing the slit from inside (demoHeadMouth.ts).
 * Units and axes follow FLAME's: metres, y up, +z out of the face, +x the head's left.
 */

import { buildMouthInterior, type MouthInterior } from './demoHeadMouth';

/** Proportions of the head, in metres. */
export const head = {
  neckBase: -0.13,
  centreY: 0.005,
  halfHeight: 0.11,
  halfWidth: 0.078,
  halfDepth: 0.098,
  neckHalfWidth: 0.055,
  neckHalfDepth: 0.06,
  neckOffsetZ: -0.02,
  mouthY: -0.046,
  mouthHalfAngle: 0.26,
  eyeAzimuth: 0.42,
  eyeY: 0.022,
  eyeRadius: 0.0125,
};

export interface DemoGeometry {
  positions: number[];
  /** UV pairs, and per triangle the uv index of each corner. */
  uvs: number[];
  faces: number[];
  uvFaces: number[];
  /** Per vertex: its azimuth and height on the head surface (eyeballs: those of their centre). */
  azimuth: number[];
  height: number[];
  /** Per vertex: 0 head surface, 1 lower copy of a mouth-slit vertex, 2 right eyeball, 3 left eyeball, 4 mouth interior. */
  part: number[];
  /** Triangles of the head surface (landmarks embed there, not on the eyeballs). */
  headFaceCount: number;
  /** Faces from here on are the mouth interior's (after the head's and the eyes'). */
  mouthFaceStart: number;
  /** Ring-major indices: ring r, column c → vertex (top pole excluded). */
  ring: (r: number, c: number) => number;
  ringHeights: number[];
  columns: number;
  eyeCentres: [number, number, number][];
  /** The mouth interior's vertices and the lip vertices each one follows. */
  mouth: MouthInterior;
}

/** Part codes of the eyeballs and the mouth interior (see DemoGeometry.part). */
export const rightEyePart = 2, leftEyePart = 3, mouthPart = 4;

/** Which eyeball (0 right, 1 left) vertex `v` belongs to, or −1. */
export function eyeOf(g: DemoGeometry, v: number): number {
  const part = g.part[v];
  return part === rightEyePart || part === leftEyePart ? part - rightEyePart : -1;
}

function smoothstep(edge0: number, edge1: number, x: number): number {
  const t = Math.min(1, Math.max(0, (x - edge0) / (edge1 - edge0)));
  return t * t * (3 - 2 * t);
}

function bump(azimuth: number, y: number, centreAzimuth: number, centreY: number, sigmaAzimuth: number, sigmaY: number): number {
  const a = (azimuth - centreAzimuth) / sigmaAzimuth;
  const b = (y - centreY) / sigmaY;
  return Math.exp(-0.5 * (a * a + b * b));
}

/** Outward offset (metres) of facial features at a surface point. */
function featureOffset(azimuth: number, y: number): number {
  const side = (centre: number, sa: number, sy: number, cy: number) => bump(azimuth, y, centre, cy, sa, sy) + bump(azimuth, y, -centre, cy, sa, sy);
  let d = 0;
  d += 0.016 * bump(azimuth, y, 0, -0.012, 0.12, 0.018); // nose tip
  d += 0.008 * bump(azimuth, y, 0, 0.012, 0.08, 0.02); // nose bridge
  d += 0.006 * side(0.35, 0.28, 0.01, 0.037); // brow ridge
  d -= 0.010 * side(head.eyeAzimuth, 0.13, 0.012, head.eyeY); // eye sockets
  d += 0.006 * side(0.78, 0.25, 0.02, 0.0); // cheekbones
  d += 0.009 * bump(azimuth, y, 0, -0.078, 0.25, 0.014); // chin
  d += 0.005 * bump(azimuth, y, 0, head.mouthY + 0.007, 0.22, 0.006); // upper lip
  d += 0.005 * bump(azimuth, y, 0, head.mouthY - 0.008, 0.2, 0.006); // lower lip
  d += 0.007 * side(Math.PI / 2, 0.08, 0.018, 0.006); // ears
  return d;
}

/** Cross-section of the surface at height y: half-width, half-depth and z centre. */
function crossSection(y: number): [number, number, number] {
  const u = (y - head.centreY) / head.halfHeight;
  const s = Math.sqrt(Math.max(0, 1 - u * u));
  // Narrower towards the jaw, as heads are widest at the temples.
  const jawTaper = 1 - 0.16 * smoothstep(0.01, -0.08, y);
  const headPart = [head.halfWidth * s * jawTaper, head.halfDepth * s, 0];
  const neckPart = [head.neckHalfWidth, head.neckHalfDepth, head.neckOffsetZ];
  const t = smoothstep(-0.1, -0.045, y);
  return [0, 1, 2].map((k) => neckPart[k] + (headPart[k] - neckPart[k]) * t) as [number, number, number];
}

/** The head surface point at (azimuth, y), before the mouth slit opens. */
export function surfacePoint(azimuth: number, y: number): [number, number, number] {
  const [rx, rz, zc] = crossSection(y);
  const offset = featureOffset(azimuth, y);
  const nx = Math.sin(azimuth), nz = Math.cos(azimuth);
  return [(rx + offset) * nx, y, zc + (rz + offset) * nz];
}

/** Builds the demo head; `columns` × `rings` sets the resolution (tests use a coarse one). */
export function buildDemoGeometry(columns = 72, headRings = 40, neckRings = 9): DemoGeometry {
  const positions: number[] = [];
  const azimuth: number[] = [];
  const height: number[] = [];
  const part: number[] = [];
  const addVertex = (p: number[], a: number, y: number, kind: number): number => {
    positions.push(p[0], p[1], p[2]);
    azimuth.push(a);
    height.push(y);
    part.push(kind);
    return positions.length / 3 - 1;
  };
  // Ring heights, bottom to top: the neck linearly, then the head by polar angle (dense near the crown).
  const topPolar = (2 * Math.PI) / 3;
  const neckTop = head.centreY + head.halfHeight * Math.cos(topPolar);
  const ringHeights: number[] = [];
  for (let r = 0; r < neckRings; r++) ringHeights.push(head.neckBase + ((neckTop - head.neckBase) * r) / neckRings);
  for (let r = 0; r < headRings; r++) ringHeights.push(head.centreY + head.halfHeight * Math.cos(topPolar * (1 - r / headRings)));
  // The mouth slit runs along the ring nearest the mouth height.
  let mouthRing = 0;
  for (let r = 0; r < ringHeights.length; r++) if (Math.abs(ringHeights[r] - head.mouthY) < Math.abs(ringHeights[mouthRing] - head.mouthY)) mouthRing = r;
  ringHeights[mouthRing] = head.mouthY;
  const columnAzimuth = (c: number) => -Math.PI + (2 * Math.PI * c) / columns;
  const grid: number[] = [];
  for (let r = 0; r < ringHeights.length; r++) {
    for (let c = 0; c < columns; c++) grid.push(addVertex(surfacePoint(columnAzimuth(c), ringHeights[r]), columnAzimuth(c), ringHeights[r], 0));
  }
  const ring = (r: number, c: number) => grid[r * columns + (((c % columns) + columns) % columns)];
  const topY = head.centreY + head.halfHeight;
  const pole = addVertex([0, topY, 0], 0, topY, 0);
  // Lower copies of the slit vertices (strictly inside the mouth corners).
  const lowerCopy = new Map<number, number>();
  const inside: number[] = [];
  for (let c = 0; c < columns; c++) {
    const a = columnAzimuth(c);
    if (Math.abs(a) < head.mouthHalfAngle - 1e-9) {
      inside.push(c);
      const v = ring(mouthRing, c);
      lowerCopy.set(v, addVertex(positions.slice(v * 3, v * 3 + 3), a, head.mouthY, 1));
    }
  }
  // UVs: the head unwrapped by azimuth (seam at the back) into v ∈ [0.25, 1]; eyes below.
  const uvs: number[] = [];
  const headUv = (r: number, c: number) => r * (columns + 1) + c;
  for (let r = 0; r < ringHeights.length; r++) {
    for (let c = 0; c <= columns; c++) uvs.push(c / columns, 0.25 + (0.75 * r) / ringHeights.length);
  }
  const poleUvStart = uvs.length / 2;
  for (let c = 0; c < columns; c++) uvs.push((c + 0.5) / columns, 1);
  const faces: number[] = [];
  const uvFaces: number[] = [];
  const triangle = (v: number[], t: number[]) => { faces.push(...v); uvFaces.push(...t); };
  for (let r = 0; r + 1 < ringHeights.length; r++) {
    for (let c = 0; c < columns; c++) {
      const a = ring(r, c), b = ring(r, c + 1);
      // Faces just below the slit ring use its lower copies, so the lips can part.
      const below = r + 1 === mouthRing;
      const d = below ? (lowerCopy.get(ring(r + 1, c)) ?? ring(r + 1, c)) : ring(r + 1, c);
      const e = below ? (lowerCopy.get(ring(r + 1, c + 1)) ?? ring(r + 1, c + 1)) : ring(r + 1, c + 1);
      // Counter-clockwise seen from outside, so normals point outwards.
      triangle([a, b, e], [headUv(r, c), headUv(r, c + 1), headUv(r + 1, c + 1)]);
      triangle([a, e, d], [headUv(r, c), headUv(r + 1, c + 1), headUv(r + 1, c)]);
    }
  }
  const top = ringHeights.length - 1;
  for (let c = 0; c < columns; c++) triangle([ring(top, c), ring(top, c + 1), pole], [headUv(top, c), headUv(top, c + 1), poleUvStart + c]);
  const headFaceCount = faces.length / 3;
  // Eyeballs: small spheres whose +z pole (the pupil) looks forward, half sunk into the sockets.
  const eyeCentres: [number, number, number][] = [];
  const eyeColumns = Math.max(8, Math.round(columns / 6));
  const eyeRings = Math.max(6, Math.round(eyeColumns * 0.75));
  for (const [index, sign] of [[0, -1], [1, 1]] as const) {
    const socket = surfacePoint(sign * head.eyeAzimuth, head.eyeY);
    const centre: [number, number, number] = [socket[0], socket[1], socket[2] - head.eyeRadius * 0.45];
    eyeCentres.push(centre);
    const first = positions.length / 3;
    const uvFirst = uvs.length / 2;
    for (let r = 0; r <= eyeRings; r++) {
      const polar = (Math.PI * r) / eyeRings; // 0 at the pupil
      for (let c = 0; c <= eyeColumns; c++) {
        const around = (2 * Math.PI * c) / eyeColumns;
        if (c < eyeColumns) {
          const p = [
            centre[0] + head.eyeRadius * Math.sin(polar) * Math.cos(around),
            centre[1] + head.eyeRadius * Math.sin(polar) * Math.sin(around),
            centre[2] + head.eyeRadius * Math.cos(polar),
          ];
          addVertex(p, sign * head.eyeAzimuth, head.eyeY, rightEyePart + index);
        }
        // Eye texture: a disc per eye, the pupil at its centre.
        const radius = 0.12 * (r / eyeRings);
        uvs.push(0.125 + 0.25 * index + radius * Math.cos(around), 0.125 + radius * Math.sin(around));
      }
    }
    const vertex = (r: number, c: number) => first + r * eyeColumns + (c % eyeColumns);
    const uv = (r: number, c: number) => uvFirst + r * (eyeColumns + 1) + c;
    for (let r = 0; r < eyeRings; r++) {
      for (let c = 0; c < eyeColumns; c++) {
        triangle([vertex(r, c), vertex(r + 1, c), vertex(r + 1, c + 1)], [uv(r, c), uv(r + 1, c), uv(r + 1, c + 1)]);
        triangle([vertex(r, c), vertex(r + 1, c + 1), vertex(r, c + 1)], [uv(r, c), uv(r + 1, c + 1), uv(r, c + 1)]);
      }
    }
  }
  // The mouth interior, last, so every index above stays that of a head without one.
  if (inside.length === 0) throw new Error(`demo head: ${columns} columns leave no column inside the mouth; use more columns`);
  const slitColumns: number[] = [];
  for (let c = Math.min(...inside) - 1; c <= Math.max(...inside) + 1; c++) slitColumns.push(c);
  const mouthFaceStart = faces.length / 3;
  const mouth = buildMouthInterior({
    columns: slitColumns,
    upper: slitColumns.map((c) => ring(mouthRing, c)),
    lower: slitColumns.map((c) => lowerCopy.get(ring(mouthRing, c)) ?? ring(mouthRing, c)),
  }, columnAzimuth, head.mouthY, { positions, uvs, triangle, addVertex: (p, a, y) => addVertex(p, a, y, mouthPart) });
  return { positions, uvs, faces, uvFaces, azimuth, height, part, headFaceCount, mouthFaceStart, ring, ringHeights, columns, eyeCentres, mouth };
}

export { smoothstep, bump };
