/**
 * The head-model source: which FLAME head is in use (the researcher's files from Settings, or
 * the demo head shipped in resources/demo-head), where its files are, and loading it. Estimation,
 * editing, training, the texture export and the 3D viewport all take their head from here.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { loadLandmarkEmbedding } from '../flame/landmarkEmbedding';
import { flameModelFromEntries, readModelEntries, type ModelEntries } from '../flame/loadModel';
import { isNdArray } from '../io/ndarray';
import { loadTextureImage, loadTextureSpace, loadUvLayout } from '../flame/textureSpace';
import { textureFromCode } from '../../common/flame/albedo';
import type { Texture } from '../../common/render/decaBuffers';
import type { ModelAssetPaths } from '../../common/contract/flame';
import type { HeadModelInfo } from '../../common/contract/viewport';
import type { FlameModel } from '../../common/flame/model';

/** The head model in use (the researcher's FLAME files or the demo head), loaded. */
export interface ActiveHeadModel {
  model: FlameModel;
  source: HeadModelInfo['source'];
  label: string;
  /** The model file, null for the built-in demo head. */
  path: string | null;
  /** An albedo texture for display, (H,W,3) RGB bytes; null means flat albedo. */
  albedo?: { rgb: Uint8Array; height: number; width: number } | null;
  /** Changes whenever the model does (e.g. settings point at another file): the cache key. */
  key: string;
}

/** Where the researcher's FLAME files are (from Settings), when they have set them. */
export interface FlameFiles {
  /** generic_model.pkl, flame2023*.pkl or an .npz in the same layout. */
  modelPath: string;
  /** DECA's data folder (landmark_embedding.npy, head_template.obj, textures), if known. */
  decaDataDir?: string | null;
}

export interface HeadModelSources {
  /** The researcher's FLAME files, or null to use the demo head. */
  flameFiles: () => FlameFiles | null;
  /** The folder holding the app's demo head (resources/demo-head). */
  demoHeadDir: string;
}

/**
 * resources/demo-head of the app: the nearest `resources/demo-head` above this module. The
 * module sits at different depths in the sources (src/main/head) and in the build
 * (out/main or a shared chunk under out/main/chunks), so the folder is searched for upwards.
 */
export function defaultDemoHeadDir(start = __dirname): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, 'resources', 'demo-head');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return join(start, 'resources', 'demo-head'); // not found: report a path
  }
}

/** A key that changes when the file does (path, size and modification time). */
function fileKey(path: string): string {
  const stat = statSync(path);
  return `${path}:${stat.size}:${stat.mtimeMs}`;
}

/** The first file in `dir` whose name passes `accept`, or null. */
function findFile(dir: string, accept: (name: string) => boolean): string | null {
  if (!existsSync(dir)) return null;
  const name = readdirSync(dir).sort().find(accept);
  return name ? join(dir, name) : null;
}

/** Which files make up the active head, found without reading them (cheap: stat only). */
export interface HeadModelLocation {
  source: 'flame' | 'demo';
  modelPath: string;
  embeddingPath: string | null;
  /** DECA's data folder for UVs and the albedo texture (researcher's files only). */
  decaDataDir: string | null;
  label: string;
  /** Changes when any of the files does. */
  key: string;
}

/** Files of DECA's data folder the viewport reads, when present: UVs, then albedo sources in order. */
const uvFile = 'head_template.obj';
const albedoSpaces = ['FLAME_albedo_from_BFM.npz', 'FLAME_texture.npz'];
const albedoImage = 'mean_texture.jpg';

/**
 * Finds the head the viewport shows: the researcher's FLAME model (with DECA's landmark
 * embedding when their data folder has one), else the demo head the app ships (its own
 * geometry and bases in FLAME's layout, not FLAME).
 */
