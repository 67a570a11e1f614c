/**
 * The textured-head export as a worker-thread task (registered in src/main/app/workerTasks.ts as
 * 'textureHead'): decode the aligned photo, bake its UV texture (bake.ts), encode the PNG and
 * write the files of the chosen format, all off the event loop that serves the UI.
 *
 * The worker loads the head model itself from its located files (pickle parsing and texture
 * decoding are CPU work too, and a FLAME model is tens of MB to send) and keeps the last few
 * with their mirror maps, keyed by the location's key (which changes when a file does).
 */

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { SkinningCodes } from '../../common/flame/codes';
import type { Texture } from '../../common/render/decaBuffers';
import { loadHeadModel, type HeadModelLocation } from '../head/activeModel';
import type { ActiveHeadModel } from '../head/activeModel';
import { bakePhotoTexture, type BakedTexture } from './bake';
import { mirrorMap, type MirrorMap } from './symmetry';
import { objFiles, texturedGlb, texturedGltf, zipFiles, type ExportFile } from './writers';

/** Output formats: OBJ + MTL + PNG (as files or one zip), binary glTF, glTF with embedded buffer. */
export type HeadExportFormat = 'obj' | 'obj-zip' | 'glb' | 'gltf';

export interface TextureHeadInput {
  /** The head model's files (locateHeadModel: stat only, cheap on the caller's thread). */
  head: HeadModelLocation;
  codes: SkinningCodes;
  /** The aligned photo the camera refers to: a file path or encoded image bytes. */
  photo: string | Uint8Array;
  /** Shown in errors about the photo. */
  photoLabel: string;
  /** Use DECA's uv_face_eye_mask.png (from the head's DECA data folder, when there) to limit where the photo is used. */
  decaPhotoRegion?: boolean;
  /** UV texture side in texels. */
  textureSize: number;
  format: HeadExportFormat;
  /** Base of the file names, e.g. 'photo-3-head'. */
  baseName: string;
}

export interface TextureHeadResult {
  /** One file for glb / gltf / obj-zip; OBJ, MTL and PNG for obj. */
  files: ExportFile[];
  textureSize: number;
  counts: BakedTexture['counts'];
  /** Fraction of the model's faces with a mirror face (0 when the mesh is not symmetric). */
  symmetry: number;
  vertexCount: number;
  faceCount: number;
  /** The head model, in words (e.g. 'Demo head (not FLAME)' or the FLAME file's name). */
  headModel: string;
  /** Whether the photo was limited to DECA's face/eye region. */
  photoRegion: 'visible head' | 'DECA face and eyes';
}

interface LoadedHead {
  active: ActiveHeadModel;
  mirror: MirrorMap;
  albedo: Texture | null;
  photoMask: Texture | null;
}

const cache = new Map<string, Promise<LoadedHead>>();
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

/** DECA's face-and-eyes region of its UV layout; with it the photo is used only there, as DECA does. */
const photoMaskFile = 'uv_face_eye_mask.png';

async function loadHead(location: HeadModelLocation): Promise<LoadedHead> {
  const active = await loadHeadModel(location);
  if (!active.model.uv) throw new Error(`${active.label} has no UV layout, so it cannot carry a texture: set DECA's data folder (with head_template.obj) in Settings`);
  const albedo = active.albedo ? { width: active.albedo.width, height: active.albedo.height, data: Float32Array.from(active.albedo.rgb, (v) => v / 255) } : null;
  const maskPath = location.source === 'flame' && location.decaDataDir ? join(location.decaDataDir, photoMaskFile) : null;
  const photoMask = maskPath && existsSync(maskPath) ? await decodeRgb(maskPath, maskPath) : null;
  return { active, mirror: mirrorMap(active.model), albedo, photoMask };
}

/** The located head, loaded once per worker while its files stay the same. */
function cachedHead(location: HeadModelLocation): Promise<LoadedHead> {
  let entry = cache.get(location.key);
  if (!entry) {
    entry = loadHead(location);
    entry.catch(() => cache.delete(location.key));
    cache.set(location.key, entry);
    while (cache.size > cacheLimit) cache.delete(cache.keys().next().value as string);
  }
  return entry;
}

/** The task body (see the file header). */
export async function textureHeadTask(input: TextureHeadInput): Promise<TextureHeadResult> {
  const { active, mirror, albedo, photoMask: mask } = await cachedHead(input.head);
  const model = active.model;
  const photoMask = input.decaPhotoRegion === false ? null : mask;
  const photo = await decodeRgb(input.photo, input.photoLabel);
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
  return {
    files, textureSize: baked.size, counts: baked.counts, symmetry: mirror.matched, vertexCount: model.vertexCount, faceCount: model.faces.length / 3,
    headModel: active.label, photoRegion: photoMask ? 'DECA face and eyes' : 'visible head',
  };
}

/** The worker task the textured-head export needs from a pool. */
export type TextureTasks = { textureHead: typeof textureHeadTask };
