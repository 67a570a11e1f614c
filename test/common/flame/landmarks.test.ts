import { describe, expect, it } from 'vitest';
import { barycentricPoints, yawBin } from '../../../src/common/flame/landmarks';

const parents = Int32Array.from([-1, 0, 1, 1, 1]);
const degrees = (d: number) => (d * Math.PI) / 180;
/** A 15-value pose with a yaw (rotation about y) on the global and neck joints. */
const pose = (globalYaw: number, neckYaw = 0) => [0, degrees(globalYaw), 0, 0, degrees(neckYaw), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

describe('dynamic contour yaw bins (DECA)', () => {
  it('maps yaw in degrees to rows 0–39 and negative yaw to 39 − yaw, clamped', () => {
    expect(yawBin(pose(0), parents, 79)).toBe(0);
    expect(yawBin(pose(20), parents, 79)).toBe(20);
    expect(yawBin(pose(-20), parents, 79)).toBe(59);
    expect(yawBin(pose(-1), parents, 79)).toBe(40);
    expect(yawBin(pose(60), parents, 79)).toBe(39);
    expect(yawBin(pose(-60), parents, 79)).toBe(78);
  });

  it('composes the neck with the global rotation and rounds to the nearest degree', () => {
    expect(yawBin(pose(10, 15), parents, 79)).toBe(25);
    expect(yawBin(pose(12.4), parents, 79)).toBe(12);
    expect(yawBin(pose(-12.6), parents, 79)).toBe(52);
  });
});

describe('barycentric landmarks', () => {
  it('interpolates the corners of the embedded face', () => {
    const vertices = [0, 0, 0, 2, 0, 0, 0, 4, 0];
    const out = new Float64Array(3);
    barycentricPoints(vertices, Uint32Array.from([0, 1, 2]), [0], 0, [0.5, 0.25, 0.25], 1, out, 0);
    expect(Array.from(out)).toEqual([0.5, 1, 0]);
  });
});
