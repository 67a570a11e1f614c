/**
 * Left/right symmetry of a head mesh, found from its rest geometry rather than assumed of the
 * UV layout: every vertex is mirrored across the model's mid-sagittal plane (x = centre of the
 * template's x range; FLAME and the demo head face +z with x across the face) and matched to
 * the nearest template vertex. A texel of face f then has a mirror texel: the same barycentric
 * position over the UVs of the mirrored corners, whatever the UV layout looks like (DECA's
 * FLAME layout is symmetric about u = 0.5, other layouts need not be).
 */

import type { FlameModel } from '../../common/flame/model';

/** Mirror texels of a mesh's UV layout (see the file header). */
export interface MirrorMap {
  /**
   * Per face corner (3 per face), the UV index to interpolate with the face's barycentrics to
   * reach the mirror point, or −1 when the face has no mirror.
   */
  uvCorner: Int32Array;
  /** Fraction of faces with a mirror (1 for a symmetric mesh). */
  matched: number;
}

/** Vertices farther than this fraction of the bounding-box diagonal from any mirror point are unmatched. */
const toleranceFraction = 2e-3;

/** Nearest template vertex to each mirrored vertex (−1 when none is close enough). */
function mirrorVertices(template: ArrayLike<number>, vertexCount: number): Int32Array {
  let minX = Infinity, maxX = -Infinity;
  const low = [Infinity, Infinity, Infinity], high = [-Infinity, -Infinity, -Infinity];
  for (let v = 0; v < vertexCount; v++) {
    for (let c = 0; c < 3; c++) {
      low[c] = Math.min(low[c], template[v * 3 + c]);
      high[c] = Math.max(high[c], template[v * 3 + c]);
    }
  }
  minX = low[0];
  maxX = high[0];
  const centre = (minX + maxX) / 2;
  const diagonal = Math.hypot(high[0] - low[0], high[1] - low[1], high[2] - low[2]);
  const tolerance = Math.max(diagonal * toleranceFraction, 1e-12);
  // Uniform grid with cells of the tolerance: a match lies in the 27 cells around a point.
  const cell = tolerance;
  const key = (x: number, y: number, z: number) => `${Math.floor(x / cell)},${Math.floor(y / cell)},${Math.floor(z / cell)}`;
  const grid = new Map<string, number[]>();
  for (let v = 0; v < vertexCount; v++) {
    const k = key(template[v * 3], template[v * 3 + 1], template[v * 3 + 2]);
    const list = grid.get(k);
    if (list) list.push(v);
    else grid.set(k, [v]);
  }
  const out = new Int32Array(vertexCount).fill(-1);
  for (let v = 0; v < vertexCount; v++) {
    const x = 2 * centre - template[v * 3], y = template[v * 3 + 1], z = template[v * 3 + 2];
    const cx = Math.floor(x / cell), cy = Math.floor(y / cell), cz = Math.floor(z / cell);
    let best = -1, bestDistance = tolerance;
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        for (let dz = -1; dz <= 1; dz++) {
          for (const u of grid.get(`${cx + dx},${cy + dy},${cz + dz}`) ?? []) {
            const d = Math.hypot(template[u * 3] - x, template[u * 3 + 1] - y, template[u * 3 + 2] - z);
            if (d <= bestDistance) { bestDistance = d; best = u; }
          }
        }
      }
    }
    out[v] = best;
  }
  return out;
}

/** Perimeter of a UV triangle. */
function uvPerimeter(coords: Float32Array, a: number, b: number, c: number): number {
  const d = (i: number, j: number) => Math.hypot(coords[i * 2] - coords[j * 2], coords[i * 2 + 1] - coords[j * 2 + 1]);
  return d(a, b) + d(b, c) + d(c, a);
}

/**
 * The mirror texels of `model`'s UV layout (see the file header). A face whose mirrored corners
 * form a face of the mesh uses that face's UV corners. Where the triangulation is not mirrored
 * (a quad split along the other diagonal) the mirrored vertices still span the mirror patch:
 * their UVs are used, choosing among a seam vertex's UVs the combination with the smallest UV
 * triangle, and refused when even that straddles a seam (far larger than the face's own).
 */
export function mirrorMap(model: Pick<FlameModel, 'template' | 'vertexCount' | 'faces' | 'uv'>): MirrorMap {
  const { faces, vertexCount, uv } = model;
  const faceCount = faces.length / 3;
  const uvCorner = new Int32Array(faceCount * 3).fill(-1);
  if (!uv) return { uvCorner, matched: 0 };
  const mirror = mirrorVertices(model.template, vertexCount);
  const sortedKey = (a: number, b: number, c: number) => {
    const [x, y, z] = [a, b, c].sort((p, q) => p - q);
    return (x * vertexCount + y) * vertexCount + z;
  };
  const byCorners = new Map<number, number>();
  const uvsOfVertex: number[][] = Array.from({ length: vertexCount }, () => []);
  for (let f = 0; f < faceCount; f++) {
    byCorners.set(sortedKey(faces[f * 3], faces[f * 3 + 1], faces[f * 3 + 2]), f);
    for (let k = 0; k < 3; k++) {
      const list = uvsOfVertex[faces[f * 3 + k]];
      const t = uv.faces[f * 3 + k];
      if (!list.includes(t)) list.push(t);
    }
  }
  let matched = 0;
  for (let f = 0; f < faceCount; f++) {
    const m = [mirror[faces[f * 3]], mirror[faces[f * 3 + 1]], mirror[faces[f * 3 + 2]]];
    if (m[0] < 0 || m[1] < 0 || m[2] < 0) continue;
    const g = byCorners.get(sortedKey(m[0], m[1], m[2]));
    if (g !== undefined) {
      for (let k = 0; k < 3; k++) {
        const j = [0, 1, 2].find((i) => faces[g * 3 + i] === m[k])!;
        uvCorner[f * 3 + k] = uv.faces[g * 3 + j];
      }
      matched++;
      continue;
    }
    const own = uvPerimeter(uv.coords, uv.faces[f * 3], uv.faces[f * 3 + 1], uv.faces[f * 3 + 2]);
    let best: [number, number, number] | null = null, bestPerimeter = Infinity;
    for (const a of uvsOfVertex[m[0]]) for (const b of uvsOfVertex[m[1]]) for (const c of uvsOfVertex[m[2]]) {
      const perimeter = uvPerimeter(uv.coords, a, b, c);
      if (perimeter < bestPerimeter) { bestPerimeter = perimeter; best = [a, b, c]; }
    }
    if (!best || !(bestPerimeter <= 4 * own + 1e-9)) continue;
    uvCorner.set(best, f * 3);
    matched++;
  }
  return { uvCorner, matched: faceCount === 0 ? 0 : matched / faceCount };
}
