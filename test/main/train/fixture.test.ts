import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCheckpoint } from '../../../src/main/checkpoint';
import { readNpz } from '../../../src/main/io/npy';
import { loadDiffusionRig } from '../../../src/main/models/diffusionrig';
import { OnnxBackend } from '../../../src/main/nn/backend';
import { TrainStepRunner } from '../../../src/main/train/runner';
import { trainingTables } from '../../../src/main/train/schedule';
import { buildTrainStep, upstreamP2, upstreamSchedule } from '../../../src/main/train/trainStep';
import { upstreamAdam } from '../../../src/main/train/adam';
import { isTrainingFixture, parameterUpdateChecks, trainingOverrides, trainingTolerances, verifyTrainingFixture, type TrainingCheck } from '../../../src/main/train/fixture';
import { sharedPath } from '../../helpers/shared';

// One step of the DiffusionRig-EMO v2 trainer (UNet and encoder trained, shape and identity fed).
describe('train step against fixtures/diffusionrig-emo-v2-a', () => {
  it('matches loss, every given gradient, the Adam update and every BatchNorm buffer', async () => {
    const checks = await verifyTrainingFixture(sharedPath('fixtures', 'diffusionrig-emo-v2-a'));
    expect(checks.filter((c) => !c.ok)).toEqual([]);
    const names = checks.map((c) => c.name);
    for (const name of ['train_loss', 'train_grad_norm_preclip', 'adam_update', 'grad/encoder.fc.weight', 'grad/encoder.layer1.0.conv1.weight', 'param/encoder.conv1.weight', 'buffer/encoder.bn1.running_var']) {
      expect(names, name).toContain(name);
    }
  }, 120_000);
});

// One stage-2 train step of the 64-px fixture model (upstream PyTorch 1.13, CPU) against ours.
describe('train step against fixtures/diffusionrig-a', () => {
  const dir = sharedPath('fixtures', 'diffusionrig-a');
  let checks: TrainingCheck[] = [];
  const worst = (prefix: string) => Math.max(...checks.filter((c) => c.name.startsWith(prefix)).map((c) => c.worstRelativeError));

  it('recognises the fixture', () => {
    expect(isTrainingFixture(dir)).toBe(true);
  });

  it('runs the step', async () => {
    checks = await verifyTrainingFixture(dir);
    if (process.env.TRAIN_FIXTURE_REPORT) {
      console.log(['train_loss', 'train_loss_per_item', 'train_grad_norm_preclip', 'grad/', 'param/', 'adam_update', 'buffer/'].map((p) => `${p}: ${worst(p).toExponential(2)}`).join('\n'));
    }
    expect(checks.length).toBe(3 + 228 + 228 + 1 + 60);
  }, 120_000);

  it('matches loss, per-item loss and the pre-clip gradient norm', () => {
    for (const name of ['train_loss', 'train_loss_per_item', 'train_grad_norm_preclip']) {
      expect(worst(name), name).toBeLessThan(trainingTolerances.scalars);
    }
  });

  it('matches every gradient', () => {
    const bad = checks.filter((c) => c.name.startsWith('grad/') && !c.ok);
    expect(bad).toEqual([]);
    expect(worst('grad/')).toBeLessThan(trainingTolerances.gradients);
  });

  it('matches every parameter update (after − before) after clipping and one Adam step', () => {
    expect(checks.filter((c) => c.name.startsWith('param/') && !c.ok)).toEqual([]);
    expect(worst('param/')).toBeLessThan(trainingTolerances.parameters);
    expect(worst('adam_update')).toBeLessThan(trainingTolerances.updates);
  });

  it('matches the same updates with Adam in the graph (what GPU providers run) as on the host', async () => {
    const graphChecks = await verifyTrainingFixture(dir, { optimizer: 'graph' });
    expect(graphChecks.filter((c) => !c.ok)).toEqual([]);
    const update = (list: TrainingCheck[]) => list.find((c) => c.name === 'adam_update')!.worstRelativeError;
    expect(update(graphChecks)).toBeLessThan(trainingTolerances.updates);
    expect(update(checks)).toBeLessThan(trainingTolerances.updates);
  }, 120_000);

  it('updates every BatchNorm buffer as torch does in train mode (60 buffers to 1e-5)', () => {
    const buffers = checks.filter((c) => c.name.startsWith('buffer/'));
    expect(buffers).toHaveLength(60);
    expect(buffers.filter((c) => !c.ok)).toEqual([]);
    expect(worst('buffer/')).toBeLessThanOrEqual(1e-5);
    expect(buffers.some((c) => c.name.endsWith('num_batches_tracked'))).toBe(true);
  });
});

