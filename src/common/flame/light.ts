import { shConstants } from './geometry';

// Lighting helpers for DECA's 9×3 spherical-harmonics light (row k = basis function k, columns
// RGB; basis order 1, x, y, z, xy, xz, yz, x²−y², 3z²−1). The viewport's direction gizmo edits
// only the first-order rows (1..3): their vector is where the light comes from, per channel.

/**
 * Writes a soft frontal light from slightly above into `light` (27 values) and returns it:
 * bright enough to read the shape, no clipping. The viewport's starting light, and the light
 * of codes loaded from a file without one.
 */
export function fillDefaultLight<T extends Float32Array | number[]>(light: T): T {
  light.fill(0);
  for (let c = 0; c < 3; c++) {
    light[0 * 3 + c] = 2.4;
    light[2 * 3 + c] = 0.15;
    light[3 * 3 + c] = 0.35;
  }
  return light;
}

/** The default light (see `fillDefaultLight`) as a new array. */
export function defaultLight(): Float32Array {
  return fillDefaultLight(new Float32Array(27));
}

/** The light's direction (unit vector, DECA's frame: x right, y up, z towards the camera). */
export function lightDirection(light: ArrayLike<number>): [number, number, number] {
  let x = 0;
  let y = 0;
  let z = 0;
  for (let c = 0; c < 3; c++) {
    x += light[3 + c];
    y += light[6 + c];
    z += light[9 + c];
  }
  const norm = Math.hypot(x, y, z);
  return norm < 1e-9 ? [0, 0, 1] : [x / norm, y / norm, z / norm];
}

/**
 * Points the first-order light along `direction`, keeping each channel's first-order strength
 * (so colour and contrast stay as they were). A light with no first-order part gets one of
 * strength 0.15 × its ambient term, so the gizmo always has a visible effect.
 */
export function setLightDirection(light: Float32Array, direction: [number, number, number]): void {
  const norm = Math.hypot(...direction) || 1;
  const d = direction.map((v) => v / norm);
  for (let c = 0; c < 3; c++) {
    let strength = Math.hypot(light[3 + c], light[6 + c], light[9 + c]);
    if (strength < 1e-6) strength = 0.15 * Math.abs(light[c]) || 0.35;
    light[3 + c] = strength * d[0];
    light[6 + c] = strength * d[1];
    light[9 + c] = strength * d[2];
  }
}

/**
 * DECA's SH constants (src/common/flame) folded into the coefficients, so a shader only
 * evaluates the polynomial basis: returns 9 RGB triples c_k·L_k.
 */
export function scaledShCoefficients(light: ArrayLike<number>, out = new Float32Array(27)): Float32Array {
  for (let k = 0; k < 9; k++) for (let c = 0; c < 3; c++) out[k * 3 + c] = shConstants[k] * light[k * 3 + c];
  return out;
}