export function locateHeadModel(sources: HeadModelSources): HeadModelLocation {
  const files = sources.flameFiles();
  if (files) {
    if (!existsSync(files.modelPath)) throw new Error(`the FLAME model set in Settings is missing: ${files.modelPath}`);
    const deca = files.decaDataDir && existsSync(files.decaDataDir) ? files.decaDataDir : null;
    const inDeca = (name: string) => (deca && existsSync(join(deca, name)) ? join(deca, name) : null);
    const embeddingPath = inDeca('landmark_embedding.npy');
    const used = [files.modelPath, embeddingPath, inDeca(uvFile), ...albedoSpaces.map(inDeca), inDeca(albedoImage)];
    const key = used.filter((p): p is string => p !== null).map(fileKey).join('|');
    return { source: 'flame', modelPath: files.modelPath, embeddingPath, decaDataDir: deca, label: basename(files.modelPath), key };
  }
  const dir = sources.demoHeadDir;
  const modelPath = findFile(dir, (name) => /\.(npz|pkl)$/i.test(name) && !/landmark/i.test(name));
  if (!modelPath) throw new Error(`no head model: set your FLAME model file in Settings (the demo head was not found in ${dir})`);
  const embeddingPath = findFile(dir, (name) => /landmark.*\.(npy|npz)$/i.test(name));
  const key = [modelPath, embeddingPath].filter((p): p is string => p !== null).map(fileKey).join('|');
  return { source: 'demo', modelPath, embeddingPath, decaDataDir: null, label: 'Demo head (not FLAME)', key };
}

/** An (H,W,3) uint8 `albedo` entry (the demo head carries its texture this way), or null. */
function albedoEntry(entries: ModelEntries, what: string): ActiveHeadModel['albedo'] {
  const value = entries.get('albedo');
  if (value === undefined) return null;
  if (!isNdArray(value) || value.dtype !== 'uint8' || value.shape.length !== 3 || value.shape[2] !== 3) {
    throw new Error(`${what}: 'albedo' must be an (H, W, 3) uint8 image`);
  }
  return { rgb: value.data as Uint8Array, height: value.shape[0], width: value.shape[1] };
}

/** Reads the located files into a model (with the albedo texture the file may carry). */
export async function loadHeadModel(location: HeadModelLocation): Promise<ActiveHeadModel> {
  const what = basename(location.modelPath);
  const entries = await readModelEntries(location.modelPath);
  const model = flameModelFromEntries(entries, what);
  if (location.embeddingPath) model.landmarks = await loadLandmarkEmbedding(location.embeddingPath, model.faces.length / 3);
  let albedo = albedoEntry(entries, what);
  const deca = location.decaDataDir;
  if (deca && !model.uv && existsSync(join(deca, uvFile))) {
    model.uv = await loadUvLayout(join(deca, uvFile), { vertexCount: model.vertexCount, faceCount: model.faces.length / 3 });
  }
  if (deca && model.uv && !albedo) albedo = await decaAlbedo(deca);
  return {
    model,
    source: location.source,
    label: location.label,
    path: location.source === 'flame' ? location.modelPath : null,
    albedo,
    key: location.key,
  };
}

/** Float RGB (row 0 at the top) → bytes for the wire. */
function textureBytes(texture: Texture): NonNullable<ActiveHeadModel['albedo']> {
  const rgb = new Uint8Array(texture.data.length);
  for (let i = 0; i < rgb.length; i++) rgb[i] = Math.round(Math.min(1, Math.max(0, texture.data[i])) * 255);
  return { rgb, height: texture.height, width: texture.width };
}

/**
 * The mean albedo from the researcher's DECA folder: the mean of a texture space (BFM-derived
 * first, DECA's default), else mean_texture.jpg; null when there is none (flat albedo).
 */
async function decaAlbedo(deca: string): Promise<ActiveHeadModel['albedo']> {
  for (const name of albedoSpaces) {
    const path = join(deca, name);
    if (existsSync(path)) return textureBytes(textureFromCode(await loadTextureSpace(path, 1), [], 256));
  }
  const image = join(deca, albedoImage);
  return existsSync(image) ? textureBytes(await loadTextureImage(image)) : null;
}

/** The viewport service's dependencies over these sources. */
export function headModelDeps(sources: HeadModelSources) {
  return {
    activeModelKey: () => locateHeadModel(sources).key,
    loadActiveModel: () => loadHeadModel(locateHeadModel(sources)),
  };
}

/** The researcher's files from the remembered asset paths (Settings), or null when unset. */
export function flameFilesFrom(store: { current(): ModelAssetPaths }): () => FlameFiles | null {
  return () => {
    const paths = store.current();
    return paths.modelPath ? { modelPath: paths.modelPath, decaDataDir: paths.decaDataDir } : null;
  };
}
