import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlbumEstimates, EstimatorReport, PhotoEstimateView } from '../../../src/common/contract';
import { dispatch } from '../../../src/main/api/dispatch';
import { createHandlers } from '../../../src/main/api/handlers';
import { Backend } from '../../../src/main/app/backend';
import { EstimateStore } from '../../../src/main/estimate/store';
import { sharedPath } from '../../helpers/shared';
import { tempDir } from '../library/fixtures';

// The estimate channels end to end over the real handlers and the real 'estimate' job (landmark
// fitting on the demo head, so no checkpoint is needed), worker tasks run inline.

const tmp = tempDir();
const backend = new Backend({ mode: 'serve', dataDir: join(tmp.dir, 'data'), workerScript: 'inline' });
const handlers = createHandlers(backend);
const call = <T>(channel: string, ...params: unknown[]) => dispatch(handlers, channel, params) as Promise<T>;

let albumId: number;
let photoIds: Record<string, number>;

async function runJob(jobId: number) {
  return backend.require().jobs.wait(jobId);
}

beforeAll(async () => {
  await call('project.create', { dir: join(tmp.dir, 'project'), name: 'P' });
  albumId = (await call<{ id: number }>('album.create', { name: 'Faces' })).id;
  const src = join(tmp.dir, 'in');
  mkdirSync(src);
  copyFileSync(sharedPath('faces', 'examples', 'alfw1.png'), join(src, 'one.png'));
  // two faces side by side: the user has to pick one
  const face = await sharp(sharedPath('faces', 'examples', 'alfw2.png')).resize(300, 300).png().toBuffer();
  await sharp({ create: { width: 640, height: 320, channels: 3, background: '#808080' } })
    .composite([
      { input: face, left: 10, top: 10 },
      { input: face, left: 330, top: 10 },
    ])
    .png()
    .toFile(join(src, 'two.png'));
  await sharp({ create: { width: 160, height: 120, channels: 3, background: '#777' } }).png().toFile(join(src, 'empty.png'));
  const { jobId } = await call<{ jobId: number }>('import.start', { albumId, paths: [src] });
  expect((await runJob(jobId)).state).toBe('done');
  const page = await call<{ items: { id: number; fileName: string }[] }>('photo.list', { albumId, offset: 0, limit: 10 });
  photoIds = Object.fromEntries(page.items.map((p) => [p.fileName, p.id]));
}, 120_000);

afterAll(async () => {
  await backend.close();
  tmp.cleanup();
});

