/**
 * A z-buffered triangle rasteriser in plain TypeScript (runs in Node, workers and browsers).
 *
 * Why our own: DECA renders DiffusionRig's buffers with PyTorch3D's rasteriser (blur 0, one
 * face per pixel, no perspective correction), which is the worst install pain in this field;
 * the buffers only need that one well-defined operation, so it is written here against the
 * same conventions rather than pulling in a GPU stack:
 * - input vertices are DECA's projected coordinates: x right, y down, both in [−1, 1] across
 *   the image, z smaller = nearer (what `orthographicProject(..., flip)` returns);
 * - pixel (i, j) samples NDC (−1 + (2i + 1)/W, −1 + (2j + 1)/H), its centre;
 * - a pixel is covered by a face when all three screen-space barycentrics are ≥ 0 (edges
 *   shared by two faces go to the nearer one); no back-face culling;
 * - the nearest face wins (smallest interpolated z); barycentrics are linear in screen space.
 */

/** Per-pixel result of rasterising: which face, where on it, and how deep. */
export interface Fragments {
  width: number;
  height: number;
  /** Face index per pixel, −1 for background. */
  face: Int32Array;
  /** Barycentric weights of the face's three corners per pixel (3 per pixel). */
  bary: Float32Array;
  /** Interpolated z per pixel (+Infinity for background). */
  depth: Float32Array;
}

/** Allocates fragment buffers for a `width` × `height` image. */
export function createFragments(width: number, height = width): Fragments {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0 && width * height <= 1 << 26)) {
    throw new Error(`image size ${width}×${height} is not a positive size up to 8192²`);
  }
  const count = width * height;
  return { width, height, face: new Int32Array(count), bary: new Float32Array(count * 3), depth: new Float32Array(count) };
}

/**
 * Rasterises `faces` (3 vertex indices each) of `positions` (x, y, z per vertex, in the
 * convention above) into `fragments`, clearing it first. Returns the number of covered pixels.
 */
export function rasterize(positions: ArrayLike<number>, faces: ArrayLike<number>, fragments: Fragments): number {
  const { width, height, face, bary, depth } = fragments;
  face.fill(-1);
  depth.fill(Infinity);
  bary.fill(0);
  const halfW = width / 2;
  const halfH = height / 2;
  for (let f = 0, faceCount = faces.length / 3; f < faceCount; f++) {
    const a = faces[f * 3] * 3, b = faces[f * 3 + 1] * 3, c = faces[f * 3 + 2] * 3;
    // Pixel space: pixel centres at integer + 0.5.
    const ax = (positions[a] + 1) * halfW, ay = (positions[a + 1] + 1) * halfH, az = positions[a + 2];
    const bx = (positions[b] + 1) * halfW, by = (positions[b + 1] + 1) * halfH, bz = positions[b + 2];
    const cx = (positions[c] + 1) * halfW, cy = (positions[c + 1] + 1) * halfH, cz = positions[c + 2];
    const area = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
    if (!(Math.abs(area) > 1e-12)) continue; // degenerate (or NaN) face covers nothing
    const minX = Math.max(0, Math.ceil(Math.min(ax, bx, cx) - 0.5));
    const maxX = Math.min(width - 1, Math.floor(Math.max(ax, bx, cx) - 0.5));
    const minY = Math.max(0, Math.ceil(Math.min(ay, by, cy) - 0.5));
    const maxY = Math.min(height - 1, Math.floor(Math.max(ay, by, cy) - 0.5));
    if (minX > maxX || minY > maxY) continue;
    const inverseArea = 1 / area;
    for (let j = minY; j <= maxY; j++) {
      const py = j + 0.5;
      for (let i = minX; i <= maxX; i++) {
        const px = i + 0.5;
        // Barycentrics from signed sub-triangle areas (sign-normalised by the face's area).
        const wa = ((bx - px) * (cy - py) - (by - py) * (cx - px)) * inverseArea;
        const wb = ((cx - px) * (ay - py) - (cy - py) * (ax - px)) * inverseArea;
        const wc = 1 - wa - wb;
        if (wa < 0 || wb < 0 || wc < 0) continue;
        const z = wa * az + wb * bz + wc * cz;
        const pixel = j * width + i;
        if (!(z < depth[pixel])) continue;
        depth[pixel] = z;
        face[pixel] = f;
        bary[pixel * 3] = wa;
        bary[pixel * 3 + 1] = wb;
        bary[pixel * 3 + 2] = wc;
      }
    }
  }
  let covered = 0;
  for (let p = 0; p < face.length; p++) if (face[p] >= 0) covered++;
  return covered;
}

/**
 * Interpolates a per-vertex attribute (`channels` values per vertex) over the fragments into
 * `out` (H × W × channels, background 0).
 */
export function interpolateVertexAttribute(
  fragments: Fragments, faces: ArrayLike<number>, attribute: ArrayLike<number>, channels: number,
  out: Float32Array = new Float32Array(fragments.width * fragments.height * channels),
): Float32Array {
  const { face, bary } = fragments;
  for (let p = 0; p < face.length; p++) {
    const f = face[p];
    if (f < 0) {
      for (let ch = 0; ch < channels; ch++) out[p * channels + ch] = 0;
      continue;
    }
    const a = faces[f * 3] * channels, b = faces[f * 3 + 1] * channels, c = faces[f * 3 + 2] * channels;
    const wa = bary[p * 3], wb = bary[p * 3 + 1], wc = bary[p * 3 + 2];
    for (let ch = 0; ch < channels; ch++) out[p * channels + ch] = wa * attribute[a + ch] + wb * attribute[b + ch] + wc * attribute[c + ch];
  }
  return out;
}
