import { afterAll, describe, expect, it } from 'vitest';
import { readCheckpointBytes } from '../../../src/main/checkpoint';
import { readSafetensors, writeSafetensors } from '../../../src/main/checkpoint/safetensors';
import { writeTorchCheckpoint } from '../../../src/main/checkpoint/torchWriter';
import { OnnxBackend } from '../../../src/main/nn/backend';
import { randomWeights } from '../../../src/main/train/init';
import { mergeTrained } from '../../../src/main/train/personalised';
import { batchNormMomentum } from '../../../src/main/train/trainStep';
import { Trainer } from '../../../src/main/train/trainer';
import { syntheticAlbum, tinyConfig, size } from './tiny';

// Upstream stage 2 keeps the frozen encoder in train mode, so every forward updates its
// BatchNorm buffers; the personalised model and its .pt must carry them.
describe('BatchNorm buffers during stage 2', () => {
  const backend = new OnnxBackend({ providers: ['cpu'], graphOptimizationLevel: 'basic' });
  afterAll(() => backend.disposeAll());

  it('updates running_mean, running_var and num_batches_tracked every step and carries them into the saved model', async () => {
    const weights = randomWeights(tinyConfig, 3);
    for (const key of [...weights.keys()]) {
      if (key.endsWith('.running_mean')) weights.set(key.replace(/running_mean$/, 'num_batches_tracked'), { dtype: 'int64', shape: [], data: BigInt64Array.of(7n) });
    }
    const trainer = await Trainer.create({ backend, config: tinyConfig, weights, pairs: syntheticAlbum(), settings: { batchSize: 2, learningRate: 1e-3, seed: 1, imageSize: size } });
    const bnCount = [...weights.keys()].filter((k) => k.endsWith('.running_mean')).length;
    expect(trainer.graph.buffers).toHaveLength(3 * bnCount);
    await trainer.step();
    const afterOne = await trainer.trainedParameters();
    await trainer.step();
    const trained = await trainer.trainedParameters();
    const key = 'encoder.bn1';
    expect(trained.get(`${key}.num_batches_tracked`)!.data[0]).toBe(9n);
    const mean1 = afterOne.get(`${key}.running_mean`)!.data as Float32Array;
    const mean2 = trained.get(`${key}.running_mean`)!.data as Float32Array;
    const var1 = afterOne.get(`${key}.running_var`)!.data as Float32Array;
    // from (0, 1) one momentum step moves the mean to 0.1·batch mean and keeps the variance positive
    expect(Math.max(...mean1.map(Math.abs))).toBeGreaterThan(1e-4);
    expect(mean2.some((v, i) => Math.abs(v - mean1[i]) > 1e-6)).toBe(true);
    expect(var1.every((v) => v > 1 - batchNormMomentum)).toBe(true);

    // the personalised model's safetensors, and its --export-pt from that file, hold the updated buffers
    const saved = readSafetensors(writeSafetensors(mergeTrained(weights, trained), {}), 'person.safetensors').stateDict;
    const exported = readCheckpointBytes(writeTorchCheckpoint(saved, 'person'), 'person.pt').stateDict;
    for (const suffix of ['running_mean', 'running_var', 'num_batches_tracked']) {
      const name = `${key}.${suffix}`;
      expect(Array.from(exported.get(name)!.data as ArrayLike<unknown>), name).toEqual(Array.from(trained.get(name)!.data as ArrayLike<unknown>));
      expect(exported.get(name)!.dtype).toBe(suffix === 'num_batches_tracked' ? 'int64' : 'float32');
    }
  }, 120_000);
});
