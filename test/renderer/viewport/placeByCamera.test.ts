import { Group, Object3D, Vector3 } from 'three';
import { describe, expect, it } from 'vitest';
import { placeByCamera } from '../../../src/renderer/src/viewport/rig/placeByCamera';

describe('placing the head by the orthographic camera', () => {
  it('puts a model point x at scale · (x + t), depth scaled only', () => {
    const group = new Group();
    const point = new Object3D();
    point.position.set(0.1, -0.2, 0.3);
    group.add(point);
    placeByCamera(group, [8, 0.05, -0.01]);
    group.updateMatrixWorld(true);
    const placed = point.getWorldPosition(new Vector3());
    expect(placed.x).toBeCloseTo(8 * (0.1 + 0.05), 6);
    expect(placed.y).toBeCloseTo(8 * (-0.2 - 0.01), 6);
    expect(placed.z).toBeCloseTo(8 * 0.3, 6);
  });

  it('does nothing before the group is mounted', () => {
    expect(() => placeByCamera(null, [9, 0, 0])).not.toThrow();
  });
});
