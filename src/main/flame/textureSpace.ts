/**
 * Reads the albedo assets researchers have: DECA's texture spaces (FLAME_texture.npz with
 * `mean`/`tex_dir` in 0–255, or FLAME_albedo_from_BFM.npz with `MU`/`PC` in 0–1), the UV
 * layout of head_template.obj, and plain texture images (e.g. mean_texture.jpg) via sharp.
 */

import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import sharp from 'sharp';
import type { TextureSpace } from '../../common/flame/albedo';
import { textureFromBytes } from '../../common/flame/albedo';
import type { UvLayout } from '../../common/flame/model';
import type { Texture } from '../../common/render/decaBuffers';
import type { NdArray } from '../io/ndarray';
import { formatShape, toFloat64 } from '../io/ndarray';
import { readNpz } from '../io/npy';
import { parseObj } from '../io/obj';

/** Components kept by default (DECA's n_tex). */
export const defaultTextureComponents = 50;

/**
 * Builds a texture space from .npz arrays: `mean`/`tex_dir` (FLAME, divided by 255) or
 * `MU`/`PC` (BFM). Keeps the first `components` columns.
 */
export function textureSpaceFromArrays(arrays: Map<string, NdArray>, what: string, components = defaultTextureComponents): TextureSpace {
  const flame = arrays.has('mean') && arrays.has('tex_dir');
  const bfm = arrays.has('MU') && arrays.has('PC');
  if (!flame && !bfm) {
    throw new Error(`${what}: not a texture space (expected 'mean' and 'tex_dir' as in FLAME_texture.npz, or 'MU' and 'PC' as in FLAME_albedo_from_BFM.npz; found ${[...arrays.keys()].join(', ')})`);
  }
  const [meanKey, basisKey] = flame ? ['mean', 'tex_dir'] : ['MU', 'PC'];
  const mean = arrays.get(meanKey)!;
  const basis = arrays.get(basisKey)!;
  const length = mean.data.length;
  const size = Math.round(Math.sqrt(length / 3));
  if (size * size * 3 !== length) throw new Error(`${what}: '${meanKey}' has shape ${formatShape(mean.shape)}, not a square RGB texture`);
  const total = basis.data.length / length;
  if (!Number.isInteger(total) || total < 1) throw new Error(`${what}: '${basisKey}' has shape ${formatShape(basis.shape)}, which does not match '${meanKey}' ${formatShape(mean.shape)}`);
  if (components > total) throw new Error(`${what}: ${components} components requested, the file has ${total}`);
  const scale = flame ? 1 / 255 : 1;
  const meanValues = toFloat64(mean, `${what}: '${meanKey}'`);
  const basisValues = basis.data as ArrayLike<number>;
  if (basis.dtype === 'object' || typeof basisValues[0] === 'bigint') throw new Error(`${what}: '${basisKey}' is not a float array`);
  const kept = new Float32Array(length * components);
  for (let row = 0; row < length; row++) {
    for (let k = 0; k < components; k++) kept[row * components + k] = basisValues[row * total + k] * scale;
  }
  return {
    kind: flame ? 'flame' : 'bfm',
    size,
    mean: Float32Array.from(meanValues, (x) => x * scale),
    basis: kept,
    componentCount: components,
  };
}

/** Loads FLAME_texture.npz or FLAME_albedo_from_BFM.npz. */
export async function loadTextureSpace(path: string, components = defaultTextureComponents): Promise<TextureSpace> {
  const what = basename(path);
  return textureSpaceFromArrays(readNpz(await readFile(path), what), what, components);
}

/** The UV layout of an .obj with v/vt faces (head_template.obj), checked against the mesh. */
export async function loadUvLayout(path: string, mesh: { vertexCount: number; faceCount: number }): Promise<UvLayout> {
  const what = basename(path);
  const obj = parseObj(await readFile(path, 'utf8'), what);
  if (!obj.uvFaces) throw new Error(`${what}: faces carry no texture coordinates (expected f v/vt ...)`);
  if (obj.faces.length / 3 !== mesh.faceCount) throw new Error(`${what}: ${obj.faces.length / 3} faces, the model has ${mesh.faceCount}`);
  if (obj.vertices.length / 3 !== mesh.vertexCount) throw new Error(`${what}: ${obj.vertices.length / 3} vertices, the model has ${mesh.vertexCount}`);
  return { coords: obj.uvs, faces: obj.uvFaces };
}

/** Decodes an image file (JPEG, PNG, …) into a float RGB texture. */
export async function loadTextureImage(path: string): Promise<Texture> {
  try {
    const { data, info } = await sharp(path).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    return textureFromBytes(new Uint8Array(data.buffer, data.byteOffset, data.length), info.width, info.height);
  } catch (error) {
    throw new Error(`${basename(path)}: cannot read the image (${error instanceof Error ? error.message : String(error)})`, { cause: error });
  }
}
