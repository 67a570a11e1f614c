import { axisAngleFromMatrix, eulerFromAxisAngle, multiply3, rodrigues } from '../../src/common/flame/rotation';
import type { Affine } from '../../src/main/face/geometry';

/**
 * A head's true global pose (axis-angle, the photo's frame) as the landmark fit sees it in the
 * aligned image: the alignment turned the photo in the image plane by θ, so the pose there is
 * Rz(θ)·R (image y points down, the model's y up). Returns yaw, pitch, roll in degrees
 * (R = Ry·Rx·Rz).
 */
export function alignedPoseDegrees(pose: ArrayLike<number>, align: Affine): [number, number, number] {
  const turn = new Float64Array(9), rotation = new Float64Array(9), seen = new Float64Array(9);
  rodrigues(0, 0, -Math.atan2(align[3], align[0]), turn);
  rodrigues(pose[0], pose[1], pose[2], rotation);
  multiply3(turn, 0, rotation, 0, seen, 0);
  return degreesOf(axisAngleFromMatrix(seen));
}

/** Yaw, pitch, roll in degrees of an axis-angle rotation. */
export function degreesOf(axisAngle: ArrayLike<number>): [number, number, number] {
  const [yaw, pitch, roll] = eulerFromAxisAngle(axisAngle[0], axisAngle[1], axisAngle[2]);
  return [yaw, pitch, roll].map((v) => (v * 180) / Math.PI) as [number, number, number];
}