describe('estimator choice (Settings)', () => {
  it('defaults to landmark fitting on the demo head and says so', async () => {
    const report = await call<EstimatorReport>('estimate.estimator.get');
    expect(report.choice).toEqual({ kind: 'fit' });
    expect(report.ok).toBe(true);
    expect(report.summary).toMatch(/demo head \(not FLAME\)/);
  });

  it('names the wrong file and what is wrong with it', async () => {
    const missing = await call<EstimatorReport>('estimate.estimator.check', { kind: 'deca', checkpoint: join(tmp.dir, 'nope.tar') });
    expect(missing.ok).toBe(false);
    expect(missing.checks[0]).toMatchObject({ status: 'missing', message: expect.stringContaining('nope.tar does not exist') });

    const text = join(tmp.dir, 'notes.tar');
    writeFileSync(text, 'x'.repeat(4096));
    const wrong = await call<EstimatorReport>('estimate.estimator.check', { kind: 'deca', checkpoint: text });
    expect(wrong.checks[0]).toMatchObject({ status: 'invalid', message: expect.stringContaining('not a PyTorch checkpoint') });

    const folder = await call<EstimatorReport>('estimate.estimator.check', { kind: 'deca', checkpoint: tmp.dir });
    expect(folder.checks[0].message).toMatch(/is a folder/);

    const good = await call<EstimatorReport>('estimate.estimator.check', { kind: 'deca', checkpoint: sharedPath('fixtures', 'deca-a', 'deca_model.tar') });
    expect(good.ok).toBe(true);
    expect(good.summary).toBe('DECA (deca_model.tar)');
  });

  it("checks EMOCA's cfg.yaml for the expression encoder it can run", async () => {
    const checkpoint = sharedPath('fixtures', 'deca-a', 'deca_model.tar');
    const config = join(tmp.dir, 'cfg.yaml');
    writeFileSync(config, 'model:\n  expression_backbone: swin\n  n_exp: 50\n');
    const unsupported = await call<EstimatorReport>('estimate.estimator.check', { kind: 'emoca', checkpoint, config });
    expect(unsupported.ok).toBe(false);
    expect(unsupported.checks[1].message).toMatch(/'swin' is not supported/);
    writeFileSync(config, 'model:\n  expression_backbone: deca_clone\n  n_exp: 50\n');
    expect((await call<EstimatorReport>('estimate.estimator.check', { kind: 'emoca', checkpoint, config })).ok).toBe(true);
    writeFileSync(config, 'learning_rate: 0.1\n');
    expect((await call<EstimatorReport>('estimate.estimator.check', { kind: 'emoca', checkpoint, config })).checks[1].message).toMatch(/no model\.expression_backbone/);
  });

  it('is saved with the project, and a broken choice refuses to start a job with the reason', async () => {
    await call('estimate.estimator.set', { kind: 'deca', checkpoint: join(tmp.dir, 'gone.tar') });
    expect((await call<EstimatorReport>('estimate.estimator.get')).choice).toEqual({ kind: 'deca', checkpoint: join(tmp.dir, 'gone.tar') });
    await expect(call('estimate.start', { albumId })).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/DECA checkpoint: .*gone\.tar does not exist/) });
    // a FLAME file in Settings without DECA's landmark embedding cannot be fitted
    await call('flame.assets.set', { modelPath: sharedPath('fixtures', 'flame-synthetic', 'generic_model.pkl'), decaDataDir: null });
    const fit = await call<EstimatorReport>('estimate.estimator.set', { kind: 'fit' });
    expect(fit.ok).toBe(false);
    expect(fit.checks[0].message).toMatch(/landmark_embedding\.npy/);
    await call('flame.assets.set', { modelPath: null, decaDataDir: null });
    expect((await call<EstimatorReport>('estimate.estimator.get')).ok).toBe(true);
  });
});

