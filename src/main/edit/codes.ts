/**
 * The FLAME codes an edit renders its buffers from, as DiffusionRig's editing builds them:
 * start from the source's codes (with the album mean shape when asked), take the mode's fields
 * from the target, keep the source's camera. Also the code paths of interpolation sweeps
 * (light rotated about the vertical axis, expression A→B).
 */
import type { EditMode, ModeSet } from '../../common/contract/edit';
import { editModes } from '../../common/contract/edit';
import type { FlameCodes } from '../../common/flame/codes';
import { shConstants } from '../../common/flame/geometry';

/** Parses 'exp+pose' into modes (canonical order); throws on unknown or repeated modes. */
export function parseModeSet(text: ModeSet): EditMode[] {
  const parts = text.split('+').map((p) => p.trim());
  for (const p of parts) if (!(editModes as readonly string[]).includes(p)) throw new Error(`unknown edit mode '${p}' (known: ${editModes.join(', ')})`);
  if (new Set(parts).size !== parts.length) throw new Error(`mode set '${text}' repeats a mode`);
  return editModes.filter((m) => parts.includes(m));
}

/** The canonical text of a mode set. */
export function formatModeSet(modes: readonly EditMode[]): ModeSet {
  return editModes.filter((m) => modes.includes(m)).join('+');
}

/** A deep copy of codes. */
export function cloneCodes(codes: FlameCodes): FlameCodes {
  return { shape: [...codes.shape], expression: [...codes.expression], pose: [...codes.pose], camera: [...codes.camera], light: [...codes.light] };
}

/**
 * The codes of one edit cell. `exp` takes the target's 50 expression values and jaw pose[3:];
 * `pose` its global rotation pose[:3]; `light` its 27 SH values; `latent` changes no code (the
 * target's global latent is used instead). The camera is always the source's; with a mean
 * shape the source's shape is replaced by it.
 */
export function editCodes(source: FlameCodes, target: FlameCodes | null, modes: readonly EditMode[], meanShape: readonly number[] | null): FlameCodes {
  const out = cloneCodes(source);
  if (meanShape) {
    if (meanShape.length !== 100) throw new Error(`album mean shape has ${meanShape.length} values, expected 100`);
    out.shape = [...meanShape];
  }
  if (!target) {
    if (modes.some((m) => m !== 'latent')) throw new Error(`modes ${modes.join('+')} need a target photo`);
    return out;
  }
  for (const mode of modes) {
    if (mode === 'exp') {
      out.expression = [...target.expression];
      for (let i = 3; i < 6; i++) out.pose[i] = target.pose[i];
    } else if (mode === 'pose') {
      for (let i = 0; i < 3; i++) out.pose[i] = target.pose[i];
    } else if (mode === 'light') {
      out.light = [...target.light];
    }
  }
  return out;
}

/** DECA's SH basis (constants folded in) at a unit normal: 9 values. */
function shBasis(x: number, y: number, z: number): number[] {
  const c = shConstants;
  return [c[0], c[1] * x, c[2] * y, c[3] * z, c[4] * x * y, c[5] * x * z, c[6] * y * z, c[7] * (x * x - y * y), c[8] * (3 * z * z - 1)];
}

/** Solves the symmetric positive definite system A x = b (Gaussian elimination with pivoting; n = 9). */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) pivot = r;
    [m[col], m[pivot]] = [m[pivot], m[col]];
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const factor = m[r][col] / m[col][col];
      for (let k = col; k <= n; k++) m[r][k] -= factor * m[col][k];
    }
  }
  return m.map((row, i) => row[n] / row[i]);
}

/**
 * The SH light rotated by `radians` about the vertical (y) axis of DECA's frame, so the light
 * appears to move around the head. Degree-2 SH are closed under rotation, so the rotated
 * coefficients are fitted exactly by least squares on directions spread over the sphere.
 */
export function rotateLightYaw(light: readonly number[], radians: number): number[] {
  const samples = 64;
  const golden = Math.PI * (3 - Math.sqrt(5));
  const rows: number[][] = [];
  const values: number[][] = [[], [], []];
  const cos = Math.cos(radians);
  const sin = Math.sin(radians);
  for (let i = 0; i < samples; i++) {
    const y = 1 - (2 * (i + 0.5)) / samples;
    const r = Math.sqrt(1 - y * y);
    const x = r * Math.cos(golden * i);
    const z = r * Math.sin(golden * i);
    rows.push(shBasis(x, y, z));
    // the rotated light at n is the original light at R⁻¹ n
    const ox = cos * x - sin * z;
    const oz = sin * x + cos * z;
    const original = shBasis(ox, y, oz);
    for (let ch = 0; ch < 3; ch++) values[ch].push(original.reduce((sum, b, k) => sum + b * light[k * 3 + ch], 0));
  }
  const normal = Array.from({ length: 9 }, (_, p) => Array.from({ length: 9 }, (_, q) => rows.reduce((s, row) => s + row[p] * row[q], 0)));
  const out = new Array<number>(27).fill(0);
  for (let ch = 0; ch < 3; ch++) {
    const rhs = Array.from({ length: 9 }, (_, p) => rows.reduce((s, row, i) => s + row[p] * values[ch][i], 0));
    solve(normal, rhs).forEach((v, k) => (out[k * 3 + ch] = v));
  }
  return out;
}

/** Codes with expression and jaw linearly interpolated from `a` to `b` (t in [0, 1]); the rest from `base`. */
export function interpolateExpression(base: FlameCodes, a: FlameCodes, b: FlameCodes, t: number): FlameCodes {
  const out = cloneCodes(base);
  out.expression = a.expression.map((v, i) => v + (b.expression[i] - v) * t);
  for (let i = 3; i < 6; i++) out.pose[i] = a.pose[i] + (b.pose[i] - a.pose[i]) * t;
  return out;
}
