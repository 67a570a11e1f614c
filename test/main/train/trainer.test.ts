import { describe, expect, it } from 'vitest';
import { OnnxBackend } from '../../../src/main/nn/backend';
import { randomWeights } from '../../../src/main/train/init';
import { Trainer, readTrainState, type TrainerSettings } from '../../../src/main/train/trainer';
import { size, syntheticAlbum, tinyConfig } from './tiny';

const settings: TrainerSettings = { batchSize: 2, learningRate: 2e-3, seed: 5, imageSize: size };

describe('stage-2 trainer on a tiny model', () => {
  const weights = randomWeights(tinyConfig, 1);
  const pairs = syntheticAlbum();
  // 'basic' optimisation: session creation of a train graph is 4x faster than with 'all'
  const backend = new OnnxBackend({ providers: ['cpu'], graphOptimizationLevel: 'basic' });

  it('lowers the loss over 50 steps, and a run stopped half way and resumed ends where the unbroken run ends', async () => {
    const unbroken = await Trainer.create({ backend, config: tinyConfig, weights, pairs, settings });
    expect(unbroken.graph.dropout.length).toBeGreaterThan(0);
    const losses: number[] = [];
    let saved: Uint8Array = new Uint8Array();
    for (let i = 0; i < 50; i++) {
      losses.push((await unbroken.step()).loss);
      if (i === 24) saved = await unbroken.saveState(); // "killed" here: everything a restart needs
    }
    expect(unbroken.stepCount).toBe(50);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    // timesteps are random, so compare averages over the first and last 15 steps
    if (process.env.TRAIN_REPORT) console.log('loss first/last 15 steps', mean(losses.slice(0, 15)), mean(losses.slice(-15)));
    expect(mean(losses.slice(-15))).toBeLessThan(0.6 * mean(losses.slice(0, 15)));

    const state = readTrainState(saved, 'state.safetensors');
    expect(Number(state.tensors.get('adam.step')!.data[0])).toBe(25);
    const resumed = await Trainer.create({ backend, config: tinyConfig, weights, pairs, settings, resume: { bytes: saved, path: 'state.safetensors' } });
    expect(resumed.stepCount).toBe(25);
    const resumedLosses: number[] = [];
    for (let i = 0; i < 25; i++) resumedLosses.push((await resumed.step()).loss);
    resumedLosses.forEach((loss, i) => expect(loss / losses[25 + i]).toBeCloseTo(1, 5));

    const ours = await resumed.trainedParameters();
    let worst = 0;
    for (const [key, tensor] of await unbroken.trainedParameters()) {
      const a = tensor.data as Float32Array;
      const b = ours.get(key)!.data as Float32Array;
      for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
    }
    expect(worst).toBeLessThan(1e-6);
    // and training really moved them
    const start = weights.get('denoisingUNet.out.2.weight')!.data as Float32Array;
    const end = ours.get('denoisingUNet.out.2.weight')!.data as Float32Array;
    expect(Math.max(...start.map((v, i) => Math.abs(v - end[i])))).toBeGreaterThan(1e-3);
    await backend.disposeAll();
  }, 120_000);

  it('trains to the same parameters with Adam in the graph, writing each update over its own input, as with Adam on the host', async () => {
    const host = await Trainer.create({ backend, config: tinyConfig, weights, pairs, settings, optimizer: 'host' });
    const graph = await Trainer.create({ backend, config: tinyConfig, weights, pairs, settings, optimizer: 'graph' });
    expect([host.graph.optimizer, graph.graph.optimizer]).toEqual(['host', 'graph']);
    const before = new Float32Array(weights.get('denoisingUNet.out.2.weight')!.data as Float32Array);
    for (let i = 0; i < 6; i++) {
      const [a, b] = [await host.step(), await graph.step()];
      expect(b.loss / a.loss).toBeCloseTo(1, 5);
    }
    // the updates went into the runner's buffers, never into the weights the run started from
    expect(weights.get('denoisingUNet.out.2.weight')!.data).toEqual(before);
    let worst = 0;
    const ours = await graph.trainedParameters();
    for (const [key, tensor] of await host.trainedParameters()) {
      const a = tensor.data as Float32Array;
      const b = ours.get(key)!.data as Float32Array;
      for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
    }
    expect(worst).toBeLessThan(1e-6);
    expect(Math.max(...before.map((v, i) => Math.abs(v - (ours.get('denoisingUNet.out.2.weight')!.data as Float32Array)[i])))).toBeGreaterThan(1e-4);
    await backend.disposeAll();
  }, 120_000);

  it('trains handed-over weights in place (adoptWeights) to the same parameters as a copying run, except tensors that share memory', async () => {
    const handed = new Map([...weights].map(([key, t]) => [key, { ...t, data: t.data.slice() }] as const));
    // two keys over one storage (as a checkpoint may have): neither may be trained in place
    const sharedKey = 'denoisingUNet.out.2.bias';
    const shared = handed.get(sharedKey)!;
    const alias = 'denoisingUNet.out.0.bias';
    expect(handed.get(alias)!.data.length).toBeGreaterThanOrEqual(shared.data.length);
    const storage = handed.get(alias)!.data as Float32Array<ArrayBuffer>;
    handed.set(sharedKey, { ...shared, data: storage.subarray(0, shared.data.length) });
    const reference = new Map([...weights].map(([key, t]) => [key, t.data.slice()] as const));
    reference.set(sharedKey, storage.slice(0, shared.data.length));
    // the same values, each tensor in its own memory, trained by a copying run
    const copying = await Trainer.create({ backend, config: tinyConfig, weights: new Map([...handed].map(([key, t]) => [key, { ...t, data: t.data.slice() }] as const)), pairs, settings });
    const adopting = await Trainer.create({ backend, config: tinyConfig, weights: handed, pairs, settings, adoptWeights: true });
    for (let i = 0; i < 3; i++) {
      await copying.step();
      await adopting.step();
    }
    const trained = await adopting.trainedParameters();
    const kernel = 'denoisingUNet.out.2.weight';
    expect(trained.get(kernel)!.data).toBe(handed.get(kernel)!.data); // the handed-over buffer itself
    expect(trained.get(sharedKey)!.data).not.toBe(handed.get(sharedKey)!.data);
    expect(handed.get(alias)!.data.slice(0, shared.data.length)).toEqual(reference.get(alias)!.slice(0, shared.data.length));
    expect(Array.from(trained.get(kernel)!.data as Float32Array)).toEqual(Array.from((await copying.trainedParameters()).get(kernel)!.data as Float32Array));
    await backend.disposeAll();
  }, 120_000);

  it('rejects a state file of another kind', () => {
    expect(() => readTrainState(new Uint8Array(4), 'bad.safetensors')).toThrow(/bad.safetensors/);
  });
});
