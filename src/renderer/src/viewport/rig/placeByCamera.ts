import type { Object3D } from 'three';

/**
 * Places what is drawn of a head by DECA's orthographic camera (scale, tx, ty): a model point
 * x lands at scale · (x + t), so the group is scaled by `scale` and moved by scale · t (not in
 * depth: the projection drops it).
 */
export function placeByCamera(group: Object3D | null, camera: ArrayLike<number>): void {
  if (!group) return;
  const [scale, tx, ty] = [camera[0], camera[1], camera[2]];
  group.scale.setScalar(scale);
  group.position.set(scale * tx, scale * ty, 0);
}
