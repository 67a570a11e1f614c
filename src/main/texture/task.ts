/**
 * The textured-head export as a worker-thread task (registered in src/main/jobs/tasks.ts as
 * 'textureHead'): decode the aligned photo, bake its UV texture (bake.ts), encode the PNG and
 * write the files of the chosen format, all off the event loop that serves the UI.
 *
 * Like the FLAME render task, each worker keeps the last models it was sent (with their mirror
 * maps), keyed by `modelKey`; a request without `model` for an unknown key answers
 * `{ needModel: true }` and the caller sends it again with the model.
 */

import sharp from 'sharp';
import type { FlameCodes, FlameModel } from '../../common/flame/model';
import type { Texture } from '../../common/render/deca-buffers';
import type { TaskPool } from '../jobs/pool';
import { bakePhotoTexture, type BakedTexture } from './bake';
import { mirrorMap, type MirrorMap } from './symmetry';
import { objFiles, texturedGlb, texturedGltf, zipFiles, type ExportFile } from './writers';

/** Output formats: OBJ + MTL + PNG (as files or one zip), binary glTF, glTF with embedded buffer. */
export type HeadExportFormat = 'obj' | 'obj-zip' | 'glb' | 'gltf';

export interface TextureHeadInput {
  modelKey: string;
  model?: FlameModel;
  codes: FlameCodes;
  /** The aligned photo the camera refers to: a file path or encoded image bytes. */
  photo: string | Uint8Array;
  /** Shown in errors about the photo. */
  photoLabel: string;
  /** The head model's albedo texture as RGB bytes, if it has one. */
  albedo?: { rgb: Uint8Array; width: number; height: number } | null;
  /** A UV mask image (DECA's uv_face_eye_mask.png) limiting where the photo is used. */
  photoMaskPath?: string | null;
  /** UV texture side in texels. */
  textureSize: number;
  format: HeadExportFormat;
  /** Base of the file names, e.g. 'photo-3-head'. */
  baseName: string;
}

export interface TextureHeadResult {
  needModel: false;
  /** One file for glb / gltf / obj-zip; OBJ, MTL and PNG for obj. */
  files: ExportFile[];
  textureSize: number;
  counts: BakedTexture['counts'];
  /** Fraction of the model's faces with a mirror face (0 when the mesh is not symmetric). */
  symmetry: number;
  vertexCount: number;
  faceCount: number;
}

export type TextureHeadOutput = TextureHeadResult | { needModel: true };

const cache = new Map<string, { model: FlameModel; mirror: MirrorMap }>();
const cacheLimit = 2;

async function decodeRgb(source: string | Uint8Array, label: string): Promise<Texture> {
  let decoded;
  try {
    decoded = await sharp(source).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  } catch (e) {
    throw new Error(`${label}: cannot be read as an image (${e instanceof Error ? e.message : String(e)})`);
  }
  const { data, info } = decoded;
  const out = new Float32Array(info.width * info.height * 3);
  for (let i = 0; i < out.length; i++) out[i] = data[i] / 255;
  return { width: info.width, height: info.height, data: out };
}

/** Float RGB → PNG bytes (clamped to [0, 1]). */
async function encodePng(data: Float32Array, size: number): Promise<Uint8Array> {
  const bytes = Buffer.alloc(data.length);
  for (let i = 0; i < data.length; i++) bytes[i] = Math.round(Math.min(1, Math.max(0, data[i])) * 255);
  return new Uint8Array(await sharp(bytes, { raw: { width: size, height: size, channels: 3 } }).png({ compressionLevel: 6 }).toBuffer());
}

/** The task body (see the file header). */
export async function textureHeadTask(input: TextureHeadInput): Promise<TextureHeadOutput> {
  let entry = cache.get(input.modelKey);
  if (!entry) {
    if (!input.model) return { needModel: true };
    entry = { model: input.model, mirror: mirrorMap(input.model) };
    cache.set(input.modelKey, entry);
    while (cache.size > cacheLimit) cache.delete(cache.keys().next().value as string);
  }
  const { model, mirror } = entry;
  const photo = await decodeRgb(input.photo, input.photoLabel);
  const albedo = input.albedo ? { width: input.albedo.width, height: input.albedo.height, data: Float32Array.from(input.albedo.rgb, (v) => v / 255) } : null;
  const photoMask = input.photoMaskPath ? await decodeRgb(input.photoMaskPath, input.photoMaskPath) : null;
  const baked = bakePhotoTexture({ model, codes: input.codes, photo, size: input.textureSize, albedo, photoMask, mirror });
  const png = await encodePng(baked.data, baked.size);
  const mesh = { vertices: baked.vertices, normals: baked.normals, faces: model.faces, uv: model.uv!, name: `${input.baseName} (${model.name})` };
  let files: ExportFile[];
  if (input.format === 'glb') files = [{ name: `${input.baseName}.glb`, bytes: texturedGlb(mesh, png) }];
  else if (input.format === 'gltf') files = [{ name: `${input.baseName}.gltf`, bytes: new TextEncoder().encode(texturedGltf(mesh, png)) }];
  else {
    files = objFiles(mesh, png, input.baseName);
    if (input.format === 'obj-zip') files = [{ name: `${input.baseName}.zip`, bytes: zipFiles(files) }];
  }
  return { needModel: false, files, textureSize: baked.size, counts: baked.counts, symmetry: mirror.matched, vertexCount: model.vertexCount, faceCount: model.faces.length / 3 };
}

/** Runs the task through a pool, sending the model only to workers that lack it. */
export async function textureHead(pool: Pick<TaskPool, 'run'>, model: FlameModel, input: Omit<TextureHeadInput, 'model'>): Promise<TextureHeadResult> {
  const first = await pool.run('textureHead', input);
  if (!first.needModel) return first;
  const second = await pool.run('textureHead', { ...input, model });
  if (second.needModel) throw new Error('the texture worker did not keep the model it was sent');
  return second;
}
