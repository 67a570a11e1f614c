/**
 * One DECA-style evaluation of FLAME: skinned vertices, landmarks, normals, projected vertices
 * and per-vertex SH shading, into buffers allocated once and reused (the viewport calls this
 * per frame and uploads the arrays into its vertex buffers).
 */

import { orthographicProject, shadeNormals, vertexNormals } from './geometry';
import { dynamicLandmarks, staticLandmarks } from './landmarks';
import type { SkinningCodes } from './codes';
import type { FlameModel } from './model';
import { FlameSkinner } from './skinning';

export interface FlameFrame {
  /** vertexCount × 3, model space (metres). */
  vertices: Float64Array;
  /** vertexCount × 3, unit length. */
  normals: Float64Array;
  /** DECA landmarks2d before projection (17 contour + 51 static), 68 × 3; empty without an embedding. */
  landmarks2d: Float64Array;
  /** The full 68 static landmarks, 68 × 3; empty without an embedding. */
  landmarks3d: Float64Array;
  /** Vertices through the orthographic camera with y and z negated (DECA's trans_verts). */
  projected: Float64Array;
  /** SH shading (RGB) at each vertex normal. */
  shading: Float64Array;
}

/** A white ambient SH light whose shading is `level` everywhere (used when codes carry no light). */
export function ambientLight(level = 1): Float64Array {
  const light = new Float64Array(27);
  // shading = light[0] · 1/√(4π): choose light[0] so a flat albedo keeps its value.
  const value = level * Math.sqrt(4 * Math.PI);
  light[0] = light[1] = light[2] = value;
  return light;
}

/** Camera used when codes carry none: scale 8, centred (a FLAME head fills about 3/4 of the image). */
export const defaultCamera: readonly number[] = Object.freeze([8, 0, 0]);

/** Evaluates FLAME for code sets into one reused FlameFrame (see the file header). */
export class FlameEvaluator {
  readonly skinner: FlameSkinner;
  readonly frame: FlameFrame;

  constructor(readonly model: FlameModel) {
    this.skinner = new FlameSkinner(model);
    const n = model.vertexCount * 3;
    const landmarkCount = model.landmarks ? 68 * 3 : 0;
    this.frame = {
      vertices: this.skinner.vertices,
      normals: new Float64Array(n),
      landmarks2d: new Float64Array(landmarkCount),
      landmarks3d: new Float64Array(model.landmarks ? model.landmarks.fullFaces.length * 3 : 0),
      projected: new Float64Array(n),
      shading: new Float64Array(n),
    };
  }

  /**
   * Evaluates `codes`; `parts` limits the work (the viewport often needs only vertices and
   * normals). Returns the reused frame.
   */
  evaluate(codes: SkinningCodes, parts: { landmarks?: boolean; projection?: boolean; shading?: boolean } = {}): FlameFrame {
    const { model, frame } = this;
    const vertices = this.skinner.skin(codes);
    vertexNormals(vertices, model.faces, model.vertexCount, frame.normals);
    if (model.landmarks && parts.landmarks !== false) {
      dynamicLandmarks(vertices, model.faces, model.landmarks, this.skinner.pose, model.parents, frame.landmarks2d);
      staticLandmarks(vertices, model.faces, model.landmarks, frame.landmarks3d);
    }
    if (parts.projection !== false) orthographicProject(vertices, codes.camera ?? defaultCamera, frame.projected);
    if (parts.shading !== false) shadeNormals(frame.normals, codes.light ?? ambientLight(), frame.shading);
    return frame;
  }
}
