/**
 * Landmark fitting: FLAME shape, expression, jaw, global pose and orthographic camera fitted
 * to 68 detected landmarks by regularised least squares (Levenberg–Marquardt on the reduced
 * landmark model), in two stages as the usual FLAME fitting scripts: a rigid stage (global
 * pose + camera, mean shape), then the full fit.
 *
 * Residuals are pixels of the fitting image (so bounds read in pixels); the priors are
 * Gaussian on the coefficients (FLAME's components are unit-variance), as extra residuals
 * `prior · value`; the jaw's opening prior is one-sided (`defaultPriors`).
 *
 * Cost: the Jacobian is taken by forward differences. For a fixed pose the landmarks are affine
 * in (shape, expression), so those 150 columns change only through the pose; they are reused
 * until the pose has moved by more than `jacobianPoseTolerance` radians, which keeps the full
 * stage at ~10 model evaluations per iteration instead of ~160. Every step is still accepted
 * only on the exact cost.
 */
import type { FlameModel } from '../../../common/flame/model';
import type { LandmarkParameters } from './landmarkModel';
import { LandmarkModel } from './landmarkModel';
import { solveSymmetric } from './linear';

/** Fitting settings. */
export interface FitOptions {
  /** Side of the (square) image the landmarks are in, e.g. 256 for the FFHQ crop. */
  imageSize: number;
  /** Prior weights (pixels per unit coefficient): larger keeps codes nearer zero. */
  shapePrior?: number;
  expressionPrior?: number;
  /** Pixels per radian of jaw opening (rotation about x, positive opens the mouth). */
  jawPrior?: number;
  /** Pixels per radian of jaw closing past the rest pose (negative x): a jaw cannot. */
  jawClosePrior?: number;
  /** Pixels per radian of the jaw's sideways and twisting rotations (y, z). */
  jawSidePrior?: number;
  /** Components fitted (at most the model's; DECA uses 100 and 50). */
  shapeCount?: number;
  expressionCount?: number;
  /** Iteration caps per stage. */
  rigidIterations?: number;
  fullIterations?: number;
  /** Per-landmark weights (68), e.g. lower for the jaw contour. */
  weights?: ArrayLike<number>;
}

/** What the fit found and what it cost. */
export interface FitResult {
  shape: Float64Array;
  expression: Float64Array;
  /** Global (3) then jaw (3), axis-angle. */
  pose: Float64Array;
  cam: Float64Array;
  /** Root-mean-square landmark distance in pixels, before (rigid initialisation) and after. */
  initialError: number;
  finalError: number;
  /** The fitted landmarks (136 values, pixels). */
  landmarks: Float64Array;
  iterations: { rigid: number; full: number };
  milliseconds: number;
}

/**
 * Default prior weights, in pixels of the fitting image per unit coefficient (FLAME's components
 * are unit-variance) or per radian. A Gaussian prior's weight is the landmark noise over the
 * coefficient's spread: real detections sit ~5 px RMS off a fitted head in the aligned 256
 * image, hence 5 for expression (2 let detection noise and head-model mismatch through as
 * components of ±3.5 on real photos). The jaw's priors follow DECA's training, which penalises
 * a jaw closing past rest and (strongly) its roll, and leaves the opening nearly free: a jaw
 * cannot close past its rest pose (100) nor swing or twist much (40), and opens freely (5).
 * Shape stays at 3 (weaker lets the size components trade against the camera scale).
 */
export const defaultPriors = Object.freeze({ shape: 3, expression: 5, jaw: 5, jawClose: 100, jawSide: 40 });

/** A slot's prior weight at its current value. */
function priorOf(slot: Slot): number {
  return slot.belowZero !== undefined && slot.array[slot.index] < 0 ? slot.belowZero : slot.prior;
}

/** Pose change (radians) after which the cached shape/expression Jacobian columns are redone. */
export const jacobianPoseTolerance = 0.02;

type Part = 'global' | 'jaw' | 'cam' | 'shape' | 'expression';

/** One fitted scalar: where it lives, its prior weight and finite-difference step. */
interface Slot {
  array: Float64Array;
  index: number;
  prior: number;
  /** Prior weight used instead while the value is negative (one-sided priors). */
  belowZero?: number;
  step: number;
  /** Affine for a fixed pose (shape/expression): its Jacobian column may be reused. */
  linear: boolean;
}