describe('estimation of an album', () => {
  it('reports per-photo outcomes, lets the user pick one of several faces, and shows the estimate', async () => {
    const { jobId } = await call<{ jobId: number }>('estimate.start', { albumId });
    expect((await runJob(jobId)).state).toBe('done');
    let album = await call<AlbumEstimates>('estimate.album', { albumId });
    expect(album).toMatchObject({ photoCount: 3, estimatedCount: 1, byEstimator: { fit: 1 }, codeSources: { 'demo-head-fit': 1 }, editedCount: 0, lastJob: { jobId, state: 'done' } });
    expect(album.meanShape).toHaveLength(100);
    const byFile = Object.fromEntries(album.outcomes.map((o) => [o.fileName, o]));
    expect(Object.keys(byFile).sort()).toEqual(['empty.png', 'two.png']);
    expect(byFile['empty.png']).toMatchObject({ state: 'no-face' });
    expect(byFile['two.png'].state).toBe('several-faces');
    expect(byFile['two.png'].faceBoxes).toHaveLength(2);
    const [left, right] = [...byFile['two.png'].faceBoxes].sort((a, b) => a[0] - b[0]);
    expect(left[0] + left[2]).toBeLessThan(330);
    expect(right[0]).toBeGreaterThan(320);

    // the user picks the right-hand face and re-runs that photo
    const rightIndex = byFile['two.png'].faceBoxes.indexOf(byFile['two.png'].faceBoxes.find((b) => b[0] === right[0])!);
    const rerun = await call<{ jobId: number }>('estimate.start', { albumId, photoIds: [photoIds['two.png']], faceChoices: [{ photoId: photoIds['two.png'], faceIndex: rightIndex }] });
    expect((await runJob(rerun.jobId)).state).toBe('done');
    album = await call<AlbumEstimates>('estimate.album', { albumId });
    expect(album.estimatedCount).toBe(2);
    expect(album.outcomes.map((o) => o.fileName)).toEqual(['empty.png']);

    const view = (await call<PhotoEstimateView>('estimate.photo', { photoId: photoIds['two.png'] }))!;
    expect(view.estimator).toBe('fit');
    expect(view.estimatorVersion).toMatch(/^landmark-fit-1\//);
    expect(view.faceIndex).toBe(rightIndex);
    expect(view.photoSize).toEqual({ width: 640, height: 320 });
    expect(view.landmarks).toHaveLength(68);
    // the chosen face's landmarks lie in the right-hand half
    for (const [x] of view.landmarks) expect(x).toBeGreaterThan(320);
    expect(view.aligned).toMatchObject({ width: 256, height: 256, mime: 'image/png' });
    expect(view.decaCrop).toMatchObject({ width: 224, height: 224 });
    // DECA's crop is the one the job kept; when that file is gone it is cut again, the same image
    const stored = new EstimateStore(backend.require().project.db).get(photoIds['two.png'])!;
    expect(typeof stored.details.decaCropPath).toBe('string');
    const keptFile = join(backend.require().project.dir, stored.details.decaCropPath as string);
    expect(view.decaCrop.base64).toBe(readFileSync(keptFile).toString('base64'));
    rmSync(keptFile);
    const recut = (await call<PhotoEstimateView>('estimate.photo', { photoId: photoIds['two.png'] }))!.decaCrop;
    expect(recut).toMatchObject({ width: 224, height: 224 });
    const [keptPixels, recutPixels] = await Promise.all([view.decaCrop, recut].map((image) => sharp(Buffer.from(image.base64, 'base64')).raw().toBuffer()));
    let diff = 0;
    for (let i = 0; i < keptPixels.length; i++) diff += Math.abs(keptPixels[i] - recutPixels[i]);
    expect(diff / keptPixels.length).toBeLessThan(8); // same crop (resampling may differ slightly)
    const decaMeta = await sharp(Buffer.from(recut.base64, 'base64')).stats();
    expect(decaMeta.channels[0].mean).toBeGreaterThan(10); // a crop of the face, not a blank image
    expect(Object.keys(view.emotion)).toHaveLength(7);
    expect(Object.values(view.emotion).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
    expect(view.fit?.finalError).toBeLessThan(view.fit!.initialError);
    expect(view.edited).toBe(false);
    expect(view.codes).toEqual(view.original);

    expect(await call('estimate.photo', { photoId: photoIds['empty.png'] })).toBeNull();
  }, 120_000);

  it('saves edited codes for editing, keeps the original, and restores it', async () => {
    const photoId = photoIds['one.png'];
    const before = (await call<PhotoEstimateView>('estimate.photo', { photoId }))!;
    const meanBefore = (await call<AlbumEstimates>('estimate.album', { albumId })).meanShape!;
    const codes = { ...before.codes, shape: before.codes.shape.map((v, i) => (i === 0 ? v + 1 : v)), expression: before.codes.expression.map((v, i) => (i === 0 ? v + 1.5 : v)), pose: before.codes.pose.map((v, i) => (i === 3 ? 0.2 : v)) };
    const saved = await call<PhotoEstimateView>('estimate.saveCodes', { photoId, codes });
    expect(saved.edited).toBe(true);
    expect(saved.codes.expression[0]).toBeCloseTo(before.codes.expression[0] + 1.5, 5);
    expect(saved.original).toEqual(before.original);
    // what the Edit studio reads is the edited codes
    const studio = new EstimateStore(backend.require().project.db).codes(photoId)!;
    expect(studio.codes.pose[3]).toBeCloseTo(0.2, 6);
    expect(studio.version).toMatch(/\(edited\)$/);
    const album = await call<AlbumEstimates>('estimate.album', { albumId });
    expect(album.editedCount).toBe(1);
    // the album's mean shape is over the codes in use: two photos, one shape value raised by 1
    expect(album.meanShape![0]).toBeCloseTo(meanBefore[0] + 0.5, 5);
    expect(album.meanShape![1]).toBeCloseTo(meanBefore[1], 6);

    const restored = await call<PhotoEstimateView>('estimate.restore', { photoId });
    expect(restored.edited).toBe(false);
    expect(restored.codes).toEqual(before.original);
    expect(new EstimateStore(backend.require().project.db).codes(photoId)!.version).toBe(before.estimatorVersion);

    await expect(call('estimate.saveCodes', { photoId, codes: { ...codes, shape: [1, 2] } })).rejects.toMatchObject({ code: 'invalid-params' });
    await expect(call('estimate.restore', { photoId: photoIds['empty.png'] })).rejects.toMatchObject({ code: 'not-found', message: expect.stringContaining('empty.png has no FLAME estimate') });
  });

  it('re-runs estimated photos on demand (redo) and the mean shape follows the current codes', async () => {
    const photoId = photoIds['one.png'];
    const skipped = await call<{ jobId: number }>('estimate.start', { albumId, photoIds: [photoId] });
    const info = await runJob(skipped.jobId);
    expect((info.result as { total: number }).total).toBe(0);
    const redo = await call<{ jobId: number }>('estimate.start', { albumId, photoIds: [photoId], redo: true });
    const again = await runJob(redo.jobId);
    expect((again.result as { total: number; counts: Record<string, number> }).counts).toEqual({ done: 1 });
    const album = await call<AlbumEstimates>('estimate.album', { albumId });
    const views = await Promise.all([photoIds['one.png'], photoIds['two.png']].map((id) => call<PhotoEstimateView>('estimate.photo', { photoId: id })));
    expect(album.meanShape![0]).toBeCloseTo((views[0]!.codes.shape[0] + views[1]!.codes.shape[0]) / 2, 6);
    await expect(call('estimate.album', { albumId: 999 })).rejects.toMatchObject({ code: 'not-found' });
  }, 120_000);

  it('a photo a running job has still to do is not a problem; one a stopped job left undone is', async () => {
    const { db } = backend.require().project;
    const photoId = photoIds['empty.png'];
    const insert = db.prepare("INSERT INTO jobs (kind, title, state, params, createdAt) VALUES ('estimate', 'test', @state, @params, '2026-01-01T00:00:00Z')");
    const jobId = Number(insert.run({ state: 'running', params: JSON.stringify({ albumId }) }).lastInsertRowid);
    db.prepare("INSERT INTO estimateItems (jobId, photoId, idx, state) VALUES (@jobId, @photoId, 0, 'pending')").run({ jobId, photoId });
    let album = await call<AlbumEstimates>('estimate.album', { albumId });
    expect(album.outcomes).toEqual([]);
    expect(album.lastJob).toEqual({ jobId, state: 'running' });
    db.prepare("UPDATE jobs SET state = 'cancelled' WHERE id = @jobId").run({ jobId });
    album = await call<AlbumEstimates>('estimate.album', { albumId });
    expect(album.outcomes).toMatchObject([{ photoId, fileName: 'empty.png', state: 'pending', jobId }]);
  });

  it('photos with codes from elsewhere (no estimate record) are counted, and the mean shape is the Edit studio\'s', async () => {
    const { db } = backend.require().project;
    const store = new EstimateStore(db);
    const shape = Array.from({ length: 100 }, (_, i) => (i === 0 ? 10 : 0));
    store.saveCodes(photoIds['empty.png'], { name: 'demo-ground-truth', version: 'test' }, { shape, expression: new Array(50).fill(0), pose: new Array(6).fill(0), camera: [8, 0, 0], light: new Array(27).fill(0) });
    const album = await call<AlbumEstimates>('estimate.album', { albumId });
    expect(album.codesOnly).toEqual({ 'demo-ground-truth': 1 });
    expect(album.estimatedCount).toBe(2);
    expect(album.meanShape).toEqual(store.albumMeanShape(albumId));
    const estimated = [photoIds['one.png'], photoIds['two.png']].map((id) => store.codes(id)!.codes.shape[0]);
    expect(album.meanShape![0]).toBeCloseTo((estimated[0] + estimated[1] + 10) / 3, 6);
  });
});
