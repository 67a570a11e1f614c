import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import type { StateDict } from '../../../src/main/checkpoint/stateDict';
import { SeededRandom } from '../../../src/main/diffusion/rng';
import type { DiffusionRigConfig, UNetConfig } from '../../../src/main/models/config';
import { configFromUpstream, defaultChannelMult, encoderFromName } from '../../../src/main/models/config';
import { encoderGraph, loadDiffusionRig, unetGraph } from '../../../src/main/models/diffusionrig';
import { expectedShapes } from '../../../src/main/models/infer';
import { serializeGraph } from '../../../src/main/nn/serialize';

function randomStateDict(config: DiffusionRigConfig, seed: number): StateDict {
  const random = new SeededRandom(seed);
  const out: StateDict = new Map();
  for (const [name, shape] of expectedShapes(config)) {
    const size = shape.reduce((a, d) => a * d, 1);
    const fanIn = shape.length > 1 ? shape.slice(1).reduce((a, d) => a * d, 1) : 1;
    const data = random.normals(size).map((v) => (name.endsWith('running_var') ? 0.5 + Math.abs(v) : v / Math.sqrt(fanIn)));
    out.set(name, { dtype: 'float32', shape, data });
  }
  return out;
}

const small = (overrides: Partial<UNetConfig>, encoder = 'resnet18'): DiffusionRigConfig => {
  const base = configFromUpstream({ image_size: 64, num_channels: 32, num_res_blocks: 1, channel_mult: '1,2', attention_resolutions: '32', encoder_type: encoder, latent_dim: 16 });
  return { unet: { ...base.unet, ...overrides }, encoder: base.encoder };
};

async function unetOutput(config: DiffusionRigConfig, stateDict: StateDict, size: number): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(serializeGraph(unetGraph(config, { kind: 'initializers', stateDict }, { batch: 2, imageSize: size })));
  const random = new SeededRandom(99);
  const input = (shape: number[]) => new ort.Tensor('float32', random.normals(shape.reduce((a, d) => a * d, 1)), shape);
  try {
    const out = await session.run({
      x: input([2, 3, size, size]),
      timesteps: new ort.Tensor('float32', Float32Array.of(3, 700), [2]),
      physical: input([2, config.unet.inChannels - 3, size, size]),
      latent: input([2, config.unet.latentDim]),
    });
    expect(out.eps.dims).toEqual([2, config.unet.outChannels, size, size]);
    return out.eps.data as Float32Array;
  } finally {
    await session.release();
  }
}

describe('UNet options', () => {
  const variants: [string, DiffusionRigConfig][] = [
    ['ResBlock up/down, scale-shift, attention at ds 2', small({})],
    ['conv resampling, additive conditioning, 2 res blocks, learned σ', small({ resblockUpdown: false, useScaleShiftNorm: false, numResBlocks: 2, outChannels: 6 })],
    ['pooling/nearest resampling without convs, three levels', small({ resblockUpdown: false, convResample: false, channelMult: [1, 1, 2], attentionDownsampleRates: [1, 4] })],
    ['fractional first multiplier (512-px style)', small({ modelChannels: 64, channelMult: [0.5, 1], inChannels: 6 })],
  ];

  for (const [title, config] of variants) {
    it(`${title}: shapes infer back to the same architecture and the graph runs`, async () => {
      const stateDict = randomStateDict(config, 1);
      const weights = loadDiffusionRig(stateDict, title, { unet: { dropout: config.unet.dropout } });
      expect(weights.config).toEqual(config);
      const eps = await unetOutput(config, stateDict, 16);
      expect(eps.every(Number.isFinite)).toBe(true);
    });
  }

  it('new attention order equals legacy order with the qkv rows permuted; head channels set the head count', async () => {
    const legacy = small({ numHeads: 2, numHeadsUpsample: 2 });
    const modern = { ...legacy, unet: { ...legacy.unet, useNewAttentionOrder: true } };
    const stateDict = randomStateDict(legacy, 5);
    // legacy rows: per head [q|k|v]; new rows: [q heads | k heads | v heads]
    const permuted: StateDict = new Map(stateDict);
    for (const [name, tensor] of stateDict) {
      if (!/\.qkv\.(weight|bias)$/.test(name)) continue;
      const rows = tensor.shape[0];
      const width = tensor.data.length / rows;
      const ch = rows / 3 / 2;
      const data = new Float32Array(tensor.data.length);
      for (let head = 0; head < 2; head++) for (let part = 0; part < 3; part++) for (let c = 0; c < ch; c++) {
        const from = (head * 3 + part) * ch + c;
        const to = (part * 2 + head) * ch + c;
        data.set((tensor.data as Float32Array).subarray(from * width, (from + 1) * width), to * width);
      }
      permuted.set(name, { ...tensor, data });
    }
    const a = await unetOutput(legacy, stateDict, 8);
    const b = await unetOutput(modern, permuted, 8);
    b.forEach((v, i) => expect(v).toBeCloseTo(a[i], 4));
    const c = await unetOutput(modern, stateDict, 8);
    expect(Math.max(...c.map((v, i) => Math.abs(v - a[i])))).toBeGreaterThan(1e-3);
    const byChannels = { ...legacy, unet: { ...legacy.unet, numHeadChannels: 32 } }; // 64 channels → 2 heads
    const d = await unetOutput(byChannels, stateDict, 8);
    d.forEach((v, i) => expect(v).toBeCloseTo(a[i], 5));
  });

  it('knows upstream default channel multipliers', () => {
    expect(defaultChannelMult(256)).toEqual([1, 1, 2, 2, 4, 4]);
    expect(defaultChannelMult(512)).toEqual([0.5, 1, 1, 2, 2, 4, 4]);
    expect(() => defaultChannelMult(100)).toThrow(/no default channel multipliers for image size 100/);
  });
});

