/**
 * The FLAME model as the math in this folder uses it: flat typed arrays, no Node APIs, so the
 * same object works in the Node services, in worker threads and in the browser (all arrays
 * are transferable / structured-cloneable).
 *
 * Bases are kept in float32 like DECA keeps them (its FLAME class converts every buffer to
 * float32); every sum is accumulated in float64.
 */

/** Number of FLAME joints: global, neck, jaw, left eye, right eye. */
export const jointCount = 5;
/** Pose-corrective features: (R − I) of the 4 non-root joints, 9 values each. */
export const poseFeatureCount = 36;

/** Barycentric landmark embedding (DECA's landmark_embedding.npy, or the demo head's own). */
export interface LandmarkEmbedding {
  /** 51 static landmarks (iBUG 18–68). */
  staticFaces: Int32Array;
  staticBary: Float64Array;
  /** Contour landmarks per yaw bin: `binCount` × 17 faces and × 17 × 3 coordinates. */
  dynamicFaces: Int32Array;
  dynamicBary: Float64Array;
  binCount: number;
  /** The full 68 static embedding (landmarks3d). */
  fullFaces: Int32Array;
  fullBary: Float64Array;
}

/** UV layout: per-corner texture coordinates (faces in v/vt form, as head_template.obj). */
export interface UvLayout {
  /** `coords.length / 2` UV pairs, u right, v up, in [0, 1]. */
  coords: Float32Array;
  /** Per mesh face, 3 indices into `coords` (same face order as the mesh). */
  faces: Uint32Array;
}

export interface FlameModel {
  /** Human-readable origin, e.g. 'FLAME 2020 (generic_model.pkl)' or 'Rig Studio demo head'. */
  name: string;
  vertexCount: number;
  /** Triangles, 3 vertex indices each. */
  faces: Uint32Array;
  /** Rest vertices, vertexCount × 3. */
  template: Float64Array;
  /** Identity basis, (vertexCount·3) × shapeCount, row-major. */
  shapeBasis: Float32Array;
  shapeCount: number;
  /** Expression basis, (vertexCount·3) × expressionCount, row-major. */
  expressionBasis: Float32Array;
  expressionCount: number;
  /** Pose-corrective basis, (vertexCount·3) × 36, row-major. */
  poseBasis: Float32Array;
  /** Dense joint regressor, 5 × vertexCount. */
  jointRegressor: Float64Array;
  /** Skinning weights, vertexCount × 5. */
  weights: Float32Array;
  /** Parent of each joint (−1 for the root). */
  parents: Int32Array;
  landmarks?: LandmarkEmbedding;
  uv?: UvLayout;
  /**
   * Faces only a viewer draws: a mouth interior closing the lips from inside (the demo head has
   * one; FLAME has none). Kept out of `faces`, which DECA-style rendering, landmarks and fits use.
   */
  mouth?: MouthInterior;
}

export interface MouthInterior {
  /** Triangles, 3 vertex indices each (vertices of the model's own arrays). */
  faces: Uint32Array;
  /** Per face, 3 indices into the model's `uv.coords`; present when the model has UVs. */
  uvFaces?: Uint32Array;
}

/**
 * The model as a viewer draws it: `faces` followed by the mouth interior's (and the UV faces
 * likewise), so every face index of `model` (landmarks included) means the same face. Without a
 * mouth interior, or when its UVs do not match the model's (UVs attached later, from DECA's
 * head_template.obj), the model itself.
 */
export function withMouthInterior(model: FlameModel): FlameModel {
  const mouth = model.mouth;
  if (!mouth || mouth.faces.length === 0) return model;
  if (model.uv && !mouth.uvFaces) return model;
  const join = (a: Uint32Array, b: Uint32Array) => {
    const out = new Uint32Array(a.length + b.length);
    out.set(a);
    out.set(b, a.length);
    return out;
  };
  return {
    ...model,
    faces: join(model.faces, mouth.faces),
    uv: model.uv && mouth.uvFaces ? { coords: model.uv.coords, faces: join(model.uv.faces, mouth.uvFaces) } : model.uv,
    mouth: undefined,
  };
}

/**
 * The 15-value pose FLAME skins with. A 6-value DECA pose is (global, jaw) with neck and eyes
 * zero, as DECA's FLAME class assembles it.
 */
export function fullPose(pose: ArrayLike<number> | undefined, out: Float64Array = new Float64Array(15)): Float64Array {
  out.fill(0);
  if (!pose || pose.length === 0) return out;
  if (pose.length === 6) {
    for (let i = 0; i < 3; i++) { out[i] = pose[i]; out[6 + i] = pose[3 + i]; }
  } else if (pose.length === 15) {
    for (let i = 0; i < 15; i++) out[i] = pose[i];
  } else {
    throw new Error(`pose has ${pose.length} values; expected 6 (global, jaw) or 15 (global, neck, jaw, eyes)`);
  }
  return out;
}
