/**
 * The face models: which files of the @vladmandic/human npm package they come from, how they
 * are converted to ONNX (first use, into a cache directory, reproducibly from the package), and
 * loading them into ONNX Runtime sessions. Origins and licences: resources/face-models/.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ModelSession, OnnxBackend } from '../nn/backend';
import { readTfjsGraphModel } from './tfjs/graphModel';
import { tfjsToOnnx } from './tfjs/convert';
import { writeFileAtomicSync } from '../library/atomicFile';

/** Bumped whenever the converter's output for the same source changes. */
export const converterVersion = 1;

/** One face model and the meaning of its ONNX outputs. */
export interface FaceModelSpec {
  id: 'blazeface' | 'facemesh' | 'emotion' | 'faceres';
  /** model.json inside the package's models/ folder. */
  file: string;
  /** NCHW input shape after conversion (batch 1). */
  inputShape: number[];
  /** Output role → ONNX output name (the TF node name). */
  outputs: Record<string, string>;
}

/** The models the pipeline uses (faceres: the face embedding that scores identity). */
export const faceModels: Readonly<Record<FaceModelSpec['id'], FaceModelSpec>> = Object.freeze({
  blazeface: {
    id: 'blazeface',
    file: 'blazeface.json',
    inputShape: [1, 3, 256, 256],
    // 16×16×2 anchors (512) and 8×8×6 anchors (384): regressors and logits of each
    outputs: { regressors512: 'Identity_2', logits512: 'Identity', regressors384: 'Identity_3', logits384: 'Identity_1' },
  },
  facemesh: {
    id: 'facemesh',
    file: 'facemesh.json',
    inputShape: [1, 3, 192, 192],
    outputs: { mesh: 'Identity_2', faceFlag: 'Identity_1', contours: 'Identity' },
  },
  emotion: {
    id: 'emotion',
    file: 'emotion.json',
    inputShape: [1, 1, 64, 64],
    outputs: { probabilities: 'Identity' },
  },
  faceres: {
    id: 'faceres',
    file: 'faceres.json',
    inputShape: [1, 3, 224, 224],
    // HSE FaceRes (MobileNet): the 1024-d pooled features are the descriptor human compares faces with
    outputs: { embedding: 'global_pooling/Mean', gender: 'gender_pred/Sigmoid', age: 'age_pred/Softmax' },
  },
});

/** The @vladmandic/human package: its models folder and version. */
export function humanPackage(): { modelsDir: string; version: string } {
  // the package's `exports` hide package.json from require.resolve, so search node_modules folders
  const folders = createRequire(__filename).resolve.paths('@vladmandic/human') ?? [];
  const pkgJson = folders.map((f) => join(f, '@vladmandic', 'human', 'package.json')).find((p) => existsSync(p));
  if (!pkgJson) throw new Error('the npm package @vladmandic/human is not installed (it ships the face models); run npm install');
  const version = String(JSON.parse(readFileSync(pkgJson, 'utf8')).version);
  return { modelsDir: join(dirname(pkgJson), 'models'), version };
}

/** Default cache folder: $RIG_STUDIO_CACHE, else $XDG_CACHE_HOME/rig-studio, else ~/.cache/rig-studio. */
export function defaultCacheDir(): string {
  if (process.env.RIG_STUDIO_CACHE) return process.env.RIG_STUDIO_CACHE;
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'rig-studio');
}

/**
 * ONNX bytes of a face model: read from `cacheDir/face-models/` when a conversion of the same
 * source (content hash) by the same converter version is there, else converted now and
 * written there (atomically). Without a writable cache the bytes are simply returned.
 */
export function faceModelOnnx(spec: FaceModelSpec, cacheDir: string = defaultCacheDir()): Uint8Array {
  const { modelsDir, version } = humanPackage();
  const jsonPath = join(modelsDir, spec.file);
  const model = readTfjsGraphModel(jsonPath);
  const hash = createHash('sha256');
  hash.update(readFileSync(jsonPath));
  for (const w of model.weights.values()) hash.update(new Uint8Array(w.data.buffer, w.data.byteOffset, w.data.byteLength));
  const key = `${spec.id}-human${version}-c${converterVersion}-${hash.digest('hex').slice(0, 16)}.onnx`;
  const cached = join(cacheDir, 'face-models', key);
  if (existsSync(cached)) return new Uint8Array(readFileSync(cached));
  const { bytes, converted } = tfjsToOnnx(model, {
    metadata: { package: `@vladmandic/human@${version}`, file: `models/${spec.file}`, converterVersion: String(converterVersion) },
  });
  const shape = converted.inputShape.join(',');
  if (shape !== spec.inputShape.join(',')) throw new Error(`${jsonPath}: converted input [${shape}] differs from expected [${spec.inputShape.join(',')}]`);
  for (const name of Object.values(spec.outputs)) {
    if (![...converted.outputs.values()].includes(name)) throw new Error(`${jsonPath}: converted model lacks output ${name}`);
  }
  try {
    writeFileAtomicSync(cached, bytes);
  } catch {
    // a read-only cache only costs a conversion per run
  }
  return bytes;
}

/** Loads (once per backend) the session of a face model. */
export function loadFaceModel(backend: OnnxBackend, spec: FaceModelSpec, cacheDir?: string): Promise<ModelSession> {
  return backend.load(`face/${spec.id}`, () => faceModelOnnx(spec, cacheDir));
}
