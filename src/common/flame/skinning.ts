/**
 * FLAME linear blend skinning, step for step as DECA's FLAME class (lbs.py):
 * v_shaped = template + shape·β + expression·ψ; J = J_regressor·v_shaped; R = Rodrigues(pose);
 * v_posed = v_shaped + posedirs·(R[1:] − I); rigid transforms along the kinematic chain;
 * v = Σ_j w_j · A_j · [v_posed, 1].
 *
 * Built for display rate: the identity part (template + shape·β) is cached while β stays the
 * same, and every buffer is allocated once per skinner and reused frame after frame.
 */

import type { SkinningCodes } from './codes';
import type { FlameModel } from './model';
import { fullPose, jointCount as modelJointCount, poseFeatureCount as modelPoseFeatureCount } from './model';

// Module-local copies: hot loops must not read imported bindings (bundlers and test runners
// may turn those into property reads on a module object).
const jointCount = modelJointCount;
const poseFeatureCount = modelPoseFeatureCount;
import { multiply3, rodrigues } from './rotation';

/** Skins one FLAME model; construct once per model and call `skin` per frame. */
export class FlameSkinner {
  /** Posed vertices of the last `skin` call, vertexCount × 3 (reused). */
  readonly vertices: Float64Array;
  /** Rest joints of the last call (J_regressor · v_shaped), 5 × 3. */
  readonly restJoints = new Float64Array(jointCount * 3);
  /** Posed joint positions, 5 × 3. */
  readonly posedJoints = new Float64Array(jointCount * 3);
  /** Joint rotations (local), 5 × 9, and the 15-value pose they came from. */
  readonly rotations = new Float64Array(jointCount * 9);
  readonly pose = new Float64Array(15);

  private readonly identityShaped: Float64Array;
  private readonly shaped: Float64Array;
  private readonly posed: Float64Array;
  private readonly cachedShape: Float64Array;
  private cacheValid = false;
  private readonly worldRotations = new Float64Array(jointCount * 9);
  private readonly transforms = new Float64Array(jointCount * 12);
  private readonly feature = new Float64Array(poseFeatureCount);
  /** The expression code copied into a typed array, so the hot loop sees one element kind. */
  private readonly expressionCode: Float64Array;

  constructor(readonly model: FlameModel) {
    const n = model.vertexCount * 3;
    this.vertices = new Float64Array(n);
    this.identityShaped = new Float64Array(n);
    this.shaped = new Float64Array(n);
    this.posed = new Float64Array(n);
    this.cachedShape = new Float64Array(model.shapeCount);
    this.expressionCode = new Float64Array(model.expressionCount);
    if (model.parents[0] !== -1) throw new Error('FLAME kinematic tree: joint 0 must be the root');
    for (let j = 1; j < jointCount; j++) {
      if (!(model.parents[j] >= 0 && model.parents[j] < j)) throw new Error(`FLAME kinematic tree: joint ${j} has parent ${model.parents[j]}`);
    }
  }

  /** Skins the model for `codes` (shape, expression, pose); returns `this.vertices`. */
  skin(codes: SkinningCodes): Float64Array {
    const { model } = this;
    const shape = codes.shape ?? [];
    const expression = codes.expression ?? [];
    if (shape.length > model.shapeCount) throw new Error(`${shape.length} shape values but the model has ${model.shapeCount} identity components`);
    if (expression.length > model.expressionCount) throw new Error(`${expression.length} expression values but the model has ${model.expressionCount} expression components`);
    fullPose(codes.pose, this.pose);
    const expressionUsed = this.loadExpression(expression);
    if (this.shapeChanged(shape)) this.blendShapeAndExpression(expressionUsed);
    else this.addExpression(expressionUsed);
    this.regressJoints();
    this.poseRotations();
    this.addPoseCorrectives();
    this.rigidTransforms();
    this.blend();
    return this.vertices;
  }

  /** Copies β into the cache when it differs from the cached one; returns whether it did. */
  private shapeChanged(shape: ArrayLike<number>): boolean {
    const { cachedShape } = this;
    const count = this.model.shapeCount;
    let same = this.cacheValid;
    for (let k = 0; k < count && same; k++) same = cachedShape[k] === (k < shape.length ? shape[k] : 0);
    if (same) return false;
    for (let k = 0; k < count; k++) cachedShape[k] = k < shape.length ? shape[k] : 0;
    this.cacheValid = true;
    return true;
  }

  /** Copies ψ into a typed buffer; returns how many leading coefficients matter (trailing zeros cost nothing). */
  private loadExpression(values: ArrayLike<number>): number {
    const expression = this.expressionCode;
    let used = 0;
    for (let k = 0; k < expression.length; k++) {
      expression[k] = k < values.length ? values[k] : 0;
      if (expression[k] !== 0) used = k + 1;
    }
    return used;
  }

  /** One pass: identity = template + shape·β (kept for later frames), shaped = identity + expression·ψ. */
  private blendShapeAndExpression(expressionUsed: number): void {
    const { model, cachedShape, expressionCode } = this;
    const shapeCount = model.shapeCount;
    const expressionCount = model.expressionCount;
    let shapeUsed = 0;
    for (let k = 0; k < shapeCount; k++) if (cachedShape[k] !== 0) shapeUsed = k + 1;
    const shapeBasis = model.shapeBasis;
    const expressionBasis = model.expressionBasis;
    const template = model.template;
    const identity = this.identityShaped;
    const out = this.shaped;
    for (let row = 0; row < out.length; row++) {
      let sum = template[row];
      const shapeBase = row * shapeCount;
      for (let k = 0; k < shapeUsed; k++) sum += shapeBasis[shapeBase + k] * cachedShape[k];
      identity[row] = sum;
      const expressionBase = row * expressionCount;
      for (let k = 0; k < expressionUsed; k++) sum += expressionBasis[expressionBase + k] * expressionCode[k];
      out[row] = sum;
    }
  }

