import { afterAll, describe, expect, it } from 'vitest';
import { OnnxBackend } from '../../../src/main/nn/backend';
import { randomWeights } from '../../../src/main/train/init';
import { Trainer, type TrainerSettings } from '../../../src/main/train/trainer';
import { syntheticAlbum, tinyConfig, size } from './tiny';

// Stage 2 bakes the frozen encoder's weights into the train-step graph, so two base models of one
// architecture must not share a cached session: the tag (the base model's hash) tells them apart.
describe('train-step session cache', () => {
  const shared = new OnnxBackend({ providers: ['cpu'], graphOptimizationLevel: 'basic' });
  const fresh = new OnnxBackend({ providers: ['cpu'], graphOptimizationLevel: 'basic' });
  afterAll(() => Promise.all([shared.disposeAll(), fresh.disposeAll()]));
  const pairs = syntheticAlbum();
  const settings: TrainerSettings = { batchSize: 2, learningRate: 1e-3, seed: 1, imageSize: size };
  const firstLoss = async (backend: OnnxBackend, seed: number, tag: string) =>
    (await (await Trainer.create({ backend, config: tinyConfig, weights: randomWeights(tinyConfig, seed), pairs, settings, tag })).step()).loss;

  it('gives a second base model of the same architecture its own session', async () => {
    await firstLoss(shared, 1, 'model-a');
    const second = await firstLoss(shared, 2, 'model-b');
    expect(second).toBeCloseTo(await firstLoss(fresh, 2, 'model-b'), 6);
  }, 120_000);
});
