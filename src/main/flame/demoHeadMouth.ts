/**
 * The demo head's mouth interior: a pocket glued into the mouth slit, so the head stays a closed
 * surface when the lips part. Without it an open mouth looks into the hollow head: a viewer that
 * culls back faces (the 3D viewport) shows the background through the head, and DECA's
 * rasteriser (no culling) shows the inside of the skull.
 *
 * Seen from the side, the pocket is an almond behind the lips: an upper pouch from the upper lip's
 * slit edge to a throat line `depth` deep, and a lower pouch from the throat back to the lower
 * lip. Its cross-section shrinks to a point at each mouth corner (a copy of the corner vertex).
 * Every pocket vertex moves as a blend of its column's upper and lower lip vertex (the
 * upper pouch with the upper lip, the lower with the jaw, the throat half and half), so the
 * pocket follows the lips in every identity, expression and pose. Its vertices and faces come
 * after all others, so the head's own vertex and face indices (and the landmark embedding on
 * them) are those of a head without a mouth interior.
 */

/** Pocket depth behind the lips and its pouches' height, metres, at the middle of the mouth. */
export const mouthPocket = { depth: 0.022, height: 0.007, segments: 4 };

/** UV rectangle of the mouth interior in the texture (free space right of the eye discs). */
export const mouthUvArea = { u0: 0.52, u1: 0.98, v0: 0.02, v1: 0.23 };

export interface MouthSlit {
  /** Columns from one mouth corner to the other (corners included), left to right. */
  columns: number[];
  /** Per column: the upper lip's slit vertex and the lower lip's (the same vertex at a corner). */
  upper: number[];
  lower: number[];
}

export interface MouthInterior {
  /** Per pocket vertex: the upper and lower lip vertex it follows and how much of the lower (0–1). */
  follows: { vertex: number; upper: number; lower: number; jaw: number }[];
}

type Vec3 = [number, number, number];

interface MeshSink {
  positions: number[];
  uvs: number[];
  triangle: (vertices: number[], uvs: number[]) => void;
  /** Appends a vertex (azimuth and height of the lip point it hangs from); returns its index. */
  addVertex: (p: Vec3, azimuth: number, height: number) => number;
}

/**
 * Builds the pocket into `sink` for the slit `slit` whose columns sit at `azimuth(column)`.
 * Faces wind so that their normals point into the mouth cavity, matching the lips' faces
 * (every slit edge then lies under one head face and one pocket face, in opposite directions).
 * The pocket's rim is its own copy of the lips' slit vertices, at the same place and moving
 * identically, so the lips' vertex normals (and with them the shading of a closed mouth) are
 * exactly those of a head without a mouth interior.
 */
export function buildMouthInterior(slit: MouthSlit, azimuth: (column: number) => number, mouthY: number, sink: MeshSink): MouthInterior {
  const { depth, height, segments } = mouthPocket;
  const count = slit.columns.length;
  const left = Math.abs(azimuth(slit.columns[0]));
  const right = Math.abs(azimuth(slit.columns[count - 1]));
  const follows: MouthInterior['follows'] = [];
  // loops[k][i]: vertex i of column k's cross-section, i = 0 (upper lip) … 2·segments (lower lip).
  const loops: number[][] = [];
  const uvLoops: number[][] = [];
  for (let k = 0; k < count; k++) {
    const a = azimuth(slit.columns[k]);
    const corner = k === 0 || k === count - 1;
    const taper = corner ? 0 : Math.sqrt(Math.max(0, 1 - (a / (a < 0 ? left : right)) ** 2));
    const upper = slit.upper[k], lower = slit.lower[k];
    const lip: Vec3 = [sink.positions[upper * 3], sink.positions[upper * 3 + 1], sink.positions[upper * 3 + 2]];
    const inward: Vec3 = [-Math.sin(a), 0, -Math.cos(a)];
    const loop: number[] = [];
    const uvLoop: number[] = [];
    for (let i = 0; i <= 2 * segments; i++) {
      const t = 1 - Math.abs(i - segments) / segments; // 0 at the lips, 1 at the throat
      const side = i < segments ? 1 : -1; // upper pouch above the lip line, lower below
      uvLoop.push(sink.uvs.length / 2);
      sink.uvs.push(mouthUvArea.u0 + ((mouthUvArea.u1 - mouthUvArea.u0) * k) / (count - 1), mouthUvArea.v0 + (mouthUvArea.v1 - mouthUvArea.v0) * t);
      if (corner && i > 0) { loop.push(loop[0]); continue; }
      const inwards = depth * taper * t;
      const up = side * height * taper * Math.sin(Math.PI * t);
      const p: Vec3 = [lip[0] + inwards * inward[0], lip[1] + up, lip[2] + inwards * inward[2]];
      const vertex = sink.addVertex(p, a, mouthY);
      // Upper pouch with the head, lower with the jaw, blending towards the throat; the rims
      // (i = 0 and 2·segments) are copies of the lip vertices that move exactly with them.
      const towardsThroat = 0.5 - 0.5 * Math.cos((Math.PI * Math.max(0, t - 0.4)) / 0.6); // 0 … 1 over t ∈ [0.4, 1]
      const jaw = i < segments ? 0.5 * towardsThroat : 1 - 0.5 * towardsThroat;
      follows.push({ vertex, upper, lower, jaw });
      loop.push(vertex);
    }
    loops.push(loop);
    uvLoops.push(uvLoop);
  }
  for (let k = 0; k + 1 < count; k++) {
    const [l, r, ul, ur] = [loops[k], loops[k + 1], uvLoops[k], uvLoops[k + 1]];
    for (let i = 0; i < 2 * segments; i++) {
      // A corner column is one vertex: drop the triangle that would repeat it.
      if (r[i] !== l[i] && l[i] !== l[i + 1]) sink.triangle([r[i], l[i], l[i + 1]], [ur[i], ul[i], ul[i + 1]]);
      if (r[i] !== r[i + 1] && l[i + 1] !== r[i + 1]) sink.triangle([r[i], l[i + 1], r[i + 1]], [ur[i], ul[i + 1], ur[i + 1]]);
    }
  }
  return { follows };
}
