import { it } from 'vitest';
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
import { defaultConfig } from '../src/main/models/config';
import { OnnxBackend } from '../src/main/nn/backend';
import { randomWeights } from '../src/main/train/init';
import { ResumableRandom } from '../src/main/train/random';
import { Trainer } from '../src/main/train/trainer';

const hwm = () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) / 1024 / 1024;
const rss = () => process.memoryUsage().rss / 2 ** 30;
it('exp', async () => {
  const size = Number(process.env.EXP_SIZE ?? 256);
  const batch = 1;
  const recompute = process.env.EXP_RECOMPUTE === '1';
  const config = defaultConfig(size);
  const weights = randomWeights(config, 3);
  const random = new ResumableRandom(7);
  const pairs = Array.from({ length: batch }, () => ({
    image: random.fillNormal(new Float32Array(3 * size * size)).map(Math.tanh),
    physical: random.fillNormal(new Float32Array(9 * size * size)),
  }));
  const backend = new OnnxBackend({ providers: ['cpu'], intraOpThreads: 2, graphOptimizationLevel: (process.env.EXP_OPT ?? 'basic') as 'basic', float16: 'never', cpuMemArena: process.env.EXP_ARENA !== '0' });
  console.log('before create', hwm().toFixed(2), rss().toFixed(2));
  const t0 = performance.now();
  const trainer = await Trainer.create({ backend, config, weights, pairs, settings: { batchSize: batch, learningRate: 1e-5, seed: 1, imageSize: size, recompute } });
  console.log('created', ((performance.now() - t0) / 1000).toFixed(1), 's', hwm().toFixed(2), rss().toFixed(2), trainer.graph.graph.nodes.length, 'nodes');
  for (let i = 0; i < Number(process.env.EXP_STEPS ?? 3); i++) {
    const s = performance.now();
    await trainer.step();
    if (process.env.EXP_GC === '1') gc();
    console.log('step', i, ((performance.now() - s) / 1000).toFixed(2), 's hwm', hwm().toFixed(2), 'rss', rss().toFixed(2));
  }
  await backend.disposeAll();
}, 3600_000);
