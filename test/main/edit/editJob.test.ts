import { expressionVector } from '../../../src/main/edit/expression';
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EditCellEvent, EditJobParams } from '../../../src/common/contract/edit';
import { editJobParamsSchema } from '../../../src/common/contract/edit';
import { EditEngine } from '../../../src/main/edit/engine';
import { editJobKind } from '../../../src/main/edit/editJob';
import { EditService } from '../../../src/main/edit/service';
import type { ScoreInput, Scorer } from '../../../src/main/edit/scores';
import { InlinePool } from '../../../src/main/jobs/pool';
import { workerTasks } from '../../../src/main/app/workerTasks';
import { ModelRegistry } from '../../../src/main/models/registry';
import { hostTasks } from '../../../src/main/app/hostTasks';
import { InProcessEngine } from '../../../src/main/engine/client';
import { defaultDemoHeadDir, headModelDeps } from '../../../src/main/head/activeModel';
import { openTestProject, type TestProject } from '../library/harness';
import { syntheticCodes, tinyConfig, writeSyntheticFaces, writeTinyCheckpoint } from '../../helpers/editFixture';
import { tinyEmoV2Config } from '../../helpers/tinyDiffusionRig';
import { codeLayout, packCode } from '../../../src/common/flame/codes';
import { displayTile, gridSize } from '../../../src/main/edit/grid';

const size = 32;

