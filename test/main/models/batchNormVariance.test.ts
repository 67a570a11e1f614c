import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../../src/main/nn/builder';
import { serializeGraph } from '../../../src/main/nn/serialize';
import { batchNorm, recordBatchStatistics } from '../../../src/main/models/layers';
import { SeededRandom } from '../../../src/main/diffusion/rng';

/** torch's CPU BatchNorm statistics: sums in double, the mean rounded to float32, Σ(x − mean)² in double. */
function torchStatistics(x: Float32Array, [n, c, h, w]: number[]) {
  const hw = h * w;
  const mean = new Float64Array(c);
  const variance = new Float64Array(c);
  for (let ch = 0; ch < c; ch++) {
    let sum = 0;
    for (let i = 0; i < n; i++) for (let k = 0; k < hw; k++) sum += x[(i * c + ch) * hw + k];
    const m = Math.fround(sum / (n * hw));
    let squares = 0;
    for (let i = 0; i < n; i++) for (let k = 0; k < hw; k++) squares += (x[(i * c + ch) * hw + k] - m) ** 2;
    mean[ch] = m;
    variance[ch] = squares / (n * hw);
  }
  return { mean, variance };
}

async function ourStatistics(x: Float32Array, shape: number[]) {
  const b = new GraphBuilder();
  const input = b.input('x', 'float32', shape);
  const c = shape[1];
  const params = (name: string, s: readonly number[]) => b.constant(new Float32Array(s[0]).fill(name.endsWith('var') || name.endsWith('weight') ? 1 : 0), s);
  const stop = recordBatchStatistics(b, ({ mean, variance }) => {
    b.output(mean, 'mean');
    b.output(variance, 'variance');
  });
  b.output(batchNorm(b, params, 'bn', input, true), 'y');
  stop();
  const session = await ort.InferenceSession.create(serializeGraph(b.graph));
  const out = await session.run({ x: new ort.Tensor('float32', x, shape) });
  expect(out.variance.dims).toEqual([c]);
  return { mean: out.mean.data as Float32Array, variance: out.variance.data as Float32Array };
}

describe('train-mode BatchNorm statistics', () => {
  // shapes where one float32 ReduceMean over N·H·W lost up to 1.3e-5 (2×256×256 after a ReLU),
  // odd sizes that need padding to the sum blocks, and a deep layer's many short channels
  const cases: { shape: number[]; mean: number; spread: number }[] = [
    { shape: [2, 4, 256, 256], mean: 1, spread: 1 },
    { shape: [4, 3, 112, 112], mean: 100, spread: 1 },
    { shape: [3, 2, 97, 131], mean: 3, spread: 0.5 },
    { shape: [64, 8, 7, 7], mean: 2, spread: 0.1 },
  ];
  for (const { shape, mean, spread } of cases) {
    it(`mean and biased variance of [${shape.join(',')}] (post-ReLU, mean ${mean}) agree with torch's double sums to 1e-6`, async () => {
      const random = new SeededRandom(7);
      const x = new Float32Array(shape.reduce((a, d) => a * d, 1));
      for (let i = 0; i < x.length; i++) x[i] = Math.max(0, mean + spread * random.normal());
      const reference = torchStatistics(x, shape);
      const ours = await ourStatistics(x, shape);
      for (let c = 0; c < shape[1]; c++) {
        expect(Math.abs(ours.variance[c] - reference.variance[c]) / reference.variance[c], `variance ${c}`).toBeLessThan(1e-6);
        expect(Math.abs(ours.mean[c] - reference.mean[c]) / Math.abs(reference.mean[c]), `mean ${c}`).toBeLessThan(1e-6);
      }
    });
  }
});
