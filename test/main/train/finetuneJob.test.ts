import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobInfo } from '../../../src/common/contract';
import { readCheckpoint } from '../../../src/main/checkpoint';
import { InlinePool } from '../../../src/main/jobs/pool';
import { workerTasks } from '../../../src/main/app/workerTasks';
import { ModelRegistry } from '../../../src/main/models/registry';
import { hostTasks } from '../../../src/main/app/hostTasks';
import { InProcessEngine } from '../../../src/main/engine/client';
import { finetuneJobKind, lossCurve, type FinetuneJobResult } from '../../../src/main/train/finetuneJob';
import { defaultDemoHeadDir, headModelDeps } from '../../../src/main/head/activeModel';
import { tinyConfig, writeSyntheticFaces, writeTinyCheckpoint } from '../../helpers/editFixture';
import { openTestProject, type TestProject } from '../library/harness';
import { EstimateStore } from '../../../src/main/estimate/store';

describe('finetune job on a synthetic album', () => {
  let t: TestProject;
  let albumId: number;
  let modelId: number;
  let baseFile: string;
  const engine = new InProcessEngine(hostTasks, { trainBackend: { providers: ['cpu'], graphOptimizationLevel: 'basic' } });
  const pool = new InlinePool(workerTasks);
  const wire = () =>
    t.runner.register(finetuneJobKind({ project: t.project, pool, engine, headModel: headModelDeps({ flameFiles: () => null, demoHeadDir: defaultDemoHeadDir() }).loadActiveModel }));
  const params = { steps: 6, batchSize: 2, learningRate: 1e-3, seed: 3, checkpointInterval: 2, imageSize: 16 };

  beforeAll(async () => {
    t = openTestProject();
    wire();
    albumId = t.library.createAlbum('Person').id;
    const faces = await writeSyntheticFaces(t.root, 3, 32);
    expect((await t.importPaths(albumId, faces.map((f) => f.path))).result.imported).toBe(3);
    const photos = t.library.listPhotos(albumId, 0, 10).items;
    const estimates = new EstimateStore(t.project.db);
    photos.forEach((p, k) => estimates.saveCodes(p.id, { name: 'synthetic', version: '1' }, faces[k].codes));
    baseFile = writeTinyCheckpoint(t.root);
    modelId = new ModelRegistry(t.project.db).add({
      name: 'tiny', kind: 'base', sourcePath: baseFile, filePath: baseFile, format: 'safetensors',
      sha256: createHash('sha256').update(readFileSync(baseFile)).digest('hex'), sizeBytes: statSync(baseFile).size,
      config: tinyConfig, parameterCount: 0, baseModelId: null, lineage: null,
    }).model.id;
  }, 120_000);

  afterAll(async () => {
    await engine.close();
    await t.close();
  });

  let finished: FinetuneJobResult;

  it('trains and registers a personalised model with its lineage, selectable like an imported one', async () => {
    const job = t.runner.start('finetune', { albumId, modelId, ...params });
    const info = await t.runner.wait(job.id);
    expect(info.state, info.message).toBe('done');
    finished = info.result as FinetuneJobResult;
    expect(finished.step).toBe(6);
    expect(finished.lossCurve.map((p) => p.step)).toEqual([1, 2, 3, 4, 5, 6]);
    const model = new ModelRegistry(t.project.db).get(finished.model!.id);
    expect(model).toMatchObject({ name: 'tiny · Person', kind: 'personalized', baseModelId: modelId, format: 'safetensors', filePath: finished.model!.filePath });
    expect(t.runner.get(job.id).title).toBe('Fine-tune tiny on Person (6 steps)');
    // the head that rendered its buffers (no FLAME files here: the demo head)
    expect(model.lineage).toMatchObject({ head: 'demo', albumId, steps: 6, batchSize: 2, learningRate: 1e-3, seed: 3, imageSize: 16, jobId: job.id });
    expect(new ModelRegistry(t.project.db).list().map((m) => m.id)).toContain(model.id);
    expect(existsSync(model.filePath)).toBe(true);

    const base = readCheckpoint(baseFile).stateDict;
    const tuned = readCheckpoint(model.filePath).stateDict;
    expect([...tuned.keys()].sort()).toEqual([...base.keys()].sort());
    const changed = (key: string) => (tuned.get(key)!.data as Float32Array).some((v, i) => v !== (base.get(key)!.data as Float32Array)[i]);
    expect(changed('denoisingUNet.out.2.weight')).toBe(true);
    expect(changed('encoder.fc.weight')).toBe(false); // frozen in stage 2
  }, 120_000);

  it('stops on a restart mid-run and, resumed, ends with the same model', async () => {
    const job = t.runner.start('finetune', { albumId, modelId, ...params, name: 'resumed' });
    // quit once the first state file (step 2 of 6) is on disk (a step's message can be overwritten before a
    // poll sees it: the CPU session runs on this thread); give up if the job ends first
    const stateFile = join(t.project.paths.derived, 'train', `job-${job.id}`, 'state.safetensors');
    await new Promise<void>((resolve, reject) => {
      const check = setInterval(() => {
        const state = t.runner.get(job.id).state;
        if (existsSync(stateFile) || (state !== 'running' && state !== 'queued')) {
          clearInterval(check);
          if (existsSync(stateFile)) resolve();
          else reject(new Error(`the job ended (${state}) before it saved a state`));
        }
      }, 2);
    });
    await t.reopen(); // the app quits: the running job is left interrupted
    wire();
    expect(t.runner.get(job.id).state).toBe('interrupted');
    const before = t.events.length;
    t.runner.resume(job.id);
    const info: JobInfo = await t.runner.wait(job.id);
    expect(info.state, info.message).toBe('done');
    // it continued from its saved state instead of starting over
    const stepMessages = t.events.slice(before).map((e) => e.payload as JobInfo).filter((p) => p.id === job.id && p.message?.startsWith('step ')).map((p) => p.message);
    expect(stepMessages[0]).toMatch(/^step [3-6]\/6/);
    const resumed = info.result as FinetuneJobResult;
    expect(resumed.lossCurve).toHaveLength(6);
    const a = readCheckpoint(finished.model!.filePath).stateDict;
    const b = readCheckpoint(resumed.model!.filePath).stateDict;
    let worst = 0;
    for (const [key, tensor] of a) {
      if (tensor.dtype !== 'float32') continue;
      const x = tensor.data as Float32Array;
      const y = b.get(key)!.data as Float32Array;
      for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i] - y[i]));
    }
    expect(worst).toBeLessThan(1e-6);
  }, 120_000);

  it('names the photos that have no FLAME codes', async () => {
    const other = t.library.createAlbum('No estimates').id;
    const faces = await writeSyntheticFaces(t.root, 1, 32);
    await t.importPaths(other, [faces[0].path]);
    const info = await t.runner.wait(t.runner.start('finetune', { albumId: other, modelId, ...params }).id);
    expect(info.state).toBe('failed');
    expect(info.message).toMatch(/1 of 1 photos have no FLAME codes .*run estimation/);
  }, 60_000);

  it('averages the loss curve into at most the given number of points', () => {
    expect(lossCurve([1, 2, 3, 4, 5], 2)).toEqual([{ step: 3, loss: 2 }, { step: 5, loss: 4.5 }]);
  });
});
