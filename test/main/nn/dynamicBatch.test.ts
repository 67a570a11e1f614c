import { afterAll, describe, expect, it } from 'vitest';
import { worstRelativeError } from '../../../src/main/core/verifier';
import { DiffusionRigRunner, seededNoise } from '../../../src/main/diffusion/runner';
import { encoderGraph, unetGraph } from '../../../src/main/models/diffusionrig';
import { OnnxBackend } from '../../../src/main/nn/backend';
import { GraphBuilder } from '../../../src/main/nn/builder';
import { symbolicBatch } from '../../../src/main/nn/ir';
import { serializeGraph } from '../../../src/main/nn/serialize';
import { randomWeights } from '../../../src/main/train/init';
import { tinyConfig } from '../../helpers/tinyDiffusionRig';

const stateDict = randomWeights(tinyConfig, 5);
const parameters = { kind: 'initializers' as const, stateDict };

describe('symbolic batch dimension', () => {
  it('UNet and encoder graphs do not depend on the batch they are built at (nothing bakes N into a constant)', () => {
    // attention in the legacy and the new head order (their Reshapes differ)
    for (const config of [tinyConfig, { ...tinyConfig, unet: { ...tinyConfig.unet, useNewAttentionOrder: true } }]) {
      const at = (batch: number) => serializeGraph(unetGraph(config, parameters, { batch, imageSize: 16, symbolicBatch: true }));
      expect(Buffer.from(at(2)).equals(Buffer.from(at(3)))).toBe(true);
    }
    const enc = (batch: number) => serializeGraph(encoderGraph(tinyConfig, parameters, { batch, imageSize: 32, symbolicBatch: true }));
    expect(Buffer.from(enc(1)).equals(Buffer.from(enc(4)))).toBe(true);
    // a static graph does differ with the batch: the comparison above can fail
    const fixed = (batch: number) => serializeGraph(unetGraph(tinyConfig, parameters, { batch, imageSize: 16 }));
    expect(Buffer.from(fixed(2)).equals(Buffer.from(fixed(3)))).toBe(false);
  });

  describe('one CPU session', () => {
    const backend = new OnnxBackend({ providers: ['cpu'] });
    afterAll(() => backend.disposeAll());

    it('serves batch 1 and batch 3, each item as computed alone', async () => {
      const runner = new DiffusionRigRunner({ config: tinyConfig, stateDict, strippedPrefix: '' }, backend, 'tiny');
      const size = 16;
      const per = 3 * size * size;
      const physical = seededNoise(1, 9, size);
      const images = seededNoise(2, 3, size).map((v) => Math.tanh(v));
      const latent = await runner.encode(images, 3, size);
      const x = seededNoise(3, 3, size);
      const t = Float32Array.of(5, 400, 999);
      const all = await runner.predictNoise(x, t, { batch: 3, imageSize: size, physical, latent });
      for (let item = 0; item < 3; item++) {
        const itemLatent = await runner.encode(images.slice(item * per, (item + 1) * per), 1, size);
        expect(worstRelativeError(itemLatent, latent.subarray(item * 16, (item + 1) * 16))).toBeLessThan(1e-5);
        const one = await runner.predictNoise(x.slice(item * per, (item + 1) * per), t.slice(item, item + 1), {
          batch: 1,
          imageSize: size,
          physical: physical.slice(item * 3 * per, (item + 1) * 3 * per),
          latent: itemLatent,
        });
        expect(worstRelativeError(one, all.subarray(item * per, (item + 1) * per))).toBeLessThan(1e-5);
      }
      expect(backend.has(runner.sessionKey('unet', size))).toBe(true);
      expect(backend.has(runner.sessionKey('encoder', size))).toBe(true);
      expect(backend.has(`tiny:unet:3x${size}`) || backend.has(`tiny:unet:1x${size}`)).toBe(false);
    });

    it('checks that every input agrees on N and names both inputs when they do not', async () => {
      const b = new GraphBuilder();
      b.output(b.add(b.input('a', 'float32', [1, 2]), b.input('b', 'float32', [1, 2])), 'y');
      symbolicBatch(b.graph);
      const session = await backend.load('pair', () => b.graph);
      const out = await session.run({ a: { dtype: 'float32', shape: [3, 2], data: new Float32Array(6).fill(1) }, b: { dtype: 'float32', shape: [3, 2], data: new Float32Array(6).fill(2) } });
      expect(Array.from(out.y.data as Float32Array)).toEqual([3, 3, 3, 3, 3, 3]);
      await expect(session.run({ a: { dtype: 'float32', shape: [3, 2], data: new Float32Array(6) }, b: { dtype: 'float32', shape: [2, 2], data: new Float32Array(4) } }))
        .rejects.toThrow(/model pair: input b has N=2 but a has N=3/);
      await expect(session.run({ a: { dtype: 'float32', shape: [3, 5], data: new Float32Array(15) }, b: { dtype: 'float32', shape: [3, 5], data: new Float32Array(15) } }))
        .rejects.toThrow(/input a must be float32\[N,2\], got float32\[3,5\]/);
    });
  });
});
