import { Matrix4, Vector3 } from 'three';
import { describe, expect, it } from 'vitest';
import { anglesToAxisAngle, axisAngleToAngles } from '../../../src/renderer/src/viewport/rig/rotation';

function rotate(axisAngle: [number, number, number], v: Vector3): Vector3 {
  const axis = new Vector3(...axisAngle);
  const angle = axis.length();
  return angle === 0 ? v.clone() : v.clone().applyMatrix4(new Matrix4().makeRotationAxis(axis.normalize(), angle));
}

describe('head angles ↔ FLAME axis-angle', () => {
  it('yaw turns the face (+z) towards +x about the vertical axis', () => {
    const aa = anglesToAxisAngle({ yaw: 30, pitch: 0, roll: 0 });
    expect(aa[0]).toBeCloseTo(0, 9);
    expect(aa[1]).toBeCloseTo((30 * Math.PI) / 180, 9);
    const nose = rotate(aa, new Vector3(0, 0, 1));
    expect(nose.x).toBeCloseTo(Math.sin(Math.PI / 6), 9);
    expect(nose.y).toBeCloseTo(0, 9);
  });

  it('pitch is about x and roll about z', () => {
    const pitch = anglesToAxisAngle({ yaw: 0, pitch: -20, roll: 0 });
    expect(pitch[0]).toBeCloseTo((-20 * Math.PI) / 180, 9);
    const roll = anglesToAxisAngle({ yaw: 0, pitch: 0, roll: 45 });
    expect(roll[2]).toBeCloseTo(Math.PI / 4, 9);
  });

  it('round-trips combined angles', () => {
    for (const angles of [
      { yaw: 35, pitch: -12, roll: 8 },
      { yaw: -80, pitch: 40, roll: -25 },
      { yaw: 0, pitch: 0, roll: 0 },
    ]) {
      const back = axisAngleToAngles(anglesToAxisAngle(angles));
      expect(back.yaw).toBeCloseTo(angles.yaw, 6);
      expect(back.pitch).toBeCloseTo(angles.pitch, 6);
      expect(back.roll).toBeCloseTo(angles.roll, 6);
    }
  });

  it('applies yaw after pitch and roll (R = Ry · Rx · Rz)', () => {
    const aa = anglesToAxisAngle({ yaw: 90, pitch: 90, roll: 0 });
    // Pitch +90° takes +z to −y; yaw then leaves −y where it is.
    const v = rotate(aa, new Vector3(0, 0, 1));
    expect(v.y).toBeCloseTo(-1, 9);
    // +y goes to +z under the pitch, then yaw takes +z to +x.
    const up = rotate(aa, new Vector3(0, 1, 0));
    expect(up.x).toBeCloseTo(1, 9);
  });
});
