import { describe, expect, it } from 'vitest';
import { readCheckpoint } from '../../../src/main/checkpoint';
import { worstRelativeError } from '../../../src/main/core/verifier';
import { loadDiffusionRig, unetGraph } from '../../../src/main/models/diffusionrig';
import { OnnxBackend } from '../../../src/main/nn/backend';
import { convertGraphToFloat16 } from '../../../src/main/nn/float16';
import { fixtureArrays, fixtureDir } from './fixture';

describe('float16 UNet (the GPU-provider graph)', () => {
  it('keeps GroupNorm and softmax in float32 and stays close to the float32 ε', async () => {
    const weights = loadDiffusionRig(readCheckpoint(`${fixtureDir()}/model000000.pt`).stateDict, 'fixture');
    const graph = unetGraph(weights.config, { kind: 'initializers', stateDict: weights.stateDict }, { batch: 2, imageSize: 64 });
    const half = convertGraphToFloat16(graph);
    const conv = half.nodes.find((n) => n.opType === 'Conv')!;
    expect(conv.outputs[0].dtype).toBe('float16');
    const softmax = half.nodes.find((n) => n.opType === 'Softmax')!;
    expect(softmax.outputs[0].dtype).toBe('float32');
    const stats = half.nodes.filter((n) => n.opType === 'InstanceNormalization');
    expect(stats.length).toBeGreaterThan(0);
    expect(stats.every((n) => n.outputs[0].dtype === 'float32')).toBe(true);
    expect(half.initializers.find((v) => v.name.endsWith('in_layers.0.weight'))!.dtype).toBe('float32');
    expect(half.initializers.find((v) => v.name.endsWith('in_layers.2.weight'))!.dtype).toBe('float16');

    const arrays = fixtureArrays();
    const data = (name: string) => arrays.get(name)!.data as Float32Array;
    const feeds = {
      x: { dtype: 'float32' as const, shape: [2, 3, 64, 64], data: data('x_t') },
      timesteps: { dtype: 'float32' as const, shape: [2], data: Float32Array.from(arrays.get('t')!.data as BigInt64Array, Number) },
      physical: { dtype: 'float32' as const, shape: [2, 9, 64, 64], data: data('physic_cond') },
      latent: { dtype: 'float32' as const, shape: [2, 64], data: data('latent') },
    };
    const backend = new OnnxBackend({ providers: ['cpu'] });
    try {
      const session = await backend.load('half', () => half);
      const eps = (await session.run(feeds)).eps.data as Float32Array;
      const error = worstRelativeError(eps, data('eps'));
      expect(error).toBeLessThan(2e-2);
      expect(error).toBeGreaterThan(1e-6); // really computed at half precision
    } finally {
      await backend.disposeAll();
    }
  });
});

describe('float16 conversion of the timestep embedding', () => {
  it('keeps t·frequency, cos and sin in float32 (a half’s spacing at t ≈ 1000 is 0.5 rad)', () => {
    const weights = loadDiffusionRig(readCheckpoint(`${fixtureDir()}/model000000.pt`).stateDict, 'fixture');
    const half = convertGraphToFloat16(unetGraph(weights.config, { kind: 'initializers', stateDict: weights.stateDict }, { batch: 1, imageSize: 64 }));
    const trig = half.nodes.filter((n) => n.opType === 'Sin' || n.opType === 'Cos');
    expect(trig.length).toBe(2);
    expect(trig.every((n) => n.outputs[0].dtype === 'float32' && n.inputs[0]!.dtype === 'float32')).toBe(true);
  });
});
