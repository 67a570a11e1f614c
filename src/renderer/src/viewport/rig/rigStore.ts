import type { FlameCodes } from '../../../../common/flame/codes';
import { defaultLight } from '../../../../common/flame/light';
import { anglesToAxisAngle, axisAngleToAngles, type HeadAngles } from './rotation';

// The viewport's live state, outside React on purpose: sliders write here and bump `version`;
// the 3D scene reads it in useFrame and the buffer worker is fed from it, so a slider drag never
// re-renders React. Components that must redraw when the whole rig is replaced (reset, codes
// loaded) subscribe to `replaced`.

export const shapeCount = 100;
export const expressionCount = 50;

/** The codes the rig poses the head with: DECA's lengths, in typed arrays mutated in place. */
export type RigCodes = FlameCodes<Float32Array>;

/** The neutral head, seen as DECA frames a face crop (scale 9 puts a FLAME head at ~0.9 NDC). */
export function neutralCodes(): RigCodes {
  return {
    shape: new Float32Array(shapeCount),
    expression: new Float32Array(expressionCount),
    pose: new Float32Array(6),
    camera: Float32Array.from([9, 0, 0]),
    light: defaultLight(),
  };
}

/**
 * A camera that frames the whole model in DECA's [-1, 1] square (85% of it), for when no
 * estimate gives one: the template's bounding box centred, its larger side scaled to 1.7.
 */
export function framingCamera(template: ArrayLike<number>): Float32Array {
  const low = [Infinity, Infinity];
  const high = [-Infinity, -Infinity];
  for (let i = 0; i < template.length; i += 3) {
    for (let d = 0; d < 2; d++) {
      low[d] = Math.min(low[d], template[i + d]);
      high[d] = Math.max(high[d], template[i + d]);
    }
  }
  const extent = Math.max(high[0] - low[0], high[1] - low[1]);
  if (!(extent > 0)) return Float32Array.from([1, 0, 0]);
  return Float32Array.from([1.7 / extent, -(low[0] + high[0]) / 2, -(low[1] + high[1]) / 2]);
}

/** Copies plain-number codes (from the contract) into a fresh RigCodes, checking lengths. */
export function codesFromContract(codes: FlameCodes): RigCodes {
  const rig = neutralCodes();
  const fill = (name: keyof RigCodes, values: number[]) => {
    const target = rig[name];
    if (values.length > target.length) throw new Error(`codes: ${name} has ${values.length} values, the viewport takes at most ${target.length}`);
    target.fill(0);
    target.set(values);
  };
  fill('shape', codes.shape);
  fill('expression', codes.expression);
  fill('pose', codes.pose);
  if (codes.camera.length === 3) fill('camera', codes.camera);
  if (codes.light.length === 27) fill('light', codes.light);
  return rig;
}

/** Plain-number copy, e.g. for a worker message or saving. */
export function codesToContract(codes: RigCodes): FlameCodes {
  return {
    shape: Array.from(codes.shape),
    expression: Array.from(codes.expression),
    pose: Array.from(codes.pose),
    camera: Array.from(codes.camera),
    light: Array.from(codes.light),
  };
}

export function cloneCodes(codes: RigCodes): RigCodes {
  return {
    shape: codes.shape.slice(),
    expression: codes.expression.slice(),
    pose: codes.pose.slice(),
    camera: codes.camera.slice(),
    light: codes.light.slice(),
  };
}

type Listener = () => void;

export class RigStore {
  /** Live codes: read them, never keep references across `replace`. */
  codes: RigCodes;
  /** Yaw / pitch / roll the global-pose sliders show; kept in step with codes.pose[0..2]. */
  angles: HeadAngles;
  /** Bumped on every edit; frame loops compare it with the version they last drew. */
  version = 0;
  /**
   * Bumped only when the mesh changes (shape, expression, pose, or everything replaced): light
   * edits re-shade without re-skinning.
   */
  geometryVersion = 0;
  private baseline: RigCodes;
  private readonly changeListeners = new Set<Listener>();
  private readonly replaceListeners = new Set<Listener>();

  constructor(initial: RigCodes = neutralCodes()) {
    this.baseline = cloneCodes(initial);
    this.codes = cloneCodes(initial);
    this.angles = axisAngleToAngles(this.codes.pose);
  }

  /** Sets one value (a slider moved). */
  set(name: keyof RigCodes, index: number, value: number): void {
    const target = this.codes[name];
    if (index < 0 || index >= target.length) throw new RangeError(`${name}[${index}] is out of range`);
    target[index] = value;
    if (name === 'pose' && index < 3) this.angles = axisAngleToAngles(target);
    this.changed(name !== 'light' && name !== 'camera');
  }

  /** Sets the global rotation from yaw / pitch / roll in degrees. */
  setAngles(angles: Partial<HeadAngles>): void {
    this.angles = { ...this.angles, ...angles };
    this.codes.pose.set(anglesToAxisAngle(this.angles), 0);
    this.changed(true);
  }

  /**
   * Marks an in-place edit of `codes` (e.g. the light gizmo rewrote several coefficients);
   * `geometry` says the mesh changed too.
   */
  changed(geometry = false): void {
    this.version++;
    if (geometry) this.geometryVersion++;
    for (const listener of this.changeListeners) listener();
  }

  /** Replaces everything (codes loaded); `asBaseline` makes them what Reset returns to. */
  replace(codes: RigCodes, asBaseline = true): void {
    if (asBaseline) this.baseline = cloneCodes(codes);
    this.codes = cloneCodes(codes);
    this.angles = axisAngleToAngles(this.codes.pose);
    this.version++;
    this.geometryVersion++;
    for (const listener of this.replaceListeners) listener();
    for (const listener of this.changeListeners) listener();
  }

  /** Back to the codes the viewport was opened with (or last loaded). */
  reset(): void {
    this.replace(this.baseline, false);
  }

  /** Called after every edit; returns an unsubscribe function. Keep listeners cheap. */
  onChange(listener: Listener): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** Called when the whole rig is replaced (reset, load); sliders re-read their values. */
  onReplace(listener: Listener): () => void {
    this.replaceListeners.add(listener);
    return () => this.replaceListeners.delete(listener);
  }
}
