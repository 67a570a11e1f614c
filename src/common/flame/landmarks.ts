/**
 * Landmarks on the skinned mesh, as DECA computes them: barycentric points on embedded faces.
 * `landmarks2d` = 17 contour points chosen by the head's yaw bin, then the 51 static ones
 * (iBUG order); `landmarks3d` = the full 68 static embedding.
 */

import type { LandmarkEmbedding } from './model';
import { multiply3, rodrigues, roundHalfEven, yawOf } from './rotation';

/** Contour points per yaw bin (iBUG 1–17). */
export const contourCount = 17;

/** Writes the barycentric points of `faceIndices` into `out` (count × 3) from `offset` on. */
export function barycentricPoints(
  vertices: ArrayLike<number>, faces: Uint32Array, faceIndices: ArrayLike<number>, faceStart: number,
  bary: ArrayLike<number>, count: number, out: Float64Array, offset: number,
): void {
  for (let l = 0; l < count; l++) {
    const face = faceIndices[faceStart + l];
    const b = (faceStart + l) * 3;
    for (let c = 0; c < 3; c++) {
      let sum = 0;
      for (let corner = 0; corner < 3; corner++) sum += vertices[faces[face * 3 + corner] * 3 + c] * bary[b + corner];
      out[(offset + l) * 3 + c] = sum;
    }
  }
}

/**
 * The yaw bin of the contour landmarks (0..binCount−1): the neck chain's rotation
 * (global · neck) converted to a yaw in degrees, clamped to +39, rounded half to even as
 * torch does; negative yaws map to 39 − yaw (rows 40–78), below −39 to row 78.
 */
export function yawBin(pose: ArrayLike<number>, parents: Int32Array, binCount: number): number {
  // Neck chain: the neck joint (1) and its ancestors, applied parent-last like DECA's loop.
  const chain: number[] = [];
  for (let joint = 1; joint !== -1; joint = parents[joint]) {
    if (chain.length > parents.length) throw new Error('FLAME kinematic tree has a cycle');
    chain.push(joint);
  }
  let relative = Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1);
  const rotation = new Float64Array(9);
  const product = new Float64Array(9);
  for (const joint of chain) {
    rodrigues(pose[joint * 3], pose[joint * 3 + 1], pose[joint * 3 + 2], rotation, 0);
    multiply3(rotation, 0, relative, 0, product, 0);
    relative = product.slice();
  }
  const degrees = Math.min((yawOf(relative) * 180) / Math.PI, 39);
  let bin = roundHalfEven(degrees) + 0; // + 0 turns −0 (a tiny negative yaw) into row 0, as torch's .long() does
  if (bin < 0) bin = bin < -39 ? 78 : 39 - bin;
  if (bin >= binCount) throw new Error(`yaw bin ${bin} outside the embedding's ${binCount} bins`);
  return bin;
}

/** The 68 landmarks DECA calls landmarks2d (3D points; project them with the camera). */
export function dynamicLandmarks(
  vertices: ArrayLike<number>, faces: Uint32Array, embedding: LandmarkEmbedding, pose: ArrayLike<number>,
  parents: Int32Array, out: Float64Array = new Float64Array(68 * 3),
): Float64Array {
  const bin = yawBin(pose, parents, embedding.binCount);
  barycentricPoints(vertices, faces, embedding.dynamicFaces, bin * contourCount, embedding.dynamicBary, contourCount, out, 0);
  const staticCount = embedding.staticFaces.length;
  barycentricPoints(vertices, faces, embedding.staticFaces, 0, embedding.staticBary, staticCount, out, contourCount);
  return out;
}

/** The full 68 static landmarks (DECA's landmarks3d). */
export function staticLandmarks(
  vertices: ArrayLike<number>, faces: Uint32Array, embedding: LandmarkEmbedding, out: Float64Array = new Float64Array(embedding.fullFaces.length * 3),
): Float64Array {
  barycentricPoints(vertices, faces, embedding.fullFaces, 0, embedding.fullBary, embedding.fullFaces.length, out, 0);
  return out;
}