describe('ResNet encoders', () => {
  it('infers ResNet-50 and runs it in eval and batch-statistics mode', async () => {
    const config: DiffusionRigConfig = { ...small({}), encoder: encoderFromName('resnet50', 16) };
    const stateDict = randomStateDict(config, 2);
    expect(loadDiffusionRig(stateDict, 'r50').config.encoder).toEqual({ block: 'bottleneck', layers: [3, 4, 6, 3], latentDim: 16 });
    const random = new SeededRandom(4);
    const image = new ort.Tensor('float32', random.normals(2 * 3 * 32 * 32), [2, 3, 32, 32]);
    const run = async (batchStatistics: boolean) => {
      const session = await ort.InferenceSession.create(serializeGraph(encoderGraph(config, { kind: 'initializers', stateDict }, { batch: 2, imageSize: 32 }, { batchStatistics })));
      const out = await session.run({ image });
      await session.release();
      return out.latent.data as Float32Array;
    };
    const evalMode = await run(false);
    const trainMode = await run(true);
    expect(evalMode).toHaveLength(32);
    expect(trainMode.every(Number.isFinite)).toBe(true);
    // random running statistics differ from the batch's own, so the modes must differ
    expect(Math.max(...trainMode.map((v, i) => Math.abs(v - evalMode[i])))).toBeGreaterThan(1e-3);
  });

  it('infers a narrowed encoder (resnet10-w16: one block per stage, 16 channels wide) from its shapes and runs it', async () => {
    const config: DiffusionRigConfig = { ...small({}), encoder: encoderFromName('resnet10-w16', 16) };
    const stateDict = randomStateDict(config, 3);
    expect(stateDict.get('encoder.conv1.weight')!.shape).toEqual([16, 3, 7, 7]);
    expect(stateDict.get('encoder.fc.weight')!.shape).toEqual([16, 128]);
    expect(loadDiffusionRig(stateDict, 'r10w16').config.encoder).toEqual({ block: 'basic', layers: [1, 1, 1, 1], width: 16, latentDim: 16 });
    const session = await ort.InferenceSession.create(serializeGraph(encoderGraph(config, { kind: 'initializers', stateDict }, { batch: 1, imageSize: 32 })));
    const out = await session.run({ image: new ort.Tensor('float32', new SeededRandom(5).normals(3 * 32 * 32), [1, 3, 32, 32]) });
    await session.release();
    expect((out.latent.data as Float32Array).every(Number.isFinite)).toBe(true);
    expect(() => encoderFromName('resnet18-w12', 16)).toThrow(/multiple of 8/);
  });
});