describe('eval-mode BatchNorm option against the fixture', () => {
  it('gives the per-item loss of the eval-mode latent (io.npz eps was computed with it)', async () => {
    const dir = sharedPath('fixtures', 'diffusionrig-a');
    const io = readNpz(readFileSync(join(dir, 'io.npz')), 'io.npz');
    const get = (name: string) => io.get(name)!.data as Float32Array;
    const weights = loadDiffusionRig(readCheckpoint(join(dir, 'model000000.pt')).stateDict, 'model000000.pt');
    const t = Array.from(io.get('t')!.data as BigInt64Array, Number);
    const graph = buildTrainStep({ config: weights.config, stateDict: weights.stateDict, batch: 2, imageSize: 64, batchNorm: 'running', dropout: false });
    const backend = new OnnxBackend({ providers: ['cpu'], graphOptimizationLevel: 'basic' });
    try {
      const runner = new TrainStepRunner(await backend.load('eval-bn', () => graph.graph), graph, weights.stateDict);
      const result = await runner.step({ x0: get('x0'), physical: get('physic_cond'), timesteps: BigInt64Array.from(t, BigInt), noise: get('noise') }, 1e-5);
      // reference: w_t · mean((noise − eps)²) with the fixture's eval-mode eps, in float64
      const tables = trainingTables(upstreamSchedule, upstreamP2);
      const noise = get('noise');
      const eps = get('eps');
      const per = noise.length / 2;
      [0, 1].forEach((i) => {
        let sum = 0;
        for (let k = i * per; k < (i + 1) * per; k++) sum += (noise[k] - eps[k]) ** 2;
        const expected = (tables.p2Weight[t[i]] * sum) / per;
        expect(Math.abs(result.lossPerItem[i] - expected) / expected).toBeLessThan(1e-4);
      });
      // and it differs from the train-mode (batch statistics) loss upstream stage 2 computes
      const trainMode = Float64Array.from(io.get('train_loss_per_item')!.data as Float32Array);
      expect(Math.abs(result.lossPerItem[0] - trainMode[0]) / trainMode[0]).toBeGreaterThan(1e-3);
    } finally {
      await backend.disposeAll();
    }
  }, 120_000);
});

describe('update-relative parameter checks', () => {
  const dir = sharedPath('fixtures', 'diffusionrig-a');
  const weights = loadDiffusionRig(readCheckpoint(join(dir, 'model000000.pt')).stateDict, 'model000000.pt');
  const after = readNpz(readFileSync(join(dir, 'train_params_after_adam.npz')), 'train_params_after_adam.npz');
  const grads = readNpz(readFileSync(join(dir, 'train_grads.npz')), 'train_grads.npz');
  const before = new Map<string, Float32Array>();
  const reference = new Map<string, Float32Array>();
  const gradients = new Map<string, Float32Array>();
  for (const [name, a] of after) {
    const key = name.replaceAll('/', '.');
    before.set(key, weights.stateDict.get(key)!.data as Float32Array);
    reference.set(key, a.data as Float32Array);
    gradients.set(key, grads.get(name)!.data as Float32Array);
  }
  const scaled = (factor: number) =>
    new Map([...reference].map(([key, ref]) => [key, Float32Array.from(ref, (v, i) => before.get(key)![i] + factor * (v - before.get(key)![i]))]));
  // tensors with a real gradient somewhere (the rest are biases whose exact gradient is zero)
  const informative = [...gradients].filter(([, g]) => g.some((v) => Math.abs(v) >= 100 * upstreamAdam.eps)).map(([key]) => `param/${key}`);

  it('pass for the reference update itself', () => {
    const checks = parameterUpdateChecks(before, reference, reference, gradients);
    expect(checks.filter((c) => !c.ok)).toEqual([]);
  });

  it('fail for a no-op optimiser (parameters unchanged), though each update is below 1e-4 of max|p|', () => {
    const checks = parameterUpdateChecks(before, before, reference, gradients);
    expect(informative.length).toBeGreaterThan(200);
    for (const name of informative) expect(checks.find((c) => c.name === name)!.ok, name).toBe(false);
    expect(checks.find((c) => c.name === 'adam_update')!.ok).toBe(false);
  });

  it('fail for half the update and for the update with the wrong sign', () => {
    for (const factor of [0.5, -1]) {
      const checks = parameterUpdateChecks(before, scaled(factor), reference, gradients);
      for (const name of informative) expect(checks.find((c) => c.name === name)!.ok, `${name} ×${factor}`).toBe(false);
    }
    // and a float32 rounding of the update passes
    expect(parameterUpdateChecks(before, scaled(1 + 1e-6), reference, gradients).every((c) => c.ok)).toBe(true);
  });
});

describe('training verifier with architecture overrides', () => {
  const dir = sharedPath('fixtures', 'diffusionrig-a');

  it('maps the verify-fixture shorthands onto UNet overrides', () => {
    expect(trainingOverrides({ numHeadChannels: 32, newAttentionOrder: true, overrides: { unet: { numHeads: 4 } } })).toEqual({ unet: { numHeads: 4, numHeadChannels: 32, useNewAttentionOrder: true } });
  });

  // with one head QKVAttention and QKVAttentionLegacy compute the same thing, so the fixture
  // (legacy order, one head) must still match when the new order is forced
  it('runs the new attention order through the train step and matches with one head', async () => {
    const checks = await verifyTrainingFixture(dir, { newAttentionOrder: true });
    expect(checks.filter((c) => !c.ok)).toEqual([]);
  }, 120_000);

  it('builds the heads an override asks for (two 32-channel heads no longer match a one-head reference)', async () => {
    const checks = await verifyTrainingFixture(dir, { numHeadChannels: 32 });
    expect(checks.find((c) => c.name === 'train_grad_norm_preclip')!.ok).toBe(false);
    expect(checks.filter((c) => c.name.startsWith('grad/') && !c.ok).length).toBeGreaterThan(100);
    expect(checks.filter((c) => c.name.startsWith('buffer/')).every((c) => c.ok)).toBe(true); // the encoder is untouched
  }, 120_000);
});