describe('edit job on a tiny model and a synthetic album', () => {
  let t: TestProject;
  let service: EditService;
  let photoIds: number[];
  let modelId: number;
  const engine = new EditEngine({
    engine: new InProcessEngine(hostTasks, { backend: { providers: ['cpu'] } }),
    headModel: headModelDeps({ flameFiles: () => null, demoHeadDir: defaultDemoHeadDir() }).loadActiveModel,
    scorer: null,
  });

  beforeAll(async () => {
    t = openTestProject();
    const pool = new InlinePool(workerTasks);
    t.runner.register(editJobKind({ project: t.project, pool, emit: (name, payload) => t.events.push({ name, payload } as never), engine }));
    const album = t.library.createAlbum('Person');
    const faces = await writeSyntheticFaces(t.root, 4, 64);
    const imported = await t.importPaths(album.id, faces.map((f) => f.path));
    expect(imported.result.imported).toBe(4);
    photoIds = t.library.listPhotos(album.id, 0, 10).items.map((p) => p.id);
    service = new EditService(engine, t.project, pool, t.runner);
    // what the estimation job stores per photo: known codes of the synthetic faces
    photoIds.forEach((id, k) => service.editor.estimates.saveCodes(id, { name: 'synthetic', version: '1' }, faces[k].codes));
    modelId = register(writeTinyCheckpoint(t.root), 'tiny');
  }, 60_000);

  /** Registers a checkpoint as model import does (hash, size, config). */
  function register(checkpoint: string, name: string, config = tinyConfig): number {
    return new ModelRegistry(t.project.db).add({
      name, kind: 'base', sourcePath: checkpoint, filePath: checkpoint, format: 'safetensors',
      sha256: createHash('sha256').update(readFileSync(checkpoint)).digest('hex'), sizeBytes: statSync(checkpoint).size,
      config, parameterCount: 0, baseModelId: null, lineage: { imageSize: size },
    }).model.id;
  }

  afterAll(async () => {
    await engine.dispose();
    await t.close();
  });

  const params = (overrides: Partial<Omit<EditJobParams, 'sampler'>> & { sampler?: Partial<EditJobParams['sampler']> } = {}): EditJobParams =>
    editJobParamsSchema.parse({ modelId, sourcePhotoIds: photoIds.slice(0, 2), targetPhotoIds: photoIds.slice(2, 4), modes: ['exp', 'pose', 'light'], sampler: { steps: 3, seed: 11 }, batchSize: 4, scores: false, ...overrides });

  it('runs 2 sources × 2 targets × 3 modes into 12 stored results, announcing each cell', async () => {
    const before = t.events.length;
    const { jobId } = service.start(params());
    const info = await t.runner.wait(jobId);
    expect(info.state).toBe('done');
    const view = service.job(jobId);
    expect(view.cells).toHaveLength(12);
    expect(view.cells.every((c) => c.state === 'done' && c.resultId !== null)).toBe(true);
    expect(view.results).toHaveLength(12);
    const announced = t.events.slice(before).filter((e) => e.name === 'edit.cell').map((e) => (e.payload as EditCellEvent).cell.idx);
    expect(new Set(announced).size).toBe(12);
    // modes change the buffers: the three modes of one source/target pair render differently
    const pair = view.results.filter((r) => r.sourcePhotoId === photoIds[0] && r.targetPhotoId === photoIds[2]);
    expect(new Set(pair.map((r) => r.provenance.buffersHash)).size).toBe(3);
    const exp = pair.find((r) => r.modes === 'exp')!.provenance;
    const sourceCodes = service.photoCodes(photoIds[0]);
    const targetCodes = service.photoCodes(photoIds[2]);
    expect(exp.codes.expression).toEqual(targetCodes.expression);
    expect(exp.codes.pose).toEqual([...sourceCodes.pose.slice(0, 3), ...targetCodes.pose.slice(3)]);
    expect(exp.codes.camera).toEqual(sourceCodes.camera);
    expect(exp.codes.light).toEqual(sourceCodes.light);
    // the album mean shape replaced the source's own shape
    expect(exp.codes.shape).toEqual(service.editor.estimates.albumMeanShape(t.library.listAlbums()[0].id));
    expect(exp.executionProvider).toBe('cpu');
    expect(exp.sampler).toEqual({ method: 'ddim', steps: 3, eta: 0, seed: 11, clip: true, inversion: true }); // inversion of the source is the default; provenance names the sampler
    const png = Buffer.from((await service.image(pair[0].id, 'generated')).base64, 'base64');
    expect(await sharp(png).metadata()).toMatchObject({ width: size, height: size });
    // the grid PNG has the grid's size: tiles upscaled to at least 128 px, a legend under it, score lines when asked
    const grid = await service.grid(jobId);
    expect(displayTile(size)).toBeGreaterThanOrEqual(128);
    expect({ width: grid.width, height: grid.height }).toEqual(gridSize(2, 2, 3, size));
    expect(await sharp(Buffer.from(grid.base64, 'base64')).metadata()).toMatchObject(gridSize(2, 2, 3, size));
    const scored = await service.grid(jobId, { scores: true });
    expect({ width: scored.width, height: scored.height }).toEqual(gridSize(2, 2, 3, size, { scores: true }));
  }, 120_000);

  it('re-running a stored result reproduces its pixels exactly on CPU', async () => {
    const { jobId } = service.start(params({ sourcePhotoIds: [photoIds[1]], targetPhotoIds: [photoIds[3]], modes: ['light+latent'], sampler: { steps: 3, eta: 0.5, seed: 5, clip: true, inversion: false }, batchSize: 2 }));
    expect((await t.runner.wait(jobId)).state).toBe('done');
    const [result] = service.job(jobId).results;
    const report = await service.rerun(result.id);
    expect(report).toMatchObject({ identical: true, maxPixelDifference: 0, executionProvider: 'cpu' });
  }, 60_000);

  it('with DDIM inversion the start differs from the seeded noise, and the run is reproducible', async () => {
    const run = async (inversion: boolean) => {
      const { jobId } = service.start(params({ sourcePhotoIds: [photoIds[0]], targetPhotoIds: [photoIds[1]], modes: ['exp'], sampler: { steps: 4, eta: 0, seed: 1, clip: true, inversion } }));
      expect((await t.runner.wait(jobId)).state).toBe('done');
      return service.job(jobId).results[0];
    };
    const inverted = await run(true);
    const plain = await run(false);
    expect(inverted.provenance.sampler.inversion).toBe(true);
    expect(inverted.provenance.buffersHash).toBe(plain.provenance.buffersHash);
    expect(inverted.provenance.sampleHash).not.toBe(plain.provenance.sampleHash);
    expect(await service.rerun(inverted.id)).toMatchObject({ identical: true, maxPixelDifference: 0 });
  }, 60_000);

  it('DPM-Solver++ from the inversion of the source: provenance names it, it differs from DDIM, and a re-run reproduces it', async () => {
    const run = async (method: 'ddim' | 'dpm++') => {
      const { jobId } = service.start(params({ sourcePhotoIds: [photoIds[0]], targetPhotoIds: [photoIds[1]], modes: ['exp'], sampler: { method, steps: 3, seed: 1 } }));
      expect((await t.runner.wait(jobId)).state).toBe('done');
      return service.job(jobId).results[0];
    };
    const dpm = await run('dpm++');
    const ddim = await run('ddim');
    expect(dpm.provenance.sampler).toMatchObject({ method: 'dpm++', steps: 3, inversion: true });
    expect(dpm.provenance.samplerPlan).toBe('DPM-Solver++ multistep order 2, 3 steps uniform in log-SNR, from the source inverted on the same times (order 1)');
    expect(ddim.provenance.samplerPlan).toBe('DDIM, 3 steps uniform in time (ddim3), η 0, from the source inverted on the same times');
    expect(dpm.provenance.sampleHash).not.toBe(ddim.provenance.sampleHash);
    expect(await service.rerun(dpm.id)).toMatchObject({ identical: true, maxPixelDifference: 0 });
  }, 60_000);

  it('a DiffusionRig-EMO v2 model is conditioned on the shape of the source and [shape, albedo code]; a landmark-fitted source is refused', async () => {
    const v2 = register(writeTinyCheckpoint(t.root, 8, { config: tinyEmoV2Config }), 'tiny-v2', tinyEmoV2Config);
    // estimator records: photo 0 by DECA (with an albedo code), photo 2 by landmark fitting
    const record = (photoId: number, estimator: 'deca' | 'fit') => {
      const codes = service.editor.estimates.requireCodes(photoId).codes;
      const code = packCode(codes);
      for (let i = 0; i < codeLayout.tex[1]; i++) code[codeLayout.tex[0] + i] = 0.01 * (i + 1);
      const aligned = service.editor.photo(photoId).imageFile;
      const identity = [1, 0, 0, 0, 1, 0];
      service.editor.estimates.save(photoId, null, { estimator, version: 'test', faceIndex: 0, faceBoxes: [], score: 1, landmarks: [], alignedLandmarks: [], alignTransform: identity, decaTransform: identity, code, camAligned: codes.camera, emotion: {}, alreadyAligned: true, milliseconds: 0 } as never, aligned);
    };
    record(photoIds[0], 'deca');
    record(photoIds[2], 'fit');
    const { jobId } = service.start(params({ modelId: v2, sourcePhotoIds: [photoIds[0], photoIds[2]], targetPhotoIds: [photoIds[1]], modes: ['exp'], sampler: { method: 'dpm++', steps: 2, seed: 3 } }));
    await t.runner.wait(jobId);
    const job = service.job(jobId);
    const [done] = job.results;
    expect(done.sourcePhotoId).toBe(photoIds[0]);
    const condition = done.provenance.faceCondition!;
    expect(condition.shape).toEqual(done.provenance.sourceCodes.shape.slice(0, 100));
    expect(condition.identity.slice(0, 100)).toEqual(condition.shape);
    expect(condition.identity.slice(100)).toEqual(Array.from({ length: 50 }, (_, i) => Math.fround(0.01 * (i + 1))));
    const refused = job.cells.find((c) => c.sourcePhotoId === photoIds[2])!;
    expect(refused.state).toBe('failed');
    expect(refused.error).toMatch(new RegExp(`photo ${photoIds[2]}: its codes come from landmark fitting, which estimates no albedo code`));
    expect(await service.rerun(done.id)).toMatchObject({ identical: true, maxPixelDifference: 0 });
  }, 60_000);

  it('codes of several estimators side by side: the source from one, the target from another, both in provenance', async () => {
    const save = (photoId: number, estimator: 'deca' | 'emoca', expression: number) => {
      const codes = service.editor.estimates.requireCodes(photoId).codes;
      const code = packCode({ ...codes, expression: codes.expression.map(() => expression) });
      const identity = [1, 0, 0, 0, 1, 0];
      service.editor.estimates.save(photoId, null, { estimator, version: 'test', faceIndex: 0, faceBoxes: [], score: 1, landmarks: [], alignedLandmarks: [], alignTransform: identity, decaTransform: identity, code, camAligned: codes.camera, emotion: {}, alreadyAligned: true, milliseconds: 0 } as never, service.editor.photo(photoId).imageFile);
    };
    save(photoIds[1], 'deca', 0.25);
    save(photoIds[1], 'emoca', 0.5); // running EMOCA keeps the DECA codes
    save(photoIds[3], 'deca', 0.75);
    expect(service.editor.estimates.estimatorsOf(photoIds[1]).sort()).toEqual(['deca', 'emoca']);
    const { jobId } = service.start(params({ sourcePhotoIds: [photoIds[3], photoIds[2]], targetPhotoIds: [photoIds[1]], modes: ['exp'], sourceEstimator: 'deca', targetEstimator: 'deca', sampler: { steps: 2, seed: 1, inversion: false } }));
    await t.runner.wait(jobId);
    const [done] = service.job(jobId).results;
    expect(done.provenance.estimators).toEqual({ source: 'deca', target: 'deca' });
    expect(done.provenance.codes.expression[0]).toBeCloseTo(0.25, 6); // the target's DECA expression, not its EMOCA one
    const missing = service.job(jobId).cells.find((c) => c.sourcePhotoId === photoIds[2])!;
    expect(missing.state).toBe('failed');
    expect(missing.error).toMatch(new RegExp(`photo ${photoIds[2]} has no DECA codes \\(it has fit\\); run DECA on its album in Faces`));
    const emoca = service.start(params({ sourcePhotoIds: [photoIds[3]], targetPhotoIds: [photoIds[1]], modes: ['exp'], sourceEstimator: 'deca', targetEstimator: 'emoca', sampler: { steps: 2, seed: 1, inversion: false } }));
    await t.runner.wait(emoca.jobId);
    const [mixed] = service.job(emoca.jobId).results;
    expect(mixed.provenance.estimators).toEqual({ source: 'deca', target: 'emoca' });
    expect(mixed.provenance.codes.expression[0]).toBeCloseTo(0.5, 6);
  }, 60_000);

  it('cancel mid-job keeps the finished cells and marks the rest cancelled; resume finishes them', async () => {
    const { jobId } = service.start(params({ batchSize: 2, sampler: { steps: 3, seed: 2 } }));
    const firstDone = new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (service.job(jobId).cells.some((c) => c.state === 'done')) {
          clearInterval(check);
          resolve();
        }
      }, 5);
    });
    await firstDone;
    t.runner.cancel(jobId);
    expect((await t.runner.wait(jobId)).state).toBe('cancelled');
    const cells = service.job(jobId).cells;
    const done = cells.filter((c) => c.state === 'done');
    const cancelled = cells.filter((c) => c.state === 'cancelled');
    expect(done.length).toBeGreaterThan(0);
    expect(cancelled.length).toBeGreaterThan(0);
    expect(done.length + cancelled.length).toBe(12);
    expect(service.job(jobId).results).toHaveLength(done.length);
    t.runner.resume(jobId);
    expect((await t.runner.wait(jobId)).state).toBe('done');
    expect(service.job(jobId).cells.every((c) => c.state === 'done')).toBe(true);
    expect(service.job(jobId).results).toHaveLength(12);
  }, 120_000);

  it('exports results as files with provenance and scores CSV, and deletes results with their images', async () => {
    const [job] = service.recentJobs(50).slice(-1);
    const out = join(t.root, 'export');
    const exported = await service.exportResults(job.jobId, out);
    expect(exported.files).toContain('grid.png');
    expect(exported.files).toContain('scores.csv');
    expect(exported.files.filter((f) => f.endsWith('.json'))).toHaveLength(12);
    const csv = readFileSync(join(out, 'scores.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(13);
    // one model and sampler: one row of the comparison, and its plot
    expect(readFileSync(join(out, 'comparison.csv'), 'utf8').trim().split('\n')).toHaveLength(2);
    expect(readFileSync(join(out, 'comparison.svg'), 'utf8')).toMatch(/^<svg[\s\S]*ddim \d+ — 12 results[\s\S]*<\/svg>$/);
    const albumId = t.library.listAlbums()[0].id;
    const before = service.results(albumId).length;
    const victim = service.job(job.jobId).results[0];
    expect(service.delete([victim.id])).toEqual({ deleted: 1 });
    expect(service.results(albumId)).toHaveLength(before - 1);
    await expect(service.image(victim.id, 'generated')).rejects.toThrow(/does not exist/);
  }, 60_000);

  it('scores each result as it is stored (scorer inputs: the generated image, the source image, the target photo, the edited landmarks)', async () => {
    const seen: ScoreInput[] = [];
    const scorer: Scorer = { score: async (input) => (seen.push(input), { identity: null, emotion: 0.5, landmarkError: 1.25, notes: ['test'] }) };
    (engine.deps as { scorer: Scorer | null }).scorer = scorer;
    (engine.deps as { assets?: () => { modelPath: null; decaDataDir: null } }).assets = () => ({ modelPath: null, decaDataDir: null });
    try {
      // the target's codes in use are from elsewhere (an earlier test made them EMOCA's), so the project's estimator re-estimates
      service.editor.estimates.saveCodes(photoIds[1], { name: 'synthetic', version: '1' }, syntheticCodes(1));
      const { jobId } = service.start(params({ sourcePhotoIds: [photoIds[0]], targetPhotoIds: [photoIds[1]], modes: ['exp'], scores: true }));
      expect((await t.runner.wait(jobId)).state).toBe('done');
      const [result] = service.job(jobId).results;
      expect(result.scores).toEqual({ identity: null, emotion: 0.5, landmarkError: 1.25, notes: ['test'] });
      expect(seen).toHaveLength(1);
      expect(seen[0].generated).toMatchObject({ width: size, height: size });
      expect(seen[0].targetPath).toContain(t.library.getPhoto(photoIds[1]).hash);
      expect(seen[0].sourcePath).toContain(t.library.getPhoto(photoIds[0]).hash);
      expect(seen[0].editedLandmarks).toHaveLength(136);
      // the expression is re-estimated by landmark fitting (the project's estimator) against the edit's exp + jaw
      expect(seen[0].expression).toEqual({ spec: { kind: 'fit', flameModel: null, decaDataDir: null }, estimator: 'fit', requested: expressionVector(result.provenance.codes) });
      expect(service.scoresCsv(jobId).csv).toContain(`${result.id},${photoIds[0]},${photoIds[1]},exp,"${result.provenance.model.name}",ddim,${result.provenance.sampler.steps},${Math.round(result.provenance.timing.totalMs) / 1000},,0.5,1.25,,,,,,"test"`);
    } finally {
      (engine.deps as { scorer: Scorer | null }).scorer = null;
      delete (engine.deps as { assets?: unknown }).assets;
    }
  }, 60_000);

  it('refuses bad requests with clear errors', () => {
    expect(() => service.start(params({ modelId: 999 }))).toThrow(/model 999 is not registered/);
    expect(() => service.start(params({ sourcePhotoIds: [12345] }))).toThrow(/photo 12345 does not exist/);
    expect(() => service.start(params({ sampler: { steps: 3, eta: 0.5, seed: 0, clip: true, inversion: true } }))).toThrow(/inversion needs η = 0/);
    expect(() => service.start(params({ targetPhotoIds: [] }))).toThrow(/at least one target/);
  });
});
