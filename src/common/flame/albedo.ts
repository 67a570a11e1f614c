/**
 * Albedo textures from linear texture spaces, as DECA's FLAMETex builds them:
 * texture = mean + basis · code (first `code.length` components), reshaped to S × S × 3,
 * channels reversed (both FLAME_texture.npz and FLAME_albedo_from_BFM.npz store BGR), then
 * resized to the output size with nearest-neighbour sampling (F.interpolate's default:
 * source index = floor(destination · S / size)). FLAME_texture values are /255 at load time.
 */

import type { Texture } from '../render/decaBuffers';

/** A linear texture space: `mean` (S·S·3) and `basis` ((S·S·3) × componentCount), row-major. */
export interface TextureSpace {
  /** 'flame' (FLAME_texture.npz, 200 components) or 'bfm' (FLAME_albedo_from_BFM.npz, 199). */
  kind: 'flame' | 'bfm';
  /** Side of the square texture the space describes (512 for both released files). */
  size: number;
  mean: Float32Array;
  basis: Float32Array;
  componentCount: number;
}

/** The albedo texture for `code` (DECA uses 50 components) at `outputSize` (DECA: 256). */
export function textureFromCode(space: TextureSpace, code: ArrayLike<number>, outputSize = 256): Texture {
  if (code.length > space.componentCount) throw new Error(`texture code has ${code.length} values, the ${space.kind} texture space ${space.componentCount} components`);
  const { size, mean, basis, componentCount } = space;
  const data = new Float32Array(outputSize * outputSize * 3);
  const used: number[] = [];
  for (let k = 0; k < code.length; k++) if (code[k] !== 0) used.push(k);
  for (let row = 0; row < outputSize; row++) {
    const sourceRow = Math.min(size - 1, Math.floor((row * size) / outputSize));
    for (let column = 0; column < outputSize; column++) {
      const sourceColumn = Math.min(size - 1, Math.floor((column * size) / outputSize));
      for (let channel = 0; channel < 3; channel++) {
        // BGR in the file → RGB out.
        const element = (sourceRow * size + sourceColumn) * 3 + (2 - channel);
        let value = mean[element];
        const base = element * componentCount;
        for (const k of used) value += basis[base + k] * code[k];
        data[(row * outputSize + column) * 3 + channel] = value;
      }
    }
  }
  return { width: outputSize, height: outputSize, data };
}

/** A texture of one colour (the flat albedo used when the researcher has no texture space). */
export function flatTexture(rgb: readonly [number, number, number] = [0.7, 0.7, 0.7], size = 4): Texture {
  const data = new Float32Array(size * size * 3);
  for (let p = 0; p < size * size; p++) data.set(rgb, p * 3);
  return { width: size, height: size, data };
}

/** RGB bytes (H × W × 3, e.g. a decoded JPEG) as a float texture in [0, 1]. */
export function textureFromBytes(rgb: Uint8Array, width: number, height: number): Texture {
  if (rgb.length !== width * height * 3) throw new Error(`texture bytes: ${rgb.length} values for ${width}×${height}×3`);
  return { width, height, data: Float32Array.from(rgb, (x) => x / 255) };
}
