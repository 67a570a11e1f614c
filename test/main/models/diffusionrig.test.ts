import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCheckpoint } from '../../../src/main/checkpoint';
import { writeSafetensors } from '../../../src/main/checkpoint/safetensors';
import type { StateDict } from '../../../src/main/checkpoint/stateDict';
import type { UpstreamArgs } from '../../../src/main/models/config';
import { configFromUpstream } from '../../../src/main/models/config';
import { encoderGraph, loadDiffusionRig, unetGraph } from '../../../src/main/models/diffusionrig';
import { parameterCount } from '../../../src/main/models/infer';
import { serializeGraph } from '../../../src/main/nn/serialize';
import { worstRelativeError } from '../../../src/main/core/verifier';
import { sharedPath } from '../../helpers/shared';
import { fixtureArrays, fixtureDir } from './fixture';

const checkpointPath = () => join(fixtureDir(), 'model000000.pt');
let stateDict: StateDict;
let temp: string;

beforeAll(() => {
  stateDict = readCheckpoint(checkpointPath()).stateDict;
  temp = mkdtempSync(join(tmpdir(), 'rig-diffusionrig-'));
});
afterAll(() => undefined);

async function runGraph(bytes: Uint8Array, feeds: Record<string, ort.Tensor>): Promise<Record<string, ort.Tensor>> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    return (await session.run(feeds)) as Record<string, ort.Tensor>;
  } finally {
    await session.release();
  }
}

describe('DiffusionRig fixture checkpoint', () => {
  it('infers the architecture of config.json from tensor shapes alone', () => {
    const weights = loadDiffusionRig(stateDict, 'model000000.pt');
    const upstream = JSON.parse(readFileSync(join(fixtureDir(), 'config.json'), 'utf8')) as UpstreamArgs;
    const expected = configFromUpstream(upstream);
    // dropout is a training setting no tensor records; everything else must agree
    expect({ ...weights.config.unet, dropout: 0 }).toEqual({ ...expected.unet, dropout: 0 });
    expect(weights.config.encoder).toEqual(expected.encoder);
    expect(weights.config.unet.attentionDownsampleRates).toEqual([4]); // "16" at 64 px
    const count = parameterCount(new Map([...stateDict].map(([k, t]) => [k, t.shape])));
    expect(count.encoder).toBe(11_209_344); // ResNet-18 (11,176,512) with fc 512→64 instead of 512→1000
    expect(count.unet).toBeGreaterThan(1_000_000);
  });

  it('computes the latent and ε of io.npz (worst relative error < 1e-4)', async () => {
    const weights = loadDiffusionRig(stateDict, 'model000000.pt');
    const arrays = fixtureArrays();
    const data = (name: string) => arrays.get(name)!.data as Float32Array;
    const params = { kind: 'initializers' as const, stateDict: weights.stateDict };
    const latent = await runGraph(serializeGraph(encoderGraph(weights.config, params, { batch: 2, imageSize: 64 })), {
      image: new ort.Tensor('float32', data('x0'), [2, 3, 64, 64]),
    });
    expect(worstRelativeError(latent.latent.data as Float32Array, data('latent'))).toBeLessThan(1e-4);
    const feeds = {
      x: new ort.Tensor('float32', data('x_t'), [2, 3, 64, 64]),
      timesteps: new ort.Tensor('float32', Float32Array.from(arrays.get('t')!.data as BigInt64Array, Number), [2]),
      physical: new ort.Tensor('float32', data('physic_cond'), [2, 9, 64, 64]),
      latent: new ort.Tensor('float32', data('latent'), [2, 64]),
    };
    const eps = await runGraph(serializeGraph(unetGraph(weights.config, params, { batch: 2, imageSize: 64 })), feeds);
    expect(worstRelativeError(eps.eps.data as Float32Array, data('eps'))).toBeLessThan(1e-4);

    // the same forward pass with parameters as graph inputs (how training graphs are built)
    const trainable = unetGraph(weights.config, { kind: 'inputs' }, { batch: 2, imageSize: 64 });
    expect(trainable.initializers.every((v) => !v.name.startsWith('denoisingUNet.'))).toBe(true);
    const parameterFeeds: Record<string, ort.Tensor> = {};
    for (const input of trainable.inputs) {
      const tensor = weights.stateDict.get(input.name);
      if (tensor) parameterFeeds[input.name] = new ort.Tensor('float32', tensor.data as Float32Array, [...tensor.shape]);
    }
    expect(Object.keys(parameterFeeds)).toHaveLength(trainable.inputs.length - 4);
    const again = await runGraph(serializeGraph(trainable), { ...feeds, ...parameterFeeds });
    // a few float32 ulps apart: onnxruntime may constant-fold and fuse around initialisers
    // (the GroupNorm affine, conv biases) what it must leave as ops on parameter inputs
    expect(worstRelativeError(again.eps.data as Float32Array, eps.eps.data as Float32Array)).toBeLessThan(3e-6);
  });
});

describe('bad checkpoints', () => {
  it('a truncated checkpoint names the file and says it is truncated', () => {
    const bytes = readFileSync(checkpointPath());
    const path = join(temp, 'truncated.pt');
    writeFileSync(path, bytes.subarray(0, Math.floor(bytes.length / 2)));
    expect(() => readCheckpoint(path)).toThrow(/truncated\.pt: .*(damaged or truncated|truncated)/);
  });

  it('a checkpoint of another model is rejected as not DiffusionRig', () => {
    const deca = readCheckpoint(sharedPath('fixtures', 'deca-a', 'deca_model.tar'));
    expect(() => loadDiffusionRig(deca.stateDict, 'deca_model.tar')).toThrow(/deca_model\.tar: not a DiffusionRig state dict: expected keys under 'denoisingUNet\.' and 'encoder\.'/);
  });

  it('one tensor of the wrong shape is named with both shapes', () => {
    const broken: StateDict = new Map(stateDict);
    broken.set('denoisingUNet.middle_block.0.out_layers.3.weight', { dtype: 'float32', shape: [64, 64, 1, 1], data: new Float32Array(64 * 64) });
    const path = join(temp, 'wrong-shape.safetensors');
    writeFileSync(path, writeSafetensors(broken));
    const reread = readCheckpoint(path);
    expect(() => loadDiffusionRig(reread.stateDict, path)).toThrow(
      /wrong-shape\.safetensors: state dict does not match.*\nwrong shape: denoisingUNet\.middle_block\.0\.out_layers\.3\.weight is \[64,64,1,1\], expected \[64,64,3,3\]/,
    );
  });

  it('missing and unexpected keys are listed', () => {
    const broken: StateDict = new Map(stateDict);
    broken.delete('encoder.layer2.0.bn1.running_var');
    broken.set('denoisingUNet.extra_head.weight', { dtype: 'float32', shape: [3], data: new Float32Array(3) });
    expect(() => loadDiffusionRig(broken, 'edited.pt')).toThrow(/missing keys \(1\): encoder\.layer2\.0\.bn1\.running_var\nunexpected keys \(1\): denoisingUNet\.extra_head\.weight/);
  });

  it('strips wrapper prefixes such as Lightning\'s model.', () => {
    const wrapped: StateDict = new Map([...stateDict].map(([k, t]) => [`model.${k}`, t]));
    const weights = loadDiffusionRig(wrapped, 'lightning.ckpt');
    expect(weights.strippedPrefix).toBe('model.');
    expect(weights.stateDict.size).toBe(stateDict.size);
  });
});
