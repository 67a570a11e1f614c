/**
 * The compute host's step of estimation (request kind 'estimatePhoto', src/main/engine): one
 * photo through the pipeline (pipeline.ts), its aligned crop and DECA's crop written as PNGs,
 * the rest returned as plain data. The face detector, mesh, emotion and DECA/EMOCA sessions
 * live on the host's one backend with every other session of the product; estimators are
 * built once per host and per estimator spec (loading a checkpoint or a head model takes
 * seconds).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { OnnxBackend } from '../nn/backend';
import { encodePng, loadImage } from '../face/image';
import { loadDecaModel, loadEmocaModel } from './deca';
import { loadFittingHead } from './head';
import type { EstimateProblem, PhotoEstimate } from './pipeline';
import { EstimateError, PhotoEstimator } from './pipeline';

/** Which estimator, by the files it needs (job parameters). */
export const estimatorSpec = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('deca'), checkpoint: z.string().min(1) }),
  z.object({ kind: z.literal('emoca'), checkpoint: z.string().min(1), config: z.string().min(1) }),
  z.object({ kind: z.literal('fit'), flameModel: z.string().min(1).nullable().default(null), decaDataDir: z.string().min(1).nullable().default(null) }),
]);
export type EstimatorSpec = z.infer<typeof estimatorSpec>;

/** Input of the `estimatePhoto` request. */
export interface EstimatePhotoInput {
  imagePath: string;
  /** Which detected face (when the user chose one among several). */
  faceIndex?: number;
  spec: EstimatorSpec;
  /** Where the aligned 256 crop is written (PNG). */
  alignedOut: string;
  /** Where DECA's 224 crop of it is written (PNG). */
  decaOut: string;
  cacheDir?: string;
}

/** Output: the estimate without pixels, or the problem that stopped it. */
export type EstimatePhotoOutput = { ok: true; estimate: Omit<PhotoEstimate, 'aligned' | 'decaCrop'> } | { ok: false; problem: EstimateProblem; message: string; faceBoxes: [number, number, number, number][] };

async function makeEstimator(backend: OnnxBackend, spec: EstimatorSpec, cacheDir?: string): Promise<PhotoEstimator> {
  const options = { cacheDir };
  if (spec.kind === 'deca') return new PhotoEstimator(backend, { kind: 'deca', model: loadDecaModel(spec.checkpoint) }, options);
  if (spec.kind === 'emoca') return new PhotoEstimator(backend, { kind: 'emoca', model: loadEmocaModel(spec.checkpoint, spec.config) }, options);
  const files = spec.flameModel ? { modelPath: spec.flameModel, decaDataDir: spec.decaDataDir } : null;
  return new PhotoEstimator(backend, { kind: 'fit', head: await loadFittingHead(files) }, options);
}

/** The estimator of a spec on `backend`, built once per spec (a failed build is not kept). */
export type EstimatorCache = (spec: EstimatorSpec, cacheDir?: string) => Promise<PhotoEstimator>;

export function estimatorCache(backend: OnnxBackend): EstimatorCache {
  const estimators = new Map<string, Promise<PhotoEstimator>>();
  return (spec, cacheDir) => {
    const key = JSON.stringify(spec);
    let pending = estimators.get(key);
    if (!pending) {
      pending = makeEstimator(backend, spec, cacheDir);
      pending.catch(() => estimators.delete(key));
      estimators.set(key, pending);
    }
    return pending;
  };
}

/** Photo estimation with `estimators`: the returned function estimates one photo. */
export function photoEstimation(estimators: EstimatorCache): (input: EstimatePhotoInput) => Promise<EstimatePhotoOutput> {
  return async (input) => {
    const estimator = await estimators(input.spec, input.cacheDir);
    const image = await loadImage(input.imagePath);
    try {
      const { aligned, decaCrop, ...estimate } = await estimator.estimate(image, input.faceIndex);
      for (const [path, picture] of [[input.alignedOut, aligned], [input.decaOut, decaCrop]] as const) {
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, await encodePng(picture));
      }
      return { ok: true, estimate };
    } catch (error) {
      if (error instanceof EstimateError) return { ok: false, problem: error.problem, message: error.message, faceBoxes: error.faceBoxes };
      throw error;
    }
  };
}
