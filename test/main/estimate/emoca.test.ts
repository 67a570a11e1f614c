import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OnnxBackend } from '../../../src/main/nn/backend';
import { float32ToFloat16 } from '../../../src/main/nn/float16';
import { readNpz } from '../../../src/main/io/npy';
import { readTorchObject } from '../../../src/main/checkpoint/torch';
import { CodeEstimator, loadEmocaModel } from '../../../src/main/estimate/deca';
import { findModule, flattenTensors } from '../../../src/main/estimate/encoders';
import { worstRelativeError } from '../../../src/main/core/verifier';
import { sharedPath } from '../../helpers/shared';
import type { PickleValue } from './torchZip';
import { writeTorchZip } from './torchZip';

const cfg = (backbone: string, jaw: boolean) => `# EMOCA-style config as OmegaConf saves it
model:
  deca_class: ExpDECA
  expression_backbone: ${backbone}   # the clone of E_flame
  exp_deca_global_pose: false
  exp_deca_jaw_pose: ${jaw ? 'True' : 'false'}
  n_exp: 50
  n_shape: 100
  detail_conditioning:
  - jawpose
  - expression
  image_size: 224
learning:
  learning_rate: 0.0001
  val_metrics: [a, b]
`;

describe('EMOCA: Lightning checkpoint + cfg.yaml', () => {
  // E_expression is made from the fixture's E_flame with its last layer's rows chosen so the
  // expected output is known: expression = DECA's expression reversed, jaw = DECA's global pose.
  const flame = findModule(flattenTensors(readTorchObject(readFileSync(sharedPath('fixtures', 'deca-a', 'deca_model.tar')), 'deca_model.tar'), 'deca_model.tar'), 'E_flame', 'deca_model.tar');
  const rows = [...Array.from({ length: 50 }, (_, i) => 199 - i), 200, 201, 202];
  const pick = (name: string, width: number) => {
    const src = flame.get(name)!.data as Float32Array;
    const out = new Float32Array(rows.length * width);
    rows.forEach((r, i) => out.set(src.subarray(r * width, (r + 1) * width), i * width));
    return out;
  };
  const dir = mkdtempSync(join(tmpdir(), 'emoca-'));
  const stateDict = new Map<string, PickleValue>();
  const half = (t: Float32Array, shape: readonly number[]): PickleValue => ({ tensor: float32ToFloat16(t), shape: [...shape] });
  for (const [key, t] of flame) if (t.dtype === 'float32') stateDict.set(`deca.E_flame.${key}`, half(t.data as Float32Array, t.shape));
  for (const [key, t] of flame) {
    if (t.dtype !== 'float32') continue;
    if (key === 'layers.2.weight') stateDict.set(`deca.E_expression.${key}`, half(pick(key, 1024), [53, 1024]));
    else if (key === 'layers.2.bias') stateDict.set(`deca.E_expression.${key}`, half(pick(key, 1), [53]));
    else stateDict.set(`deca.E_expression.${key}`, half(t.data as Float32Array, t.shape));
  }
  stateDict.set('deca.D_detail.conv.weight', half(new Float32Array(8).fill(0.5), [2, 4]));
  const ckpt = join(dir, 'emoca.ckpt');
  writeFileSync(ckpt, writeTorchZip(new Map<string, PickleValue>([
    ['epoch', 3],
    ['global_step', 700],
    ['pytorch-lightning_version', '1.4.9'],
    // Lightning keeps the config as omegaconf objects: classes the app must not need to know
    ['hyper_parameters', new Map<string, PickleValue>([['model_params', { object: 'omegaconf.dictconfig.DictConfig', state: new Map<string, PickleValue>([['_content', new Map<string, PickleValue>([['n_exp', 50]])]]) }]])],
    ['state_dict', { ordered: stateDict }],
  ])));

  it('maps deca.E_flame / deca.E_expression keys and replaces expression and jaw as cfg.yaml says', async () => {
    const config = join(dir, 'cfg.yaml');
    writeFileSync(config, cfg('deca_clone', true));
    const model = loadEmocaModel(ckpt, config);
    expect(model.estimator).toBe('emoca');
    expect(model.version).toMatch(/^emoca\.ckpt@[0-9a-f]{12}\+cfg\.yaml@[0-9a-f]{12}$/);
    const io = readNpz(readFileSync(sharedPath('fixtures', 'deca-a', 'io.npz')), 'io.npz');
    const code = await new CodeEstimator(new OnnxBackend({ providers: ['cpu'] }), model).estimate(Float32Array.from(io.get('image')!.data as Float32Array));
    const deca = Float32Array.from(io.get('code')!.data as Float32Array);
    const expected = Float32Array.from(deca);
    for (let i = 0; i < 50; i++) expected[150 + i] = deca[199 - i];
    for (let i = 0; i < 3; i++) expected[203 + i] = deca[200 + i];
    const worst = worstRelativeError(code, expected);
    console.log(`EMOCA synthetic checkpoint: worst relative error ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-4);
    // and the replacement really happened
    expect(worstRelativeError(code.subarray(150, 200), deca.subarray(150, 200))).toBeGreaterThan(0.01);
  });

  it('rejects other expression backbones and checkpoints without E_expression, naming the file', () => {
    const config = join(dir, 'cfg-emonet.yaml');
    writeFileSync(config, cfg('emonet_trainable', false));
    expect(() => loadEmocaModel(ckpt, config)).toThrow(/emonet_trainable.*not supported/);
    const plain = join(dir, 'no-exp.ckpt');
    writeFileSync(plain, writeTorchZip(new Map<string, PickleValue>([['state_dict', { ordered: new Map([['deca.E_flame.layers.2.bias', half(new Float32Array(236), [236])]]) }]])));
    const good = join(dir, 'cfg-ok.yaml');
    writeFileSync(good, cfg('deca_clone', false));
    expect(() => loadEmocaModel(plain, good)).toThrow(/no-exp\.ckpt: no E_expression weights/);
  });
});
