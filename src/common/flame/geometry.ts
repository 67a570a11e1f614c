/**
 * Per-vertex quantities DECA derives from a mesh: area-weighted vertex normals, the
 * orthographic camera, and spherical-harmonics shading.
 */

/**
 * Vertex normals as DECA's util.vertex_normals: every face adds its (area-weighted) normal to
 * its three corners, then each sum is normalised with eps 1e-6 like F.normalize.
 */
export function vertexNormals(vertices: ArrayLike<number>, faces: Uint32Array, vertexCount: number, out: Float64Array = new Float64Array(vertexCount * 3)): Float64Array {
  out.fill(0);
  for (let f = 0; f < faces.length; f += 3) {
    const a = faces[f] * 3, b = faces[f + 1] * 3, c = faces[f + 2] * 3;
    const e1x = vertices[b] - vertices[a], e1y = vertices[b + 1] - vertices[a + 1], e1z = vertices[b + 2] - vertices[a + 2];
    const e2x = vertices[c] - vertices[a], e2y = vertices[c + 1] - vertices[a + 1], e2z = vertices[c + 2] - vertices[a + 2];
    const nx = e1y * e2z - e1z * e2y;
    const ny = e1z * e2x - e1x * e2z;
    const nz = e1x * e2y - e1y * e2x;
    out[a] += nx; out[a + 1] += ny; out[a + 2] += nz;
    out[b] += nx; out[b + 1] += ny; out[b + 2] += nz;
    out[c] += nx; out[c + 1] += ny; out[c + 2] += nz;
  }
  for (let v = 0; v < vertexCount * 3; v += 3) {
    const length = Math.max(Math.hypot(out[v], out[v + 1], out[v + 2]), 1e-6);
    out[v] /= length; out[v + 1] /= length; out[v + 2] /= length;
  }
  return out;
}

/**
 * DECA's orthographic camera (batch_orth_proj): x' = s(x + tx), y' = s(y + ty), z' = s·z.
 * With `flip` (the default, what DECA does before rasterising and what `projected` means in
 * the fixtures) y' and z' are negated, so y points down the image and smaller z is nearer.
 */
export function orthographicProject(points: ArrayLike<number>, cam: ArrayLike<number>, out: Float64Array = new Float64Array(points.length), flip = true): Float64Array {
  if (cam.length !== 3) throw new Error(`camera has ${cam.length} values; expected 3 (scale, tx, ty)`);
  const [s, tx, ty] = [cam[0], cam[1], cam[2]];
  const sign = flip ? -1 : 1;
  for (let i = 0; i < points.length; i += 3) {
    out[i] = s * (points[i] + tx);
    out[i + 1] = sign * s * (points[i + 1] + ty);
    out[i + 2] = sign * s * points[i + 2];
  }
  return out;
}

/** Projected (flipped NDC) coordinates to pixels of a `size` image: v·size/2 + size/2. */
export function ndcToPixels(projected: ArrayLike<number>, size: number, out: Float64Array = new Float64Array((projected.length / 3) * 2)): Float64Array {
  for (let i = 0, o = 0; i < projected.length; i += 3, o += 2) {
    out[o] = projected[i] * (size / 2) + size / 2;
    out[o + 1] = projected[i + 1] * (size / 2) + size / 2;
  }
  return out;
}

/** DECA's SH band constants for the basis [1, x, y, z, xy, xz, yz, x²−y², 3z²−1]. */
export const shConstants: readonly number[] = (() => {
  const pi = Math.PI;
  const c0 = 1 / Math.sqrt(4 * pi);
  const c1 = ((2 * pi) / 3) * Math.sqrt(3 / (4 * pi));
  const c2 = (pi / 4) * 3 * Math.sqrt(5 / (12 * pi));
  const c3 = (pi / 4) * (3 / 2) * Math.sqrt(5 / (12 * pi));
  const c4 = (pi / 4) * (1 / 2) * Math.sqrt(5 / (4 * pi));
  return Object.freeze([c0, c1, c1, c1, c2, c2, c2, c3, c4]);
})();

/**
 * Writes the RGB SH shading of one normal (nx, ny, nz) into `out` at `offset`:
 * Σ_k light[k, rgb] · c_k · Y_k(n). `light` is 9 × 3 row-major. Not clamped (as DECA).
 */
export function shadeNormal(nx: number, ny: number, nz: number, light: ArrayLike<number>, out: Float32Array | Float64Array, offset: number): void {
  const c = shConstants;
  const y0 = c[0], y1 = c[1] * nx, y2 = c[2] * ny, y3 = c[3] * nz;
  const y4 = c[4] * nx * ny, y5 = c[5] * nx * nz, y6 = c[6] * ny * nz;
  const y7 = c[7] * (nx * nx - ny * ny), y8 = c[8] * (3 * nz * nz - 1);
  for (let ch = 0; ch < 3; ch++) {
    out[offset + ch] = light[ch] * y0 + light[3 + ch] * y1 + light[6 + ch] * y2 + light[9 + ch] * y3
      + light[12 + ch] * y4 + light[15 + ch] * y5 + light[18 + ch] * y6 + light[21 + ch] * y7 + light[24 + ch] * y8;
  }
}

/** SH shading at every normal (count × 3 in, count × 3 RGB out). */
export function shadeNormals(normals: ArrayLike<number>, light: ArrayLike<number>, out: Float64Array = new Float64Array(normals.length)): Float64Array {
  if (light.length !== 27) throw new Error(`SH light has ${light.length} values; expected 27 (9 × 3)`);
  for (let i = 0; i < normals.length; i += 3) shadeNormal(normals[i], normals[i + 1], normals[i + 2], light, out, i);
  return out;
}
