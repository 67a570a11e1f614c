// The model axis: one edit job over several model runs (model + sampler), each cell a source ×
// target × mode × run; tiny random-weight models at 2 steps, no scores.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EditCellEvent } from '../../../src/common/contract/edit';
import { editJobParamsSchema, modelRuns } from '../../../src/common/contract/edit';
import { EditEngine } from '../../../src/main/edit/engine';
import { cellsOf, editJobKind } from '../../../src/main/edit/editJob';
import { gridSize } from '../../../src/main/edit/grid';
import { scoresCsv } from '../../../src/main/edit/scores';
import { EditService } from '../../../src/main/edit/service';
import { InlinePool } from '../../../src/main/jobs/pool';
import { workerTasks } from '../../../src/main/app/workerTasks';
import { ModelRegistry } from '../../../src/main/models/registry';
import { hostTasks } from '../../../src/main/app/hostTasks';
import { InProcessEngine } from '../../../src/main/engine/client';
import { defaultDemoHeadDir, headModelDeps } from '../../../src/main/head/activeModel';
import { openTestProject, type TestProject } from '../library/harness';
import { tinyConfig, writeSyntheticFaces, writeTinyCheckpoint } from '../../helpers/editFixture';

describe('edit jobs over several model runs', () => {
  let t: TestProject;
  let service: EditService;
  let photoIds: number[];
  let a: number;
  let b: number;
  const engine = new EditEngine({
    engine: new InProcessEngine(hostTasks, { backend: { providers: ['cpu'] } }),
    headModel: headModelDeps({ flameFiles: () => null, demoHeadDir: defaultDemoHeadDir() }).loadActiveModel,
    scorer: null,
  });

  function register(checkpoint: string, name: string, imageSize: number): number {
    return new ModelRegistry(t.project.db).add({
      name, kind: 'base', sourcePath: checkpoint, filePath: checkpoint, format: 'safetensors',
      sha256: createHash('sha256').update(readFileSync(checkpoint)).digest('hex'), sizeBytes: statSync(checkpoint).size,
      config: tinyConfig, parameterCount: 0, baseModelId: null, lineage: { imageSize },
    }).model.id;
  }

  beforeAll(async () => {
    t = openTestProject();
    const pool = new InlinePool(workerTasks);
    t.runner.register(editJobKind({ project: t.project, pool, emit: (name, payload) => t.events.push({ name, payload } as never), engine }));
    const album = t.library.createAlbum('Person');
    const faces = await writeSyntheticFaces(t.root, 2, 32);
    await t.importPaths(album.id, faces.map((f) => f.path));
    photoIds = t.library.listPhotos(album.id, 0, 10).items.map((p) => p.id);
    service = new EditService(engine, t.project, pool, t.runner);
    photoIds.forEach((id, k) => service.editor.estimates.saveCodes(id, { name: 'synthetic', version: '1' }, faces[k].codes));
    // two models of different sizes: each run resolves its own
    a = register(writeTinyCheckpoint(t.root, 7), 'tiny A', 32);
    b = register(writeTinyCheckpoint(t.root, 8), 'tiny B', 16);
  }, 60_000);

  afterAll(async () => {
    await engine.dispose();
    await t.close();
  });

  const shared = { eta: 0, seed: 4, clip: true, inversion: true };
  const runs = () => [
    { modelId: a, sampler: { method: 'ddim' as const, steps: 2, ...shared } },
    { modelId: a, sampler: { method: 'dpm++' as const, steps: 2, ...shared } },
    { modelId: b, sampler: { method: 'ddim' as const, steps: 2, ...shared } },
  ];
  const params = (overrides: Record<string, unknown> = {}) =>
    editJobParamsSchema.parse({ runs: runs(), sourcePhotoIds: [photoIds[0]], targetPhotoIds: [photoIds[1]], modes: ['exp', 'light'], batchSize: 4, scores: false, ...overrides });

  it('a job from before the model axis reads as one run; runs are the innermost axis of the cells', () => {
    const old = editJobParamsSchema.parse({ modelId: a, sourcePhotoIds: [1], targetPhotoIds: [2], modes: ['exp'], sampler: { steps: 3 }, imageSize: 32 });
    expect(modelRuns(old)).toEqual([{ modelId: a, sampler: { steps: 3, eta: 0, seed: 0, clip: true, inversion: true }, imageSize: 32 }]);
    expect(cellsOf(params()).map((c) => [c.modes, c.run])).toEqual([['exp', 0], ['exp', 1], ['exp', 2], ['light', 0], ['light', 1], ['light', 2]]);
    expect(() => editJobParamsSchema.parse({ modelId: a, runs: runs(), sourcePhotoIds: [1] })).toThrow(/modelId \(one model\) or runs/);
    expect(() => editJobParamsSchema.parse({ sourcePhotoIds: [1] })).toThrow(/modelId \(one model\) or runs/);
  });

  it('makes one result per run for every source, target and mode, each with its model and sampler in provenance, grid and export', async () => {
    const { jobId } = service.start(params());
    expect((await t.runner.wait(jobId)).state).toBe('done');
    const view = service.job(jobId);
    expect(view.title).toBe('Edit 1 × 1 × exp, light × 3 model runs');
    // each announced cell names its run
    const announced = t.events.filter((e) => e.name === 'edit.cell').map((e) => (e.payload as EditCellEvent).cell);
    expect(announced.filter((c) => c.state === 'done').map((c) => [c.idx, c.run]).sort()).toEqual([[0, 0], [1, 1], [2, 2], [3, 0], [4, 1], [5, 2]]);
    expect(view.runs.map((r) => r.label)).toEqual(['tiny A · DDIM 2', 'tiny A · DPM-Solver++ 2', 'tiny B · DDIM 2']);
    expect(view.cells.map((c) => [c.modes, c.run, c.state])).toEqual([['exp', 0, 'done'], ['exp', 1, 'done'], ['exp', 2, 'done'], ['light', 0, 'done'], ['light', 1, 'done'], ['light', 2, 'done']]);
    const made = view.cells.map((c) => view.results.find((r) => r.id === c.resultId)!.provenance);
    expect(made.map((p) => [p.model.name, p.sampler.method, p.imageSize])).toEqual([['tiny A', 'ddim', 32], ['tiny A', 'dpm++', 32], ['tiny B', 'ddim', 16], ['tiny A', 'ddim', 32], ['tiny A', 'dpm++', 32], ['tiny B', 'ddim', 16]]);
    // the same model, buffers and start: only the sampler differs
    expect(made[0].buffersHash).toBe(made[1].buffersHash);
    expect(made[0].sampleHash).not.toBe(made[1].sampleHash);
    // the grid has a tile per run in each mode's column, with the run lines in its header and legend
    const grid = await service.grid(jobId);
    const expected = gridSize(1, 1, 2, 32, { runs: 3 });
    expect({ width: grid.width, height: grid.height }).toEqual(expected);
    expect(expected.width).toBe(gridSize(1, 1, 6, 32).width);
    expect(await sharp(Buffer.from(grid.base64, 'base64')).metadata()).toMatchObject(expected);
    // the comparison: one row per run
    expect(service.comparison(jobId).rows.map((r) => [r.model, r.sampler, r.steps, r.results])).toEqual([['tiny A', 'ddim', 2, 2], ['tiny A', 'dpm++', 2, 2], ['tiny B', 'ddim', 2, 2]]);
    const out = join(t.root, 'export');
    const { files } = await service.exportResults(jobId, out);
    const named = files.filter((f) => /^result-\d+-.*\.json$/.test(f));
    expect(named.map((f) => f.replace(/^result-\d+-s\d+-t\d+-/, '')).sort()).toEqual(['exp-R1-tiny-A-DDIM-2.json', 'exp-R2-tiny-A-DPM-Solver++-2.json', 'exp-R3-tiny-B-DDIM-2.json', 'light-R1-tiny-A-DDIM-2.json', 'light-R2-tiny-A-DPM-Solver++-2.json', 'light-R3-tiny-B-DDIM-2.json']);
    const json = JSON.parse(readFileSync(join(out, named.find((f) => f.includes('exp-R2'))!), 'utf8')) as { run: number; label: string };
    expect(json).toMatchObject({ run: 2, label: 'tiny A · DPM-Solver++ 2' });
    const csv = scoresCsv(view.results, 'snake').trim().split('\n');
    expect(csv[0]).toBe('result_id,source_photo_id,target_photo_id,modes,model,sampler,steps,seconds_per_edit,identity,emotion_agreement,landmark_error,expression_error,source_expression_error,expression_estimator,sharpness,wavelet_noise,notes');
    expect(csv.slice(1).map((line) => line.split(',').slice(4, 7).join(','))).toEqual(['"tiny A",ddim,2', '"tiny A",ddim,2', '"tiny A",dpm++,2', '"tiny A",dpm++,2', '"tiny B",ddim,2', '"tiny B",ddim,2']); // generated run by run
  }, 120_000);

  it('refuses a run that repeats another and names the run whose model is missing', () => {
    expect(() => service.start(params({ runs: [runs()[0], runs()[0]] }))).toThrow(/model run 2: it repeats model run 1/);
    expect(() => service.start(params({ runs: [runs()[0], { ...runs()[1], modelId: 999 }] }))).toThrow(/model run 2: model 999 is not registered/);
    expect(() => service.start(params({ runs: [runs()[0], { ...runs()[1], sampler: { ...shared, method: 'ddim', steps: 1 } }] }))).toThrow(/model run 2: 1 DDIM steps/);
  });
});
