import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../src/main/diffusion/rng';
import { batchNorm, groupNorm, initializerSource } from '../../../src/main/models/layers';
import { GraphBuilder } from '../../../src/main/nn/builder';
import type { Tensor } from '../../../src/main/nn/ir';
import { serializeGraph } from '../../../src/main/nn/serialize';

const random = new SeededRandom(11);
const tensor = (shape: number[], positive = false): Tensor => ({ dtype: 'float32', shape, data: random.normals(shape.reduce((a, d) => a * d, 1)).map((v) => (positive ? 0.5 + Math.abs(v) : v)) });

async function run(build: (b: GraphBuilder) => void, x: Tensor): Promise<Float32Array> {
  const b = new GraphBuilder();
  build(b);
  const session = await ort.InferenceSession.create(serializeGraph(b.graph));
  const out = await session.run({ x: new ort.Tensor('float32', x.data as Float32Array, [...x.shape]) });
  await session.release();
  return out.y.data as Float32Array;
}

describe('normalisation layers', () => {
  const [n, c, h, w] = [2, 4, 3, 3];
  const x = tensor([n, c, h, w]);
  const xs = x.data as Float32Array;
  const at = (i: number, ch: number, k: number) => xs[(i * c + ch) * h * w + k];

  it('GroupNorm normalises each group of channels per item (biased variance, eps 1e-5)', async () => {
    const params = new Map([['gn.weight', tensor([c])], ['gn.bias', tensor([c])]]);
    const y = await run((b) => b.output(groupNorm(b, initializerSource(b, params), 'gn', b.input('x', 'float32', x.shape), 2), 'y'), x);
    const gamma = params.get('gn.weight')!.data as Float32Array;
    const beta = params.get('gn.bias')!.data as Float32Array;
    for (let i = 0; i < n; i++) for (let g = 0; g < 2; g++) {
      const values: number[] = [];
      for (let ch = 2 * g; ch < 2 * g + 2; ch++) for (let k = 0; k < h * w; k++) values.push(at(i, ch, k));
      const mean = values.reduce((a, v) => a + v, 0) / values.length;
      const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length;
      for (let ch = 2 * g; ch < 2 * g + 2; ch++) for (let k = 0; k < h * w; k++) {
        const want = ((at(i, ch, k) - mean) / Math.sqrt(variance + 1e-5)) * gamma[ch] + beta[ch];
        expect(y[(i * c + ch) * h * w + k]).toBeCloseTo(want, 5);
      }
    }
  });

  for (const batchStatistics of [false, true]) {
    it(`BatchNorm uses ${batchStatistics ? 'the batch statistics (train mode)' : 'running statistics (eval mode)'}`, async () => {
      const params = new Map([
        ['bn.weight', tensor([c])], ['bn.bias', tensor([c])], ['bn.running_mean', tensor([c])], ['bn.running_var', tensor([c], true)],
      ]);
      const y = await run((b) => b.output(batchNorm(b, initializerSource(b, params), 'bn', b.input('x', 'float32', x.shape), batchStatistics), 'y'), x);
      const p = (name: string) => params.get(`bn.${name}`)!.data as Float32Array;
      for (let ch = 0; ch < c; ch++) {
        const values: number[] = [];
        for (let i = 0; i < n; i++) for (let k = 0; k < h * w; k++) values.push(at(i, ch, k));
        const mean = batchStatistics ? values.reduce((a, v) => a + v, 0) / values.length : p('running_mean')[ch];
        const variance = batchStatistics ? values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length : p('running_var')[ch];
        for (let i = 0; i < n; i++) for (let k = 0; k < h * w; k++) {
          const want = ((at(i, ch, k) - mean) / Math.sqrt(variance + 1e-5)) * p('weight')[ch] + p('bias')[ch];
          expect(y[(i * c + ch) * h * w + k]).toBeCloseTo(want, 5);
        }
      }
    });
  }
});
