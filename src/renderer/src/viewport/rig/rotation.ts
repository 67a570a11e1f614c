import { Euler, Quaternion, Vector3 } from 'three';

// FLAME's global pose is an axis-angle vector; researchers think in yaw / pitch / roll. The
// sliders hold Euler angles (degrees) and the codes hold axis-angle, converted both ways here.
// Order 'YXZ' means R = Ry(yaw) · Rx(pitch) · Rz(roll): yaw turns the head left/right about the
// vertical axis, pitch nods, roll tilts, whatever the other two are.

export interface HeadAngles {
  /** Degrees about +y (vertical). */
  yaw: number;
  /** Degrees about +x. */
  pitch: number;
  /** Degrees about +z (towards the viewer). */
  roll: number;
}

const degrees = 180 / Math.PI;

/** Axis-angle (radians × unit axis) for the given yaw / pitch / roll in degrees. */
export function anglesToAxisAngle(angles: HeadAngles): [number, number, number] {
  const q = new Quaternion().setFromEuler(new Euler(angles.pitch / degrees, angles.yaw / degrees, angles.roll / degrees, 'YXZ'));
  // Take the short way round so the angle stays within [0, π].
  if (q.w < 0) q.set(-q.x, -q.y, -q.z, -q.w);
  const angle = 2 * Math.acos(Math.min(1, q.w));
  const s = Math.sqrt(Math.max(0, 1 - q.w * q.w));
  if (s < 1e-9) return [0, 0, 0];
  return [(q.x / s) * angle, (q.y / s) * angle, (q.z / s) * angle];
}

/** Yaw / pitch / roll in degrees for an axis-angle vector. */
export function axisAngleToAngles(axisAngle: ArrayLike<number>): HeadAngles {
  const axis = new Vector3(axisAngle[0], axisAngle[1], axisAngle[2]);
  const angle = axis.length();
  const q = angle < 1e-12 ? new Quaternion() : new Quaternion().setFromAxisAngle(axis.divideScalar(angle), angle);
  const e = new Euler().setFromQuaternion(q, 'YXZ');
  return { yaw: e.y * degrees, pitch: e.x * degrees, roll: e.z * degrees };
}
