import { Euler, Quaternion, Vector3 } from 'three';
import { axisAngleFromEuler } from '../../../../common/flame/rotation';

// FLAME's global pose is an axis-angle vector; researchers think in yaw / pitch / roll. The
// sliders hold Euler angles (degrees) and the codes hold axis-angle: the shared FLAME code
// converts one way, three.js's Euler the other.
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
  return axisAngleFromEuler(angles.yaw / degrees, angles.pitch / degrees, angles.roll / degrees);
}

/** Yaw / pitch / roll in degrees for an axis-angle vector. */
export function axisAngleToAngles(axisAngle: ArrayLike<number>): HeadAngles {
  const axis = new Vector3(axisAngle[0], axisAngle[1], axisAngle[2]);
  const angle = axis.length();
  const q = angle < 1e-12 ? new Quaternion() : new Quaternion().setFromAxisAngle(axis.divideScalar(angle), angle);
  const e = new Euler().setFromQuaternion(q, 'YXZ');
  return { yaw: e.y * degrees, pitch: e.x * degrees, roll: e.z * degrees };
}
