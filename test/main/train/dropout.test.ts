import { describe, expect, it } from 'vitest';
import { OnnxBackend } from '../../../src/main/nn/backend';
import { randomWeights } from '../../../src/main/train/init';
import { ResumableRandom } from '../../../src/main/train/random';
import { TrainStepRunner, type TrainBatch } from '../../../src/main/train/runner';
import { buildTrainStep } from '../../../src/main/train/trainStep';
import { size, tinyConfig } from './tiny';

describe('dropout in the train step', () => {
  const weights = randomWeights(tinyConfig, 6);
  const random = new ResumableRandom(8);
  const n = 2;
  const batch: TrainBatch = {
    x0: random.fillNormal(new Float32Array(n * 3 * size * size)).map(Math.tanh),
    physical: random.fillNormal(new Float32Array(n * 9 * size * size)),
    timesteps: BigInt64Array.of(300n, 700n),
    noise: random.fillNormal(new Float32Array(n * 3 * size * size)),
  };

  it('has one byte-mask input per ResBlock, applied after the second SiLU: all kept is the dropout-free loss scaled by 1/(1−p), a dropped block changes it', async () => {
    const backend = new OnnxBackend({ providers: ['cpu'], graphOptimizationLevel: 'basic' });
    try {
      // a rate so small that 1/(1−p) is 1 to float32 precision: all kept equals no dropout
      const faint = { ...tinyConfig, unet: { ...tinyConfig.unet, dropout: 1e-9 } };
      const withDropout = buildTrainStep({ config: faint, stateDict: weights, batch: n, imageSize: size });
      const strong = buildTrainStep({ config: { ...tinyConfig, unet: { ...tinyConfig.unet, dropout: 0.5 } }, stateDict: weights, batch: n, imageSize: size });
      const without = buildTrainStep({ config: tinyConfig, stateDict: weights, batch: n, imageSize: size, dropout: false });
      const resBlocks = [...weights.keys()].filter((k) => k.endsWith('.out_layers.3.weight')).length;
      expect(withDropout.dropout).toHaveLength(resBlocks);
      expect(withDropout.dropout.every((site) => site.rate === 1e-9 && site.input.endsWith('.out_layers.2'))).toBe(true);
      expect(withDropout.graph.inputs.filter((v) => v.name.startsWith('dropout.')).every((v) => v.dtype === 'bool')).toBe(true);
      expect(without.dropout).toHaveLength(0);

      const masks = (graph: typeof withDropout, fill: (site: number) => number) =>
        new Map(graph.dropout.map((site, i) => [site.input, new Uint8Array(site.shape.reduce((a, d) => a * d, 1)).fill(fill(i))]));
      const names = new Map([[withDropout, 'faint'], [strong, 'strong'], [without, 'without']]);
      const run = async (graph: typeof withDropout, dropoutMasks?: Map<string, Uint8Array>) =>
        (await new TrainStepRunner(await backend.load(names.get(graph)!, () => graph.graph), graph, weights).step({ ...batch, dropoutMasks }, 1e-4)).loss;
      const reference = await run(without);
      expect((await run(withDropout, masks(withDropout, () => 1))) / reference).toBeCloseTo(1, 6);
      expect(Math.abs((await run(withDropout, masks(withDropout, (i) => (i === 0 ? 0 : 1)))) - reference)).toBeGreaterThan(1e-6);
      // p = 0.5 doubles what it keeps: all kept differs from no dropout
      expect(Math.abs((await run(strong, masks(strong, () => 1))) - reference)).toBeGreaterThan(1e-4);
      await expect(run(withDropout)).rejects.toThrow(/no dropout mask for dropout\./);
    } finally {
      await backend.disposeAll();
    }
  }, 120_000);
});
