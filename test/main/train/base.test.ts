import { afterAll, describe, expect, it } from 'vitest';
import type { StateDict } from '../../../src/main/checkpoint/stateDict';
import { OnnxBackend } from '../../../src/main/nn/backend';
import { isZeroInitialised, stage1ChannelMult, stage1Config, stage1Trainable, stage1Weights } from '../../../src/main/train/base';
import { Trainer, type TrainerSettings } from '../../../src/main/train/trainer';
import { syntheticAlbum, tinyConfig, size } from './tiny';

const settings: TrainerSettings = { batchSize: 4, learningRate: 2e-3, seed: 5, imageSize: size, trainable: 'all' };

function worstDifference(a: StateDict, b: StateDict): number {
  let worst = 0;
  for (const [key, tensor] of a) {
    const x = tensor.data as Float32Array;
    const y = b.get(key)!.data as Float32Array;
    for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(Number(x[i]) - Number(y[i])));
  }
  return worst;
}

const copy = (dict: StateDict): StateDict => new Map([...dict].map(([k, t]) => [k, { ...t, data: t.data.slice() } as typeof t]));

describe('stage-1 training (UNet and encoder from fresh weights)', () => {
  const backend = new OnnxBackend({ providers: ['cpu'], graphOptimizationLevel: 'basic' });
  const pairs = syntheticAlbum();
  afterAll(() => backend.disposeAll());

  it('zero-initialises the convs guided-diffusion wraps in zero_module, and only those', () => {
    const weights = stage1Weights(tinyConfig, 1);
    const zeroed = [...weights.keys()].filter(isZeroInitialised);
    expect(zeroed).toContain('denoisingUNet.out.2.weight');
    expect(zeroed.some((k) => k.endsWith('.proj_out.weight'))).toBe(true);
    expect(zeroed.some((k) => k.endsWith('.out_layers.3.bias'))).toBe(true);
    for (const key of zeroed) expect((weights.get(key)!.data as Float32Array).every((v) => v === 0), key).toBe(true);
    // every other conv/linear weight is random
    expect((weights.get('denoisingUNet.input_blocks.0.0.weight')!.data as Float32Array).some((v) => v !== 0)).toBe(true);
    expect((weights.get('encoder.fc.weight')!.data as Float32Array).some((v) => v !== 0)).toBe(true);
    expect(stage1Trainable('encoder.bn1.running_mean')).toBe(false);
    expect(stage1Trainable('encoder.bn1.weight')).toBe(true);
  });

  it('builds the configuration a user picks and refuses one that cannot be built', () => {
    expect(stage1ChannelMult(64)).toEqual([1, 2, 3, 4]);
    expect(stage1ChannelMult(32)).toEqual([1, 2, 2]);
    const base = { imageSize: 32, channels: 32, resBlocks: 1, attentionResolutions: [16], heads: 1, dropout: 0.1, encoder: 'resnet18' as const, latentDim: 64 };
    const config = stage1Config(base);
    expect(config.unet).toMatchObject({ modelChannels: 32, channelMult: [1, 2, 2], attentionDownsampleRates: [2], numResBlocks: 1 });
    expect(config.encoder).toMatchObject({ block: 'basic', layers: [2, 2, 2, 2], latentDim: 64 });
    expect(() => stage1Config({ ...base, attentionResolutions: [12] })).toThrow(/attention at 12 px: the UNet's levels are at 32, 16, 8 px/);
    expect(() => stage1Config({ ...base, channels: 40 })).toThrow(/multiple of 32/);
    expect(() => stage1Config({ ...base, channelMult: [1, 1, 1, 1, 1, 1, 1] })).toThrow(/levels/);
  });

  it('moves encoder and UNet parameters, updates BatchNorm statistics, and the loss falls', async () => {
    const weights = stage1Weights(tinyConfig, 2);
    const start = copy(weights);
    const trainer = await Trainer.create({ backend, config: tinyConfig, weights, pairs, settings });
    const keys = trainer.graph.parameters.map((p) => p.key);
    expect(keys.some((k) => k.startsWith('encoder.'))).toBe(true);
    expect(keys.filter((k) => k.startsWith('denoisingUNet.')).length).toBeGreaterThan(10);
    expect(trainer.graph.buffers.some((b) => b.key.endsWith('running_mean'))).toBe(true);
    const losses: number[] = [];
    const started = performance.now();
    for (let i = 0; i < 30; i++) losses.push((await trainer.step()).loss);
    const secondsPerStep = (performance.now() - started) / 30000;
    const trained = await trainer.trainedParameters();
    const moved = (key: string) => worstDifference(new Map([[key, start.get(key)!]]), new Map([[key, trained.get(key)!]])) > 0;
    expect(moved('encoder.conv1.weight')).toBe(true);
    expect(moved('encoder.fc.weight')).toBe(true);
    expect(moved('denoisingUNet.out.2.weight')).toBe(true); // zero at the start
    expect(moved('denoisingUNet.input_blocks.0.0.weight')).toBe(true);
    expect(moved('encoder.bn1.running_mean')).toBe(true);
    expect(moved('encoder.bn1.running_var')).toBe(true);
    expect(trained.get('encoder.bn1.num_batches_tracked')!.data[0]).toBe(30n);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const first = mean(losses.slice(0, 5));
    const last = mean(losses.slice(-5));
    console.log(`stage 1 tiny (16 px, batch 4): loss ${first.toFixed(4)} → ${last.toFixed(4)} (means of the first and last 5 of 30 steps), ${secondsPerStep.toFixed(3)} s/step`);
    expect(last).toBeLessThan(0.6 * first);
  }, 120_000);

  it('is deterministic: two runs of the same first steps give the same parameters', async () => {
    const run = async () => {
      const trainer = await Trainer.create({ backend, config: tinyConfig, weights: stage1Weights(tinyConfig, 3), pairs, settings: { ...settings, seed: 9 } });
      for (let i = 0; i < 5; i++) await trainer.step();
      return await trainer.trainedParameters();
    };
    const a = await run();
    const b = await run();
    expect(a.size).toBeGreaterThan(20);
    expect(worstDifference(a, b)).toBeLessThan(1e-6);
  }, 120_000);
});
