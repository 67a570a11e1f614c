import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { StateDict } from '../../../src/main/checkpoint/stateDict';
import { OnnxBackend } from '../../../src/main/nn/backend';
import { runFinetune, stateFileName, type FinetuneProgress, type FinetuneSettings } from '../../../src/main/train/finetune';
import { randomWeights } from '../../../src/main/train/init';
import { readTrainState } from '../../../src/main/train/trainer';
import { syntheticAlbum, tinyConfig, size } from './tiny';

const settings: FinetuneSettings = { batchSize: 2, learningRate: 2e-3, seed: 11, imageSize: size, steps: 8, checkpointInterval: 3 };

function worstDifference(a: StateDict, b: StateDict): number {
  let worst = 0;
  for (const [key, tensor] of a) {
    const x = tensor.data as Float32Array;
    const y = b.get(key)!.data as Float32Array;
    for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i] - y[i]));
  }
  return worst;
}

describe('resumable fine-tuning run', () => {
  const root = mkdtempSync(join(tmpdir(), 'rig-finetune-'));
  const backend = new OnnxBackend({ providers: ['cpu'], graphOptimizationLevel: 'basic' });
  const weights = randomWeights(tinyConfig, 4);
  const pairs = syntheticAlbum();
  const base = { backend, config: tinyConfig, weights, pairs };
  afterAll(async () => {
    await backend.disposeAll();
    rmSync(root, { recursive: true, force: true });
  });

  it('ends with the same parameters after a cancel and after a crash as an unbroken run', async () => {
    const progress: FinetuneProgress[] = [];
    const unbroken = await runFinetune({ ...base, settings, stateDir: join(root, 'unbroken'), onStep: (p) => progress.push(p) });
    expect(unbroken.status).toBe('done');
    expect(unbroken.losses).toHaveLength(8);
    expect(progress.map((p) => p.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(progress[7].etaSeconds).toBe(0);
    expect(progress[4].stepsPerSecond).toBeGreaterThan(0);

    // cancelled after step 5: the state is saved at once and the next start continues from 5
    const controller = new AbortController();
    const cancelled = await runFinetune({ ...base, settings, stateDir: join(root, 'cancel'), signal: controller.signal, onStep: (p) => p.step === 5 && controller.abort() });
    expect(cancelled).toMatchObject({ status: 'cancelled', step: 5 });
    const afterCancel = await runFinetune({ ...base, settings, stateDir: join(root, 'cancel') });
    expect(afterCancel.step).toBe(8);
    expect(afterCancel.losses).toHaveLength(8);
    expect(worstDifference(unbroken.trained, afterCancel.trained)).toBeLessThan(1e-6);

    // killed after step 5 without saving: the next start continues from the state of step 3
    await expect(
      runFinetune({ ...base, settings, stateDir: join(root, 'crash'), onStep: (p) => {
        if (p.step === 5) throw new Error('process killed');
      } }),
    ).rejects.toThrow('process killed');
    const resumedFrom: number[] = [];
    const afterCrash = await runFinetune({ ...base, settings, stateDir: join(root, 'crash'), onStep: (p) => resumedFrom.push(p.step) });
    expect(resumedFrom[0]).toBe(4);
    expect(worstDifference(unbroken.trained, afterCrash.trained)).toBeLessThan(1e-6);
    afterCrash.losses.forEach((loss, i) => expect(loss / unbroken.losses[i]).toBeCloseTo(1, 5));
    expect(readFileSync(join(root, 'crash', stateFileName)).length).toBeGreaterThan(1000);
  }, 120_000);

  it('saves by time as well as by steps, whichever comes first, and leaves no partial file', async () => {
    const seen: { step: number; saved: number | null }[] = [];
    const savedStep = (dir: string) => {
      const path = join(dir, stateFileName);
      return existsSync(path) ? Number(readTrainState(readFileSync(path), path).tensors.get('adam.step')!.data[0]) : null;
    };
    const byTime = join(root, 'by-time');
    await runFinetune({ ...base, settings: { ...settings, steps: 3, checkpointInterval: 1000, checkpointMinutes: 1e-9 }, stateDir: byTime, onStep: (p) => seen.push({ step: p.step, saved: savedStep(byTime) }) });
    expect(seen).toEqual([{ step: 1, saved: 1 }, { step: 2, saved: 2 }, { step: 3, saved: 3 }]);
    expect(readdirSync(byTime)).toEqual([stateFileName]);
    const bySteps = join(root, 'by-steps');
    seen.length = 0;
    await runFinetune({ ...base, settings: { ...settings, steps: 3, checkpointInterval: 2, checkpointMinutes: 60 }, stateDir: bySteps, onStep: (p) => seen.push({ step: p.step, saved: savedStep(bySteps) }) });
    expect(seen).toEqual([{ step: 1, saved: null }, { step: 2, saved: 2 }, { step: 3, saved: 3 }]);
    await expect(runFinetune({ ...base, settings: { ...settings, checkpointMinutes: 0 }, stateDir: join(root, 'bad') })).rejects.toThrow(/checkpoint minutes must be a positive number/);
  }, 120_000);

  it('refuses a saved state from other settings', async () => {
    await expect(runFinetune({ ...base, settings: { ...settings, learningRate: 1e-4 }, stateDir: join(root, 'unbroken') })).rejects.toThrow(/learningRate 0.002, this run asks for 0.0001/);
  });
});
