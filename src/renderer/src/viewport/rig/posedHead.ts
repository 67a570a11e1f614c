import type { RigStore } from './rigStore';

/**
 * What the viewport needs from a head model: pose it from codes. Implemented over the shared
 * FLAME math in src/common/flame (see ./flameRig.ts); an interface so the scene, export and
 * tests do not care whether the model is FLAME or the demo head.
 */
export interface HeadRig {
  readonly vertexCount: number;
  /** (F,3) triangle vertex indices. */
  readonly faces: Uint32Array;
  /** Texture coordinates: (T,2) coords and (F,3) per-face indices, when the model has them. */
  readonly uv: { coords: Float32Array; faces: Uint32Array } | null;
  /** True when the model has a landmark embedding (the 68-point overlay needs one). */
  readonly hasLandmarks: boolean;
  /** Poses the head, writing into `out` (arrays reused between calls). */
  pose(codes: PoseInput, out: PosedBuffers): void;
}

export interface PoseInput {
  shape: Float32Array;
  expression: Float32Array;
  pose: Float32Array;
}

export interface PosedBuffers {
  /** (V,3) posed vertices in FLAME's model frame. */
  vertices: Float32Array;
  /** (V,3) unit vertex normals. */
  normals: Float32Array;
  /** (68,3) DECA's 2D-landmark points (17 dynamic contour + 51 static) on the mesh. */
  landmarks: Float32Array;
}

export function allocatePosed(vertexCount: number): PosedBuffers {
  return { vertices: new Float32Array(vertexCount * 3), normals: new Float32Array(vertexCount * 3), landmarks: new Float32Array(68 * 3) };
}

/**
 * The posed head for the store's current codes, recomputed at most once per change of the
 * mesh (light edits do not re-skin) however many frame callbacks ask (the mesh and the
 * landmark overlay share it).
 */
export class PosedHead {
  readonly buffers: PosedBuffers;
  /** Store geometry version the buffers hold; -1 before the first pose. */
  version = -1;

  constructor(readonly rig: HeadRig, private readonly store: RigStore) {
    this.buffers = allocatePosed(rig.vertexCount);
  }

  /**
   * Poses if the codes changed since the last call and returns the version the buffers hold;
   * each consumer compares it with the version it last copied.
   */
  update(): number {
    if (this.version !== this.store.geometryVersion) {
      this.rig.pose(this.store.codes, this.buffers);
      this.version = this.store.geometryVersion;
    }
    return this.version;
  }
}
