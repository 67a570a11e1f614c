/**
 * Reading and checking a DiffusionRig checkpoint as a worker-thread task (registered in
 * src/main/app/workerTasks.ts as 'inspectCheckpoint'): parsing hundreds of MB of pickle/zip and
 * inferring the architecture must not block the main thread. Returns only small, cloneable
 * facts; the weights are read again where they are used.
 */
import { createHash } from 'node:crypto';
import { readCheckpoint } from '../checkpoint';
import { shapesOf } from '../checkpoint/stateDict';
import type { DiffusionRigConfig } from './config';
import { loadDiffusionRig } from './diffusionrig';
import type { ArchitectureOverrides } from './infer';
import { parameterCount } from './infer';

export interface InspectCheckpointInput {
  path: string;
  overrides?: ArchitectureOverrides;
}

export interface CheckpointFacts {
  path: string;
  format: 'torch-zip' | 'safetensors' | 'npz';
  sizeBytes: number;
  sha256: string;
  config: DiffusionRigConfig;
  parameters: { unet: number; encoder: number; total: number };
  /** Wrapper prefix stripped from the keys ('' when none). */
  strippedPrefix: string;
}

/** Reads, hashes and checks a checkpoint; throws a message naming the file when it is not a usable DiffusionRig model. */
export async function inspectCheckpoint(input: InspectCheckpointInput): Promise<CheckpointFacts> {
  const checkpoint = readCheckpoint(input.path);
  const weights = loadDiffusionRig(checkpoint.stateDict, checkpoint.path, input.overrides);
  // hash what was read, so the registry entry describes exactly these bytes
  const sha256 = createHash('sha256').update(checkpoint.bytes).digest('hex');
  return {
    path: checkpoint.path,
    format: checkpoint.format,
    sizeBytes: checkpoint.sizeBytes,
    sha256,
    config: weights.config,
    parameters: parameterCount(shapesOf(weights.stateDict)),
    strippedPrefix: weights.strippedPrefix,
  };
}

/** The worker task checkpoint inspection needs from a pool. */
export type InspectTasks = { inspectCheckpoint: typeof inspectCheckpoint };

/** The registry fields of an imported (base) checkpoint read from `path`, as a model-import job or the demo registers it. */
export function importedModelFields(facts: CheckpointFacts, path: string) {
  return {
    kind: 'base' as const,
    sourcePath: path,
    filePath: path,
    format: facts.format,
    sha256: facts.sha256,
    sizeBytes: facts.sizeBytes,
    config: facts.config,
    parameterCount: facts.parameters.total,
    baseModelId: null,
  };
}
