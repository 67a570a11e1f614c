import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCheckpoint } from '../../../src/main/checkpoint';
import type { StateDict } from '../../../src/main/checkpoint/stateDict';
import { ModelRegistry } from '../../../src/main/models/registry';
import { readTrainState } from '../../../src/main/train/trainer';
import { writeSafetensors } from '../../../src/main/checkpoint/safetensors';
import { randomWeights } from '../../../src/main/train/init';
import { writeSyntheticFaces, tinyConfig } from '../../helpers/editFixture';
import { openTestProject, type TestProject } from '../library/harness';
import { ensureBuilt } from './built';
import { runCli, startCli } from './run';
import { EstimateStore } from '../../../src/main/estimate/store';

function worstDifference(a: StateDict, b: StateDict): number {
  let worst = 0;
  for (const [key, tensor] of a) {
    const x = Array.from(tensor.data as ArrayLike<number | bigint>, Number);
    const y = Array.from(b.get(key)!.data as ArrayLike<number | bigint>, Number);
    x.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - y[i]))));
  }
  return worst;
}

// A fine-tune killed with SIGKILL (no handler runs, no state is saved on the way out) and
// resumed must end with the parameters and BatchNorm buffers of an unbroken run.
describe('rig-studio finetune killed with SIGKILL', () => {
  let t: TestProject;
  let projectDir: string;
  let dataDir: string;
  let args: string[];
  const steps = 24;

  beforeAll(async () => {
    ensureBuilt();
    t = openTestProject();
    projectDir = join(t.root, 'project');
    dataDir = join(t.root, 'data');
    const albumId = t.library.createAlbum('Person').id;
    const faces = await writeSyntheticFaces(t.root, 2, 32);
    await t.importPaths(albumId, faces.map((f) => f.path));
    const estimates = new EstimateStore(t.project.db);
    t.library.listPhotos(albumId, 0, 10).items.forEach((p, k) => estimates.saveCodes(p.id, { name: 'synthetic', version: '1' }, faces[k].codes));
    // an upstream-like checkpoint: BatchNorm layers carry num_batches_tracked
    const weights = randomWeights(tinyConfig, 5);
    for (const key of [...weights.keys()]) {
      if (key.endsWith('.running_mean')) weights.set(key.replace(/running_mean$/, 'num_batches_tracked'), { dtype: 'int64', shape: [], data: BigInt64Array.of(0n) });
    }
    const file = join(t.root, 'tiny-bn.safetensors');
    writeFileSync(file, writeSafetensors(weights));
    const modelId = new ModelRegistry(t.project.db).add({
      name: 'tiny', kind: 'base', sourcePath: file, filePath: file, format: 'safetensors',
      sha256: createHash('sha256').update(readFileSync(file)).digest('hex'), sizeBytes: statSync(file).size,
      config: tinyConfig, parameterCount: 0, baseModelId: null, lineage: null,
    }).model.id;
    await t.runner.close();
    t.project.close();
    args = ['finetune', '--project', projectDir, '--album', String(albumId), '--model', String(modelId), '--steps', String(steps), '--batch-size', '2', '--lr', '1e-3', '--checkpoint-interval', '3', '--image-size', '16', '--json'];
  }, 180_000);

  afterAll(async () => {
    await t.reopen();
    await t.close();
  });

  const stateFiles = () => {
    const dir = join(projectDir, 'derived', 'train');
    if (!existsSync(dir)) return [];
    return readdirSync(dir).map((job) => join(dir, job, 'state.safetensors')).filter((f) => existsSync(f));
  };

  it('resumes to the parameters of an unbroken run', async () => {
    const unbroken = await runCli(args, dataDir);
    expect(unbroken.code, unbroken.stderr).toBe(0);
    const reference = readCheckpoint(JSON.parse(unbroken.stdout).model.filePath).stateDict;
    const known = new Set(stateFiles());

    // killed once a few state files were written, at a moment chosen by the poll, not by the run
    const child = startCli(args, dataDir);
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, signal) => resolve(signal)));
    let progressed = false;
    for (let i = 0; i < 6000 && !progressed; i++) {
      await new Promise((r) => setTimeout(r, 10));
      progressed = /step (\d+)\//.test(stderr) && Number(/step (\d+)\/\d+[^\n]*$/.exec(stderr.trim())?.[1] ?? 0) >= 7;
    }
    expect(progressed, stderr).toBe(true);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const state = stateFiles().filter((f) => !known.has(f));
    expect(state).toHaveLength(1);
    const saved = readTrainState(readFileSync(state[0]), state[0]);
    const savedStep = Number(saved.tensors.get('adam.step')!.data[0]);
    expect(savedStep).toBeGreaterThanOrEqual(6);
    expect(savedStep).toBeLessThan(steps);
    const jobId = /job-(\d+)/.exec(state[0])![1];

    const resumed = await runCli(['finetune', '--project', projectDir, '--resume', jobId, '--json'], dataDir);
    expect(resumed.code, resumed.stderr).toBe(0);
    const out = JSON.parse(resumed.stdout);
    expect(out.step).toBe(steps);
    const trained = readCheckpoint(out.model.filePath).stateDict;
    expect([...trained.keys()].sort()).toEqual([...reference.keys()].sort());
    expect(worstDifference(reference, trained)).toBeLessThan(1e-6);
    // the runs trained (the model moved) and the encoder's buffers advanced by one per step
    expect(worstDifference(readCheckpoint(join(t.root, 'tiny-bn.safetensors')).stateDict, trained)).toBeGreaterThan(1e-4);
    const counters = [...trained].filter(([k]) => k.endsWith('num_batches_tracked'));
    expect(counters.length).toBeGreaterThan(0);
    for (const [key, counter] of counters) expect(Number(counter.data[0]), key).toBe(steps);
  }, 240_000);
});
