/**
 * 2D geometry for the face pipeline: affine transforms (2×3, row-major [a b c; d e f] mapping
 * (x, y) → (a·x + b·y + c, d·x + e·y + f)), boxes and least-squares similarity fits.
 * Coordinates are image pixels with (0, 0) at the centre of the top-left pixel.
 */

/** Row-major 2×3 affine matrix [a, b, c, d, e, f]. */
export type Affine = [number, number, number, number, number, number];

export type Point = [number, number];

/** Axis-aligned box in pixels. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The identity transform. */
export function identityAffine(): Affine {
  return [1, 0, 0, 0, 1, 0];
}

/** Applies `m` to a point. */
export function applyAffine(m: Affine, p: readonly number[]): Point {
  return [m[0] * p[0] + m[1] * p[1] + m[2], m[3] * p[0] + m[4] * p[1] + m[5]];
}

/** `a ∘ b`: first b, then a. */
export function composeAffine(a: Affine, b: Affine): Affine {
  return [
    a[0] * b[0] + a[1] * b[3],
    a[0] * b[1] + a[1] * b[4],
    a[0] * b[2] + a[1] * b[5] + a[2],
    a[3] * b[0] + a[4] * b[3],
    a[3] * b[1] + a[4] * b[4],
    a[3] * b[2] + a[4] * b[5] + a[5],
  ];
}

/** Inverse transform; throws when singular. */
export function invertAffine(m: Affine): Affine {
  const det = m[0] * m[4] - m[1] * m[3];
  if (!Number.isFinite(det) || Math.abs(det) < 1e-12) throw new Error('affine transform is singular');
  const a = m[4] / det;
  const b = -m[1] / det;
  const d = -m[3] / det;
  const e = m[0] / det;
  return [a, b, -(a * m[2] + b * m[5]), d, e, -(d * m[2] + e * m[5])];
}

/**
 * The similarity (uniform scale, rotation, translation) mapping a square crop of side `size`
 * centred at `center` and rotated by `angle` radians onto an `out`×`out` image whose pixel
 * centres span [0, out−1] (`spanLast`, as skimage/DECA) or [−0.5, out−0.5] (pixel edges).
 * Returns the image→crop transform.
 */
export function squareCropTransform(center: Point, size: number, angle: number, out: number, spanLast = false): Affine {
  const scale = spanLast ? (out - 1) / size : out / size;
  const cos = Math.cos(angle) * scale;
  const sin = Math.sin(angle) * scale;
  const half = spanLast ? (out - 1) / 2 : out / 2 - 0.5;
  // crop = R(−angle)·s·(p − center) + half, so a face rolled by `angle` comes out upright
  return [cos, sin, half - (cos * center[0] + sin * center[1]), -sin, cos, half - (-sin * center[0] + cos * center[1])];
}

/**
 * Least-squares similarity transform (Umeyama without reflection) taking `from[i]` to `to[i]`.
 */
export function fitSimilarity(from: readonly Point[], to: readonly Point[]): Affine {
  const n = from.length;
  if (n < 2 || to.length !== n) throw new Error(`similarity fit needs ≥ 2 matching points (got ${n} and ${to.length})`);
  let fx = 0, fy = 0, tx = 0, ty = 0;
  for (let i = 0; i < n; i++) {
    fx += from[i][0];
    fy += from[i][1];
    tx += to[i][0];
    ty += to[i][1];
  }
  fx /= n;
  fy /= n;
  tx /= n;
  ty /= n;
  // with complex numbers z = x + iy: to − t̄ ≈ (a + ib)(from − f̄)
  let num1 = 0, num2 = 0, den = 0;
  for (let i = 0; i < n; i++) {
    const ax = from[i][0] - fx;
    const ay = from[i][1] - fy;
    const bx = to[i][0] - tx;
    const by = to[i][1] - ty;
    num1 += ax * bx + ay * by;
    num2 += ax * by - ay * bx;
    den += ax * ax + ay * ay;
  }
  if (den === 0) throw new Error('similarity fit: source points coincide');
  const a = num1 / den;
  const b = num2 / den;
  return [a, -b, tx - (a * fx - b * fy), b, a, ty - (b * fx + a * fy)];
}

/** Bounding box of points. */
export function boundingBox(points: readonly (readonly number[])[]): Box {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const p of points) {
    x0 = Math.min(x0, p[0]);
    y0 = Math.min(y0, p[1]);
    x1 = Math.max(x1, p[0]);
    y1 = Math.max(y1, p[1]);
  }
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** Intersection over union of two boxes. */
export function iou(a: Box, b: Box): number {
  const x0 = Math.max(a.x, b.x);
  const y0 = Math.max(a.y, b.y);
  const x1 = Math.min(a.x + a.width, b.x + b.width);
  const y1 = Math.min(a.y + a.height, b.y + b.height);
  const inter = Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
  const union = a.width * a.height + b.width * b.height - inter;
  return union > 0 ? inter / union : 0;
}

/** Mean of points. */
export function meanPoint(points: readonly (readonly number[])[]): Point {
  let x = 0, y = 0;
  for (const p of points) {
    x += p[0];
    y += p[1];
  }
  return [x / points.length, y / points.length];
}
