/**
 * FLAME's 68 landmarks as a function of (shape, expression, pose, camera), evaluated fast
 * enough for a least-squares fit that needs hundreds of evaluations per photo.
 *
 * The landmarks touch only a few hundred of FLAME's vertices, so this builds a reduced
 * FlameModel holding just those vertices plus five "joint" vertices whose rest positions and
 * bases are the joint regressor applied to the full model (joints are linear in the shaped
 * vertices, so regressing the reduced model's joint vertices with an identity regressor gives
 * exactly the full model's joints). The reduced model is then skinned by the app's own FLAME
 * code (common/flame), unchanged — this file adds no skinning math of its own.
 */
import type { FlameModel, LandmarkEmbedding } from '../../../common/flame/model';
import { jointCount, poseFeatureCount } from '../../../common/flame/model';
import { FlameSkinner } from '../../../common/flame/skinning';
import { dynamicLandmarks } from '../../../common/flame/landmarks';

/** Pixel size of the image the landmarks are projected into, and the code parts fitted. */
export interface LandmarkParameters {
  shape: Float64Array;
  expression: Float64Array;
  /** 6 values: global then jaw, axis-angle. */
  pose: Float64Array;
  /** DECA orthographic camera (scale, tx, ty). */
  cam: Float64Array;
}

/** A reduced model that yields the same 68 landmarks as the full one. */
export class LandmarkModel {
  readonly reduced: FlameModel;
  private readonly skinner: FlameSkinner;
  private readonly points = new Float64Array(68 * 3);

  constructor(readonly full: FlameModel) {
    if (!full.landmarks) throw new Error(`${full.name}: the FLAME model has no landmark embedding (give DECA's landmark_embedding.npy)`);
    this.reduced = reduceModel(full, full.landmarks);
    this.skinner = new FlameSkinner(this.reduced);
  }

  get shapeCount(): number {
    return this.full.shapeCount;
  }

  get expressionCount(): number {
    return this.full.expressionCount;
  }

  /** The 68 landmarks (DECA's landmarks2d: 17 contour by yaw bin + 51 static) in model space. */
  landmarks3d(p: LandmarkParameters): Float64Array {
    const vertices = this.skinner.skin({ shape: p.shape, expression: p.expression, pose: p.pose });
    return dynamicLandmarks(vertices, this.reduced.faces, this.reduced.landmarks!, this.skinner.pose, this.reduced.parents, this.points);
  }

  /**
   * The 68 landmarks in pixels of a `size`² image, DECA's way: orthographic camera, y negated,
   * pixel = v·size/2 + size/2. Writes 136 values (x, y interleaved) into `out`.
   */
  project(p: LandmarkParameters, size: number, out: Float64Array = new Float64Array(136)): Float64Array {
    const l = this.landmarks3d(p);
    const [s, tx, ty] = p.cam;
    const half = size / 2;
    for (let i = 0; i < 68; i++) {
      out[2 * i] = s * (l[3 * i] + tx) * half + half;
      out[2 * i + 1] = -s * (l[3 * i + 1] + ty) * half + half;
    }
    return out;
  }
}

/**
 * The reduced model: vertices used by any landmark face (static, every contour bin, full) and
 * five joint vertices; faces only those the embedding names, re-indexed.
 */
function reduceModel(model: FlameModel, embedding: LandmarkEmbedding): FlameModel {
  const usedFaces = [...new Set([...embedding.staticFaces, ...embedding.dynamicFaces, ...embedding.fullFaces])];
  const faceIndex = new Map(usedFaces.map((f, i) => [f, i]));
  const usedVertices: number[] = [];
  const vertexIndex = new Map<number, number>();
  const faces = new Uint32Array(usedFaces.length * 3);
  usedFaces.forEach((f, i) => {
    for (let c = 0; c < 3; c++) {
      const v = model.faces[f * 3 + c];
      let r = vertexIndex.get(v);
      if (r === undefined) {
        r = usedVertices.length;
        vertexIndex.set(v, r);
        usedVertices.push(v);
      }
      faces[i * 3 + c] = r;
    }
  });
  const m = usedVertices.length;
  const count = m + jointCount;
  const nS = model.shapeCount;
  const nE = model.expressionCount;
  const template = new Float64Array(count * 3);
  const shapeBasis = new Float32Array(count * 3 * nS);
  const expressionBasis = new Float32Array(count * 3 * nE);
  const poseBasis = new Float32Array(count * 3 * poseFeatureCount);
  const weights = new Float32Array(count * jointCount);
  usedVertices.forEach((v, r) => {
    for (let c = 0; c < 3; c++) {
      template[r * 3 + c] = model.template[v * 3 + c];
      shapeBasis.set(model.shapeBasis.subarray((v * 3 + c) * nS, (v * 3 + c + 1) * nS), (r * 3 + c) * nS);
      expressionBasis.set(model.expressionBasis.subarray((v * 3 + c) * nE, (v * 3 + c + 1) * nE), (r * 3 + c) * nE);
      poseBasis.set(model.poseBasis.subarray((v * 3 + c) * poseFeatureCount, (v * 3 + c + 1) * poseFeatureCount), (r * 3 + c) * poseFeatureCount);
    }
    weights.set(model.weights.subarray(v * jointCount, (v + 1) * jointCount), r * jointCount);
  });
  // joint vertices: J_regressor applied to template and bases (in float64, then stored)
  const n = model.vertexCount;
  const jointShape = new Float64Array(3 * nS);
  const jointExpression = new Float64Array(3 * nE);
  for (let j = 0; j < jointCount; j++) {
    const r = m + j;
    jointShape.fill(0);
    jointExpression.fill(0);
    for (let v = 0; v < n; v++) {
      const w = model.jointRegressor[j * n + v];
      if (w === 0) continue;
      for (let c = 0; c < 3; c++) {
        template[r * 3 + c] += w * model.template[v * 3 + c];
        const row = v * 3 + c;
        for (let k = 0; k < nS; k++) jointShape[c * nS + k] += w * model.shapeBasis[row * nS + k];
        for (let k = 0; k < nE; k++) jointExpression[c * nE + k] += w * model.expressionBasis[row * nE + k];
      }
    }
    for (let c = 0; c < 3; c++) {
      shapeBasis.set(jointShape.subarray(c * nS, (c + 1) * nS), (r * 3 + c) * nS);
      expressionBasis.set(jointExpression.subarray(c * nE, (c + 1) * nE), (r * 3 + c) * nE);
    }
    weights[r * jointCount] = 1; // never read back; any valid weights will do
  }
  const jointRegressor = new Float64Array(jointCount * count);
  for (let j = 0; j < jointCount; j++) jointRegressor[j * count + m + j] = 1;
  const remap = (list: Int32Array) => Int32Array.from(list, (f) => faceIndex.get(f)!);
  return {
    name: `${model.name} (landmark vertices)`,
    vertexCount: count,
    faces,
    template,
    shapeBasis,
    shapeCount: nS,
    expressionBasis,
    expressionCount: nE,
    poseBasis,
    jointRegressor,
    weights,
    parents: model.parents,
    landmarks: { ...embedding, staticFaces: remap(embedding.staticFaces), dynamicFaces: remap(embedding.dynamicFaces), fullFaces: remap(embedding.fullFaces) },
  };
}
