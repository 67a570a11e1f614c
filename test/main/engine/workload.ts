/**
 * Work for the compute host in tests and bench/engine: a tiny DiffusionRig checkpoint
 * (test/helpers/tinyDiffusionRig.ts) as the host's model, a DDIM batch of it, and a
 * fine-tuning run on synthetic pairs. Sizes and step counts are the caller's, so a pass can be
 * made long enough to matter.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SamplerSettings } from '../../../src/common/contract/edit';
import type { DiffusionRigConfig } from '../../../src/main/models/config';
import type { KitModel } from '../../../src/main/diffusion/kit';
import type { SampleInput } from '../../../src/main/engine/coreTasks';
import type { FinetuneInput } from '../../../src/main/train/hostTasks';
import { tinyConfig, writeTinyCheckpoint } from '../../helpers/editFixture';

/** A checkpoint written under `dir`, as the host loads it. */
export function tinyModel(dir: string, seed = 7, config: DiffusionRigConfig = tinyConfig): KitModel {
  const filePath = writeTinyCheckpoint(dir, seed, { config });
  return { name: `tiny-${seed}`, sha256: createHash('sha256').update(readFileSync(filePath)).digest('hex'), filePath, config };
}

function wave(length: number, phase: number, scale = 1): Float32Array {
  return Float32Array.from({ length }, (_, i) => scale * Math.sin(i * 0.013 + phase));
}

/** One DDIM batch of `batch` items at `size` px, `steps` steps (η = 0, no inversion unless asked). */
export function sampleInput(model: KitModel, size: number, steps: number, options: { batch?: number; inversion?: boolean; seed?: number } = {}): SampleInput {
  const sampler: SamplerSettings = { steps, eta: 0, clip: true, inversion: options.inversion ?? false, seed: options.seed ?? 5 };
  const items = Array.from({ length: options.batch ?? 1 }, (_, k) => {
    const sourceImage = wave(3 * size * size, k, 0.8);
    const physical = wave(9 * size * size, k + 1, 0.5);
    return { sourceImage, sourcePhysical: physical, physical, latentImage: sourceImage };
  });
  return { model, imageSize: size, sampler, items };
}

/**
 * A fine-tuning run of `steps` steps on `pairs` synthetic pairs at `size` px, batch 2 by default:
 * train-mode BatchNorm needs more than one value per channel, and at 16 px the encoder's last
 * stages are 1 × 1.
 */
export function finetuneInput(model: KitModel, dir: string, size: number, steps: number, options: { pairs?: number; batchSize?: number; checkpointInterval?: number } = {}): FinetuneInput {
  const channels = model.config.unet.inChannels - 3;
  const pairs = Array.from({ length: options.pairs ?? 2 }, (_, k) => ({ image: wave(3 * size * size, k, 0.7), physical: wave(channels * size * size, k + 2, 0.5) }));
  return {
    model,
    pairs,
    settings: { batchSize: options.batchSize ?? 2, learningRate: 1e-4, seed: 3, imageSize: size, steps, checkpointInterval: options.checkpointInterval ?? steps, precision: 'float32' },
    stateDir: join(dir, 'train-state'),
    outputDir: join(dir, 'models'),
  };
}
