/**
 * DiffusionRig as the app runs it: a checked state dict + inferred config, and the ONNX
 * graphs of its two networks (UNet ε-predictor, ResNet latent encoder) for a given batch and
 * image size. Graph builders take a ParameterSource so training code can build the same
 * forward pass with parameters as graph inputs.
 */
import type { StateDict } from '../checkpoint/stateDict';
import { shapesOf, stripKeyPrefix } from '../checkpoint/stateDict';
import { GraphBuilder } from '../nn/builder';
import type { Graph } from '../nn/ir';
import { symbolicBatch } from '../nn/ir';
import type { DiffusionRigConfig } from './config';
import type { ArchitectureOverrides } from './infer';
import { compareKeys, describeKeyReport, inferArchitecture } from './infer';
import type { ParameterSource, TrainingHooks } from './layers';
import { initializerSource, inputSource } from './layers';
import { buildEncoder } from './resnet';
import { buildUNet } from './unet';

/** Graph input/output names used by the app's DiffusionRig graphs. */
export const unetIo = Object.freeze({ x: 'x', timesteps: 'timesteps', physical: 'physical', latent: 'latent', shape: 'shape', identity: 'identity', eps: 'eps' });
export const encoderIo = Object.freeze({ image: 'image', latent: 'latent' });

/** Where parameters come from: a state dict (initialisers) or graph inputs (training). */
export type ParameterMode = { kind: 'initializers'; stateDict: StateDict } | { kind: 'inputs' } | { kind: 'custom'; source: (b: GraphBuilder) => ParameterSource };

function source(b: GraphBuilder, mode: ParameterMode): ParameterSource {
  if (mode.kind === 'initializers') return initializerSource(b, mode.stateDict);
  if (mode.kind === 'inputs') return inputSource(b);
  return mode.source(b);
}

/**
 * Batch and image size of a graph. With `symbolicBatch`, N is the symbol 'N' in the model (one
 * session serves every batch size; `batch` is only the size the IR is built and checked at).
 */
export interface GraphShape {
  batch: number;
  imageSize: number;
  symbolicBatch?: boolean;
}

/**
 * UNet graph: inputs x [N,3,S,S], timesteps [N] (float32), physical [N,C−3,S,S], latent [N,L]
 * (and for DiffusionRig-EMO v2 shape [N,100] and identity [N,150]); output eps.
 */
export function unetGraph(
  config: DiffusionRigConfig,
  parameters: ParameterMode,
  shape: GraphShape,
  hooks: TrainingHooks = {},
): Graph {
  const b = new GraphBuilder();
  b.graph.name = 'diffusionrig-unet';
  const { batch, imageSize } = shape;
  const u = config.unet;
  const x = b.input(unetIo.x, 'float32', [batch, 3, imageSize, imageSize]);
  const timesteps = b.input(unetIo.timesteps, 'float32', [batch]);
  const physical = b.input(unetIo.physical, 'float32', [batch, u.inChannels - 3, imageSize, imageSize]);
  const latent = b.input(unetIo.latent, 'float32', [batch, u.latentDim]);
  const face = u.faceCondition;
  const condition = face ? { shape: b.input(unetIo.shape, 'float32', [batch, face.shapeDim]), identity: b.input(unetIo.identity, 'float32', [batch, face.identityDim]) } : {};
  const eps = buildUNet(b, u, source(b, parameters), { x, timesteps, physical, latent, ...condition }, { hooks });
  b.output(eps, unetIo.eps);
  return shape.symbolicBatch ? symbolicBatch(b.graph) : b.graph;
}

/** Encoder graph: image [N,3,S,S] in [-1,1] → latent [N,L]. */
export function encoderGraph(
  config: DiffusionRigConfig,
  parameters: ParameterMode,
  shape: GraphShape,
  options: { batchStatistics?: boolean } = {},
): Graph {
  const b = new GraphBuilder();
  b.graph.name = 'diffusionrig-encoder';
  const image = b.input(encoderIo.image, 'float32', [shape.batch, 3, shape.imageSize, shape.imageSize]);
  b.output(buildEncoder(b, config.encoder, source(b, parameters), image, { batchStatistics: options.batchStatistics }), encoderIo.latent);
  return shape.symbolicBatch ? symbolicBatch(b.graph) : b.graph;
}

/** A state dict checked against its (inferred or given) architecture. */
export interface DiffusionRigWeights {
  config: DiffusionRigConfig;
  stateDict: StateDict;
  /** Wrapper prefix stripped from the keys ('' when none). */
  strippedPrefix: string;
}

/**
 * Checks a state dict: strips wrapper prefixes, infers the architecture (overrides win), and
 * verifies keys one-to-one. Errors start with `what` (the file).
 */
export function loadDiffusionRig(stateDict: StateDict, what: string, overrides: ArchitectureOverrides = {}, config?: DiffusionRigConfig): DiffusionRigWeights {
  const stripped = stripKeyPrefix(stateDict, ['denoisingUNet.', 'encoder.']);
  const shapes = shapesOf(stripped.stateDict);
  let resolved: DiffusionRigConfig;
  try {
    resolved = config ?? inferArchitecture(shapes, overrides);
    if (config) {
      const report = compareKeys(shapes, config);
      if (report.missing.length + report.unexpected.length + report.wrongShape.length > 0) {
        throw new Error(`state dict does not match the given architecture:\n${describeKeyReport(report)}`);
      }
    }
  } catch (error) {
    throw new Error(`${what}: ${(error as Error).message}`, { cause: error });
  }
  for (const [key, tensor] of stripped.stateDict) {
    if (tensor.dtype !== 'float32' && !key.endsWith('num_batches_tracked')) throw new Error(`${what}: ${key} is ${tensor.dtype}, expected floating point`);
  }
  return { config: resolved, stateDict: stripped.stateDict, strippedPrefix: stripped.prefix };
}
