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

  it('has one mask input per ResBlock, applied after the second SiLU: ones give the dropout-free loss, zeros change it', async () => {
    const backend = new OnnxBackend({ providers: ['cpu'], graphOptimizationLevel: 'basic' });
    try {
      const withDropout = buildTrainStep({ config: tinyConfig, stateDict: weights, batch: n, imageSize: size });
      const without = buildTrainStep({ config: tinyConfig, stateDict: weights, batch: n, imageSize: size, dropout: false });
      const resBlocks = [...weights.keys()].filter((k) => k.endsWith('.out_layers.3.weight')).length;
      expect(withDropout.dropout).toHaveLength(resBlocks);
      expect(withDropout.dropout.every((site) => site.rate === 0.1 && site.input.endsWith('.out_layers.2'))).toBe(true);
      expect(without.dropout).toHaveLength(0);

      const masks = (fill: (site: number) => number) =>
        new Map(withDropout.dropout.map((site, i) => [site.input, new Float32Array(site.shape.reduce((a, d) => a * d, 1)).fill(fill(i))]));
      const run = async (graph: typeof withDropout, dropoutMasks?: Map<string, Float32Array>) =>
        (await new TrainStepRunner(await backend.load(graph === withDropout ? 'with' : 'without', () => graph.graph), graph, weights).step({ ...batch, dropoutMasks }, 1e-4)).loss;
      const reference = await run(without);
      expect((await run(withDropout, masks(() => 1))) / reference).toBeCloseTo(1, 6);
      expect(Math.abs((await run(withDropout, masks((i) => (i === 0 ? 0 : 1)))) - reference)).toBeGreaterThan(1e-6);
      await expect(run(withDropout)).rejects.toThrow(/no dropout mask for dropout\./);
    } finally {
      await backend.disposeAll();
    }
  }, 120_000);
});