/** Fits `model` to 68 landmarks given as [x, y] pixels of an `imageSize`² image. */
export function fitLandmarks(model: FlameModel | LandmarkModel, target: readonly (readonly number[])[], options: FitOptions): FitResult {
  const started = performance.now();
  const lm = model instanceof LandmarkModel ? model : new LandmarkModel(model);
  if (target.length !== 68) throw new Error(`landmark fitting needs 68 landmarks, got ${target.length}`);
  const size = options.imageSize;
  const nS = Math.min(options.shapeCount ?? 100, lm.shapeCount);
  const nE = Math.min(options.expressionCount ?? 50, lm.expressionCount);
  const goal = Float64Array.from(target.flatMap((p) => [p[0], p[1]]));
  const weights = Float64Array.from({ length: 136 }, (_, i) => Math.sqrt(options.weights ? options.weights[i >> 1] : 1));
  const params: LandmarkParameters = { shape: new Float64Array(nS), expression: new Float64Array(nE), pose: new Float64Array(6), cam: new Float64Array(3) };
  initialCamera(lm, params, goal, size);
  const projected = new Float64Array(136);

  const slots = (parts: Part[]): Slot[] => {
    const out: Slot[] = [];
    const push = (array: Float64Array, from: number, to: number, prior: number, step: number, linear = false, belowZero?: number) => {
      for (let i = from; i < to; i++) out.push({ array, index: i, prior, step, linear, belowZero });
    };
    for (const part of parts) {
      if (part === 'global') push(params.pose, 0, 3, 0, 1e-5);
      if (part === 'jaw') {
        push(params.pose, 3, 4, options.jawPrior ?? defaultPriors.jaw, 1e-5, false, options.jawClosePrior ?? defaultPriors.jawClose);
        push(params.pose, 4, 6, options.jawSidePrior ?? defaultPriors.jawSide, 1e-5);
      }
      if (part === 'cam') {
        push(params.cam, 0, 1, 0, Math.max(1e-6, Math.abs(params.cam[0]) * 1e-6));
        push(params.cam, 1, 3, 0, 1e-6);
      }
      if (part === 'shape') push(params.shape, 0, nS, options.shapePrior ?? defaultPriors.shape, 1, true);
      if (part === 'expression') push(params.expression, 0, nE, options.expressionPrior ?? defaultPriors.expression, 1, true);
    }
    return out;
  };

  const rms = (): number => {
    lm.project(params, size, projected);
    let sum = 0;
    for (let i = 0; i < 136; i++) sum += (projected[i] - goal[i]) ** 2;
    return Math.sqrt(sum / 68);
  };
  const initialError = rms();
  const rigid = levenbergMarquardt(slots(['global', 'cam']), options.rigidIterations ?? 30);
  const full = levenbergMarquardt(slots(['global', 'cam', 'jaw', 'shape', 'expression']), options.fullIterations ?? 40);
  const finalError = rms();
  return {
    shape: params.shape,
    expression: params.expression,
    pose: params.pose,
    cam: params.cam,
    initialError,
    finalError,
    landmarks: Float64Array.from(projected),
    iterations: { rigid, full },
    milliseconds: performance.now() - started,
  };

  /** Weighted data residuals into `out`; returns the total cost including priors. */
  function residual(vars: Slot[], out: Float64Array): number {
    lm.project(params, size, projected);
    let cost = 0;
    for (let i = 0; i < 136; i++) {
      out[i] = weights[i] * (projected[i] - goal[i]);
      cost += out[i] * out[i];
    }
    for (const v of vars) cost += (priorOf(v) * v.array[v.index]) ** 2;
    return cost;
  }

  function levenbergMarquardt(vars: Slot[], maxIterations: number): number {
    const n = vars.length;
    const m = 136;
    const r = new Float64Array(m);
    const trial = new Float64Array(m);
    const jac = new Float64Array(m * n);
    const jtj = new Float64Array(n * n);
    const rhs = new Float64Array(n);
    const saved = new Float64Array(n);
    const poseAtJacobian = new Float64Array(6).fill(NaN);
    let cost = residual(vars, r);
    let lambda = 1e-3;
    let iteration = 0;
    for (; iteration < maxIterations; iteration++) {
      let poseMoved = 0;
      for (let i = 0; i < 6; i++) poseMoved = Math.max(poseMoved, Math.abs(params.pose[i] - poseAtJacobian[i]) || Infinity);
      const refreshLinear = !(poseMoved <= jacobianPoseTolerance);
      if (refreshLinear) poseAtJacobian.set(params.pose);
      for (let k = 0; k < n; k++) {
        const v = vars[k];
        if (v.linear && !refreshLinear) continue;
        const old = v.array[v.index];
        v.array[v.index] = old + v.step;
        residual(vars, trial);
        v.array[v.index] = old;
        for (let i = 0; i < m; i++) jac[i * n + k] = (trial[i] - r[i]) / v.step;
      }
      jtj.fill(0);
      rhs.fill(0);
      for (let i = 0; i < m; i++) {
        const row = i * n;
        for (let a = 0; a < n; a++) {
          const ja = jac[row + a];
          if (ja === 0) continue;
          rhs[a] -= ja * r[i];
          for (let b = a; b < n; b++) jtj[a * n + b] += ja * jac[row + b];
        }
      }
      for (let a = 0; a < n; a++) {
        for (let b = 0; b < a; b++) jtj[a * n + b] = jtj[b * n + a];
        const v = vars[a];
        const weight = priorOf(v) ** 2;
        jtj[a * n + a] += weight;
        rhs[a] -= weight * v.array[v.index];
        saved[a] = v.array[v.index];
      }
      let improved = false;
      let relative = 0;
      for (let attempt = 0; attempt < 12 && !improved; attempt++) {
        const system = Float64Array.from(jtj);
        for (let a = 0; a < n; a++) system[a * n + a] += lambda * jtj[a * n + a] + 1e-12;
        const step = solveSymmetric(system, rhs, n);
        if (step) {
          for (let a = 0; a < n; a++) vars[a].array[vars[a].index] = saved[a] + step[a];
          const newCost = residual(vars, trial);
          if (newCost < cost) {
            relative = (cost - newCost) / Math.max(cost, 1e-12);
            cost = newCost;
            r.set(trial);
            lambda = Math.max(lambda / 4, 1e-10);
            improved = true;
            break;
          }
          for (let a = 0; a < n; a++) vars[a].array[vars[a].index] = saved[a];
        }
        lambda *= 8;
      }
      if (!improved) {
        // a stale Jacobian may be what stalls: refresh it once before giving up
        if (!refreshLinear) {
          poseAtJacobian.fill(NaN);
          continue;
        }
        break;
      }
      if (relative < 1e-9) {
        iteration++;
        break;
      }
    }
    residual(vars, r); // leave `projected` consistent with the parameters
    return iteration;
  }
}

/**
 * Orthographic camera for the mean-shape, zero-pose landmarks by linear least squares: with
 * u = (px − h)/h and v = −(py − h)/h, u = s·x + s·tx and v = s·y + s·ty.
 */
function initialCamera(model: LandmarkModel, p: LandmarkParameters, goal: Float64Array, size: number): void {
  p.cam.set([1, 0, 0]);
  const l = model.landmarks3d(p);
  const half = size / 2;
  let sx = 0, sy = 0, su = 0, sv = 0, sxx = 0, sxu = 0;
  for (let i = 0; i < 68; i++) {
    const x = l[3 * i], y = l[3 * i + 1];
    const u = (goal[2 * i] - half) / half;
    const v = -(goal[2 * i + 1] - half) / half;
    sx += x;
    sy += y;
    su += u;
    sv += v;
    sxx += x * x + y * y;
    sxu += x * u + y * v;
  }
  const variance = sxx - (sx * sx + sy * sy) / 68;
  const covariance = sxu - (sx * su + sy * sv) / 68;
  const s = variance > 0 && covariance > 0 ? covariance / variance : 1;
  p.cam.set([s, (su - s * sx) / 68 / s, (sv - s * sy) / 68 / s]);
}