  /** shaped = cached identity + expression·ψ. */
  private addExpression(used: number): void {
    const { model } = this;
    const count = model.expressionCount;
    const expression = this.expressionCode;
    const basis = model.expressionBasis;
    const source = this.identityShaped;
    const out = this.shaped;
    if (used === 0) { out.set(source); return; }
    for (let row = 0; row < out.length; row++) {
      let sum = 0;
      const base = row * count;
      for (let k = 0; k < used; k++) sum += basis[base + k] * expression[k];
      out[row] = source[row] + sum;
    }
  }

  private regressJoints(): void {
    const { model, shaped, restJoints } = this;
    const n = model.vertexCount;
    const regressor = model.jointRegressor;
    for (let j = 0; j < jointCount; j++) {
      let x = 0, y = 0, z = 0;
      const row = j * n;
      for (let v = 0; v < n; v++) {
        const w = regressor[row + v];
        if (w === 0) continue;
        x += w * shaped[v * 3];
        y += w * shaped[v * 3 + 1];
        z += w * shaped[v * 3 + 2];
      }
      restJoints[j * 3] = x;
      restJoints[j * 3 + 1] = y;
      restJoints[j * 3 + 2] = z;
    }
  }

  private poseRotations(): void {
    const { pose, rotations, feature } = this;
    for (let j = 0; j < jointCount; j++) rodrigues(pose[j * 3], pose[j * 3 + 1], pose[j * 3 + 2], rotations, j * 9);
    for (let j = 1; j < jointCount; j++) {
      for (let k = 0; k < 9; k++) feature[(j - 1) * 9 + k] = rotations[j * 9 + k] - (k % 4 === 0 ? 1 : 0);
    }
  }

  private addPoseCorrectives(): void {
    const { shaped, posed, feature } = this;
    const basis = this.model.poseBasis;
    let allZero = true;
    for (let k = 0; k < poseFeatureCount; k++) if (feature[k] !== 0) allZero = false;
    if (allZero) { posed.set(shaped); return; }
    for (let row = 0; row < posed.length; row++) {
      let sum = 0;
      const base = row * poseFeatureCount;
      for (let k = 0; k < poseFeatureCount; k++) sum += basis[base + k] * feature[k];
      posed[row] = shaped[row] + sum;
    }
  }

  /** World transforms A_j = [R_j | t_j − R_j·J_j] (3×4, row-major) and posed joints. */
  private rigidTransforms(): void {
    const { model, rotations, worldRotations, restJoints, posedJoints, transforms } = this;
    for (let j = 0; j < jointCount; j++) {
      const parent = model.parents[j];
      const jx = restJoints[j * 3], jy = restJoints[j * 3 + 1], jz = restJoints[j * 3 + 2];
      if (parent < 0) {
        worldRotations.set(rotations.subarray(0, 9), 0);
        posedJoints[0] = jx; posedJoints[1] = jy; posedJoints[2] = jz;
      } else {
        multiply3(worldRotations, parent * 9, rotations, j * 9, worldRotations, j * 9);
        // Translation: parent world transform applied to the joint offset from its parent.
        const rx = jx - restJoints[parent * 3], ry = jy - restJoints[parent * 3 + 1], rz = jz - restJoints[parent * 3 + 2];
        const p = parent * 9;
        posedJoints[j * 3] = worldRotations[p] * rx + worldRotations[p + 1] * ry + worldRotations[p + 2] * rz + posedJoints[parent * 3];
        posedJoints[j * 3 + 1] = worldRotations[p + 3] * rx + worldRotations[p + 4] * ry + worldRotations[p + 5] * rz + posedJoints[parent * 3 + 1];
        posedJoints[j * 3 + 2] = worldRotations[p + 6] * rx + worldRotations[p + 7] * ry + worldRotations[p + 8] * rz + posedJoints[parent * 3 + 2];
      }
      const r = j * 9;
      const t = j * 12;
      for (let row = 0; row < 3; row++) {
        const a = worldRotations[r + row * 3], b = worldRotations[r + row * 3 + 1], c = worldRotations[r + row * 3 + 2];
        transforms[t + row * 4] = a;
        transforms[t + row * 4 + 1] = b;
        transforms[t + row * 4 + 2] = c;
        transforms[t + row * 4 + 3] = posedJoints[j * 3 + row] - (a * jx + b * jy + c * jz);
      }
    }
  }

  private blend(): void {
    const { model, posed, vertices, transforms } = this;
    const weights = model.weights;
    const n = model.vertexCount;
    const m = new Float64Array(12);
    for (let v = 0; v < n; v++) {
      m.fill(0);
      for (let j = 0; j < jointCount; j++) {
        const w = weights[v * jointCount + j];
        if (w === 0) continue;
        const t = j * 12;
        for (let k = 0; k < 12; k++) m[k] += w * transforms[t + k];
      }
      const x = posed[v * 3], y = posed[v * 3 + 1], z = posed[v * 3 + 2];
      vertices[v * 3] = m[0] * x + m[1] * y + m[2] * z + m[3];
      vertices[v * 3 + 1] = m[4] * x + m[5] * y + m[6] * z + m[7];
      vertices[v * 3 + 2] = m[8] * x + m[9] * y + m[10] * z + m[11];
    }
  }
}
