/**
 * Model assets: checks the researcher's FLAME file and DECA data folder and says, file by file,
 * what is there, what is missing and what is wrong; remembers the chosen paths in
 * `<dataDir>/flame-assets.json`.
 */

import { existsSync, readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AssetCheck, ModelAssetPaths, ModelAssetReport } from '../../common/contract/flame';
import type { FlameModel } from '../../common/flame/model';
import { readNpy } from '../io/npy';
import { loadLandmarkEmbedding } from './landmarkEmbedding';
import { loadFlameModel } from './loadModel';
import { loadTextureImage, loadTextureSpace, loadUvLayout } from './textureSpace';
import { writeFileAtomic } from '../library/atomicFile';

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Files of DECA's data folder this app uses, in the order the report lists them. */
const decaFiles: { name: string; required: boolean; neededFor: string; check: (path: string, model: FlameModel | null) => Promise<string> }[] = [
  {
    name: 'landmark_embedding.npy', required: true, neededFor: 'landmarks (the 68-point overlay and DECA fitting)',
    check: async (path, model) => {
      const embedding = await loadLandmarkEmbedding(path, model ? model.faces.length / 3 : Number.MAX_SAFE_INTEGER);
      return `${embedding.staticFaces.length} static + 17 contour landmarks in ${embedding.binCount} yaw bins`;
    },
  },
  {
    name: 'head_template.obj', required: true, neededFor: 'UVs for the albedo texture',
    check: async (path, model) => {
      const uv = await loadUvLayout(path, model ? { vertexCount: model.vertexCount, faceCount: model.faces.length / 3 } : { vertexCount: 5023, faceCount: 9976 });
      return `${uv.coords.length / 2} texture coordinates`;
    },
  },
  {
    name: 'FLAME_albedo_from_BFM.npz', required: false, neededFor: 'albedo from DECA texture codes (BFM-derived space, what DECA uses by default)',
    check: async (path) => { const s = await loadTextureSpace(path, 1); return `${s.size}² texture space`; },
  },
  {
    name: 'FLAME_texture.npz', required: false, neededFor: 'albedo from DECA texture codes (FLAME texture space)',
    check: async (path) => { const s = await loadTextureSpace(path, 1); return `${s.size}² texture space`; },
  },
  {
    name: 'mean_texture.jpg', required: false, neededFor: 'a default albedo when there is no texture space',
    check: async (path) => { const t = await loadTextureImage(path); return `${t.width}×${t.height} image`; },
  },
  {
    name: 'deca_model.tar', required: false, neededFor: 'DECA estimation of photos',
    check: async (path) => {
      const size = statSync(path).size;
      if (size < 1024) throw new Error(`${size} bytes: too small for a DECA checkpoint`);
      return `${(size / 2 ** 20).toFixed(0)} MB (read when estimating)`;
    },
  },
  {
    name: 'fixed_displacement_256.npy', required: false, neededFor: "DECA's detail branch (not used by DiffusionRig's buffers)",
    check: async (path) => { const a = readNpy(await readFile(path), 'fixed_displacement_256.npy'); return `shape (${a.shape.join(', ')})`; },
  },
];

/** Checks the FLAME model file and the DECA data folder; never throws for bad files. */
export async function checkModelAssets(paths: ModelAssetPaths): Promise<ModelAssetReport> {
  const checks: AssetCheck[] = [];
  let model: FlameModel | null = null;
  const modelCheck: AssetCheck = { name: 'FLAME model', path: paths.modelPath, status: 'missing', neededFor: 'the head (skinning, export, buffers)', required: true, message: '' };
  if (!paths.modelPath) {
    modelCheck.message = 'not set: choose generic_model.pkl (FLAME 2020) or flame2023*.pkl from the FLAME website; until then the demo head (not FLAME) is used';
  } else if (!existsSync(paths.modelPath) || !statSync(paths.modelPath).isFile()) {
    modelCheck.message = `${paths.modelPath} does not exist or is not a file`;
  } else {
    try {
      model = await loadFlameModel(paths.modelPath);
      modelCheck.status = 'ok';
      modelCheck.message = `${model.vertexCount} vertices, ${model.faces.length / 3} faces; using ${model.shapeCount} identity and ${model.expressionCount} expression components`;
    } catch (error) {
      modelCheck.status = 'invalid';
      modelCheck.message = message(error);
    }
  }
  checks.push(modelCheck);

  const dir = paths.decaDataDir;
  const dirOk = dir !== null && existsSync(dir) && statSync(dir).isDirectory();
  if (!dirOk) {
    checks.push({
      name: 'DECA data folder', path: dir, status: 'missing', neededFor: 'landmarks, UVs and albedo', required: true,
      message: dir ? `${dir} does not exist or is not a folder` : "not set: choose DECA's data folder (the one holding landmark_embedding.npy and head_template.obj)",
    });
  } else {
    for (const file of decaFiles) {
      const path = join(dir, file.name);
      const check: AssetCheck = { name: file.name, path, status: 'ok', neededFor: file.neededFor, required: file.required, message: '' };
      if (!existsSync(path)) {
        check.status = file.required ? 'missing' : 'absent';
        check.message = file.required ? `missing from ${dir}` : 'not there (optional)';
      } else {
        try {
          check.message = await file.check(path, model);
        } catch (error) {
          check.status = 'invalid';
          check.message = message(error);
        }
      }
      checks.push(check);
    }
  }
  return {
    paths,
    ok: checks.every((c) => !c.required || c.status === 'ok'),
    checks,
    model: model && { vertexCount: model.vertexCount, faceCount: model.faces.length / 3, shapeComponents: model.shapeCount, expressionComponents: model.expressionCount },
  };
}

/** Remembers the chosen asset paths in `<dataDir>/flame-assets.json` (written atomically). */
export class ModelAssetStore {
  private readonly file: string;

  constructor(dataDir: string) {
    this.file = join(dataDir, 'flame-assets.json');
  }

  /** The remembered paths (nulls when never set or when the file is damaged). */
  async get(): Promise<ModelAssetPaths> {
    return this.current();
  }

  /** The same, synchronously (a small JSON file), for callers such as the viewport's model lookup. */
  current(): ModelAssetPaths {
    try {
      const data = JSON.parse(readFileSync(this.file, 'utf8')) as Partial<ModelAssetPaths>;
      const text = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : null);
      return { modelPath: text(data.modelPath), decaDataDir: text(data.decaDataDir) };
    } catch {
      return { modelPath: null, decaDataDir: null };
    }
  }

  async set(paths: ModelAssetPaths): Promise<void> {
    await writeFileAtomic(this.file, JSON.stringify(paths, null, 2));
  }
}
