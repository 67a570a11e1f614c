/**
 * FLAME codes, in the one shape the whole app uses, and DECA's packed 236-value code they
 * come from. The estimators write the packed code (`codeLayout`, DECA's part names); the
 * database, the contract, editing, training, the demo, skinning and the browser's rig use
 * `FlameCodes` (whole-word part names, the camera as `camera`). `unpackCode` and `packCode`
 * are the only translation between the two.
 */

/** DECA's packed code: part → [offset, length], under DECA's names. */
export const codeLayout = Object.freeze({
  shape: [0, 100],
  tex: [100, 50],
  exp: [150, 50],
  pose: [200, 6],
  cam: [206, 3],
  light: [209, 27],
} as const);

/** Total length of the packed code. */
export const codeLength = 236;

/** A part of the packed code, by DECA's name. */
export type CodePart = keyof typeof codeLayout;

/** The packed code split into its parts (views into one array). */
export type DecaCode = Record<CodePart, Float32Array>;

/** Splits a 236-value code (views, no copy). */
export function splitCode(code: Float32Array): DecaCode {
  if (code.length !== codeLength) throw new Error(`a DECA code has ${codeLength} values, got ${code.length}`);
  const out = {} as DecaCode;
  for (const [name, [offset, length]] of Object.entries(codeLayout)) out[name as CodePart] = code.subarray(offset, offset + length);
  return out;
}

/**
 * One set of FLAME codes (DECA's lengths: 100 · 50 · 6 · 3 · 27). Plain numbers by default (the
 * contract, the database); the browser's rig holds them as `FlameCodes<Float32Array>`.
 */
export interface FlameCodes<T = number[]> {
  /** Identity coefficients (DECA: 100). */
  shape: T;
  /** Expression coefficients (DECA: 50). */
  expression: T;
  /** Axis-angle pose: global rotation (3) then jaw (3); skinning also takes FLAME's full 15. */
  pose: T;
  /** Orthographic camera (scale, tx, ty) in the frame of the image the codes go with. */
  camera: T;
  /** Spherical-harmonics light, 9 coefficients × RGB, row-major. */
  light: T;
}

/**
 * What skinning and rendering take: any of the parts, in any numeric array; missing parts are
 * zero (the camera and light: defaults). DECA's short name `cam` is refused at compile time, so
 * an object still using it cannot silently render with the default camera.
 */
export type SkinningCodes = Partial<FlameCodes<ArrayLike<number>>> & { cam?: never };

/** The part names of FlameCodes, in order. */
export const codeNames = Object.freeze(['shape', 'expression', 'pose', 'camera', 'light'] as const);

/** Where each part of FlameCodes lies in the packed code (the texture code has no place in FlameCodes). */
export const packedPart: Readonly<Record<keyof FlameCodes, CodePart>> = Object.freeze({ shape: 'shape', expression: 'exp', pose: 'pose', camera: 'cam', light: 'light' });

/** DECA's length of each part of FlameCodes (100 · 50 · 6 · 3 · 27). */
export const codeLengths: Readonly<Record<keyof FlameCodes, number>> = Object.freeze(
  Object.fromEntries(codeNames.map((name) => [name, codeLayout[packedPart[name]][1]])) as Record<keyof FlameCodes, number>,
);

/**
 * The codes of a packed 236-value code. `camera` replaces the packed camera when given: an
 * estimate keeps its camera in the frame of the aligned image, while the packed one is in the
 * frame of DECA's 224² crop.
 */
export function unpackCode(code: Float32Array, camera?: ArrayLike<number>): FlameCodes {
  const part = (name: CodePart) => Array.from(code.subarray(codeLayout[name][0], codeLayout[name][0] + codeLayout[name][1]));
  return { shape: part('shape'), expression: part('exp'), pose: part('pose'), camera: camera ? Array.from(camera) : part('cam'), light: part('light') };
}

/**
 * The packed 236-value code of a set of codes (the texture code zero). Longer parts (a fit's
 * extra components) are cut to DECA's lengths; shorter ones leave the rest zero.
 */
export function packCode(codes: FlameCodes<ArrayLike<number>>): Float32Array {
  const code = new Float32Array(codeLength);
  for (const name of codeNames) {
    const [offset, length] = codeLayout[packedPart[name]];
    const values = codes[name];
    for (let i = 0; i < Math.min(length, values.length); i++) code[offset + i] = values[i];
  }
  return code;
}

/** Checks lengths (100 · 50 · 6 · 3 · 27) and finiteness; `what` names the codes in errors. */
export function checkCodes(codes: FlameCodes, what: string): FlameCodes {
  for (const key of codeNames) {
    const length = codeLengths[key];
    const values = codes[key];
    if (!Array.isArray(values) || values.length !== length) throw new Error(`${what}: '${key}' has ${Array.isArray(values) ? values.length : 'no'} values, expected ${length}`);
    if (!values.every(Number.isFinite)) throw new Error(`${what}: '${key}' holds a value that is not a finite number`);
  }
  return codes;
}

/** Element-wise mean of shape codes (an album mean shape); null for none. */
export function meanOf(shapes: readonly (readonly number[])[]): number[] | null {
  if (shapes.length === 0) return null;
  const mean = new Array<number>(shapes[0].length).fill(0);
  for (const s of shapes) s.forEach((v, i) => (mean[i] += v / shapes.length));
  return mean;
}
