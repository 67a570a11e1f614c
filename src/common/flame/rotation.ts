/** Axis-angle rotations as FLAME/DECA use them. */

/**
 * Rodrigues' formula into `out` (row-major 3×3) at `offset`, exactly as DECA's
 * batch_rodrigues: the angle is the norm of (v + 1e-8), which keeps a zero rotation finite.
 */
export function rodrigues(x: number, y: number, z: number, out: Float64Array, offset = 0): void {
  const ex = x + 1e-8;
  const ey = y + 1e-8;
  const ez = z + 1e-8;
  const angle = Math.sqrt(ex * ex + ey * ey + ez * ez);
  const rx = x / angle;
  const ry = y / angle;
  const rz = z / angle;
  const s = Math.sin(angle);
  const c = 1 - Math.cos(angle);
  // R = I + sin·K + (1 − cos)·K², K the cross-product matrix of the unit axis.
  out[offset] = 1 + c * (-rz * rz - ry * ry);
  out[offset + 1] = -s * rz + c * rx * ry;
  out[offset + 2] = s * ry + c * rx * rz;
  out[offset + 3] = s * rz + c * rx * ry;
  out[offset + 4] = 1 + c * (-rz * rz - rx * rx);
  out[offset + 5] = -s * rx + c * ry * rz;
  out[offset + 6] = -s * ry + c * rx * rz;
  out[offset + 7] = s * rx + c * ry * rz;
  out[offset + 8] = 1 + c * (-ry * ry - rx * rx);
}

/** out = a · b for row-major 3×3 matrices (out may not alias a or b). */
export function multiply3(a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number, out: Float64Array, oo: number): void {
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) {
      out[oo + r * 3 + c] = a[ao + r * 3] * b[bo + c] + a[ao + r * 3 + 1] * b[bo + 3 + c] + a[ao + r * 3 + 2] * b[bo + 6 + c];
    }
  }
}

/** The yaw (rotation about y) of a rotation matrix, as DECA's rot_mat_to_euler. */
export function yawOf(matrix: ArrayLike<number>, offset = 0): number {
  const sy = Math.sqrt(matrix[offset] * matrix[offset] + matrix[offset + 3] * matrix[offset + 3]);
  return Math.atan2(-matrix[offset + 6], sy);
}

/** Rounds half to even, as torch.round does. */
export function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const diff = value - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/**
 * Axis-angle from yaw/pitch/roll in radians (R = Ry(yaw) · Rx(pitch) · Rz(roll)), for UI
 * sliders that drive the global rotation.
 */
export function axisAngleFromEuler(yaw: number, pitch: number, roll: number): [number, number, number] {
  const cy = Math.cos(yaw), sy = Math.sin(yaw);
  const cp = Math.cos(pitch), sp = Math.sin(pitch);
  const cr = Math.cos(roll), sr = Math.sin(roll);
  // Ry·Rx·Rz
  const m = [
    cy * cr + sy * sp * sr, -cy * sr + sy * sp * cr, sy * cp,
    cp * sr, cp * cr, -sp,
    -sy * cr + cy * sp * sr, sy * sr + cy * sp * cr, cy * cp,
  ];
  return axisAngleFromMatrix(m);
}

/** Axis-angle vector of a row-major rotation matrix. */
export function axisAngleFromMatrix(m: ArrayLike<number>): [number, number, number] {
  const cosine = Math.min(1, Math.max(-1, (m[0] + m[4] + m[8] - 1) / 2));
  const angle = Math.acos(cosine);
  if (angle < 1e-9) return [0, 0, 0];
  let x = m[7] - m[5];
  let y = m[2] - m[6];
  let z = m[3] - m[1];
  let norm = Math.hypot(x, y, z);
  if (norm < 1e-6) {
    // Near 180°: the axis is the column of (R + I) with the largest norm.
    const columns = [0, 1, 2].map((c) => [m[c] + (c === 0 ? 1 : 0), m[3 + c] + (c === 1 ? 1 : 0), m[6 + c] + (c === 2 ? 1 : 0)]);
    const best = columns.reduce((a, b) => (Math.hypot(...b) > Math.hypot(...a) ? b : a));
    [x, y, z] = best;
    norm = Math.hypot(x, y, z);
  }
  return [(x / norm) * angle, (y / norm) * angle, (z / norm) * angle];
}

/** Yaw, pitch and roll in radians of an axis-angle vector, for R = Ry(yaw) · Rx(pitch) · Rz(roll) (the inverse of axisAngleFromEuler). */
export function eulerFromAxisAngle(x: number, y: number, z: number): [number, number, number] {
  const m = new Float64Array(9);
  rodrigues(x, y, z, m);
  return [Math.atan2(m[2], m[8]), Math.asin(Math.max(-1, Math.min(1, -m[5]))), Math.atan2(m[3], m[4])];
}
