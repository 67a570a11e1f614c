import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { open } from 'lmdb';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packCode } from '../../../src/common/flame/codes';
import { workerTasks } from '../../../src/main/app/workerTasks';
import { PhysicalRenderer } from '../../../src/main/diffusion/buffers';
import { loadModelImage } from '../../../src/main/diffusion/images';
import { hostTasks } from '../../../src/main/app/hostTasks';
import { InProcessEngine } from '../../../src/main/engine/client';
import { EstimateStore } from '../../../src/main/estimate/store';
import { defaultDemoHeadDir, headModelDeps } from '../../../src/main/head/activeModel';
import { unpickle } from '../../../src/main/io/pickle';
import type { NdArray } from '../../../src/main/io/ndarray';
import { InlinePool } from '../../../src/main/jobs/pool';
import { blobPath } from '../../../src/main/library/paths';
import { datasetExportJobKind, type DatasetExportResult } from '../../../src/main/train/datasetExportJob';
import { inspectTrainingLmdb, readTrainingLmdb } from '../../../src/main/train/lmdbDataset';
import { trainBaseJobKind, type TrainBaseJobResult } from '../../../src/main/train/trainBaseJob';
import { finetuneJobKind } from '../../../src/main/train/finetuneJob';
import { addTrainingSet, listTrainingSets } from '../../../src/main/train/trainingSets';
import { writeSyntheticFaces } from '../../helpers/editFixture';
import { openTestProject, type TestProject } from '../library/harness';

// Albums → an LMDB training set (upstream's layout) → imported in place → stage-1 training on it.
describe('dataset export and import', () => {
  let t: TestProject;
  let albums: number[];
  const size = 16;
  const engine = new InProcessEngine(hostTasks, { backend: { providers: ['cpu'] }, trainBackend: { providers: ['cpu'], graphOptimizationLevel: 'basic' } });
  const pool = new InlinePool(workerTasks);
  const headModel = headModelDeps({ flameFiles: () => null, demoHeadDir: defaultDemoHeadDir() }).loadActiveModel;

  beforeAll(async () => {
    t = openTestProject();
    t.runner.register(datasetExportJobKind({ project: t.project, pool, headModel }));
    t.runner.register(trainBaseJobKind({ project: t.project, pool, engine, headModel }));
    t.runner.register(finetuneJobKind({ project: t.project, pool, engine, headModel }));
    albums = [t.library.createAlbum('A').id, t.library.createAlbum('B').id];
    const faces = await writeSyntheticFaces(t.root, 3, 32);
    const estimates = new EstimateStore(t.project.db);
    for (const [k, face] of faces.entries()) {
      const album = albums[k === 0 ? 0 : 1];
      expect((await t.importPaths(album, [face.path])).result.imported).toBe(1);
      estimates.saveCodes(t.library.listPhotos(album, 0, 10).items.at(-1)!.id, { name: 'fit', version: '1' }, face.codes);
    }
  }, 120_000);

  afterAll(async () => {
    await engine.close();
    await t.close();
  });

  const exportTo = async (out: string, extra: object = {}) => {
    const job = t.runner.start('dataset-export', { albumIds: albums, out, imageSize: size, ...extra });
    return t.runner.wait(job.id);
  };

  it('writes every photo with the buffers and image training here uses, and python3-lmdb reads it as upstream does', async () => {
    const out = join(t.root, 'exported');
    const info = await exportTo(out, { meanShape: true });
    expect(info.state, info.message).toBe('done');
    expect(info.result as DatasetExportResult).toMatchObject({ out, length: 3, imageSize: size, layout: 'v1', meanShape: true, estimators: ['fit'] });
    expect(await inspectTrainingLmdb(out)).toMatchObject({ length: 3, imageSize: size, v2: false, hasMeanShape: true });

    // record 0 is the first photo of album A, rendered with the mean shape of all three
    const estimates = new EstimateStore(t.project.db);
    const photos = albums.flatMap((a) => t.library.listPhotos(a, 0, 10).items);
    const shapes = photos.map((p) => estimates.requireCodes(p.id).codes.shape);
    const mean = shapes[0].map((_, i) => shapes.reduce((s, shape) => s + shape[i] / shapes.length, 0));
    const renderer = new PhysicalRenderer(pool, await headModel());
    const expected = await renderer.render({ ...estimates.requireCodes(photos[0].id).codes, shape: mean }, size);
    const [pair] = await readTrainingLmdb(out, size);
    expect(pair.physical).toEqual(expected.physical);
    expect(pair.image).toEqual(await loadModelImage(blobPath(t.project.paths, photos[0].hash), size));
    const stored = unpickle(readFileSync(join(out, 'mean_shape.pkl'))) as NdArray;
    expect(stored.shape).toEqual([1, 100]);
    Array.from(stored.data as Float32Array).forEach((v, i) => expect(v).toBeCloseTo(mean[i], 5));

    const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
    const report = JSON.parse(execFileSync(python, [resolve(__dirname, '../../python/check_training_lmdb.py'), out, String(size)], { encoding: 'utf8' }));
    expect(report).toMatchObject({ length: 3, size, v2: false });
  }, 60_000);

  it('adds shape_i and identity_i for a v2 model, refuses codes from another estimator and an occupied folder', async () => {
    // the synthetic photos have codes but no estimate record, so no albedo code: the message says so
    const missing = await exportTo(join(t.root, 'v2-missing'), { layout: 'v2' });
    expect(missing.state).toBe('failed');
    expect(missing.message).toMatch(/photo \d+ has codes but no estimate record, so no albedo code/);
    expect(existsSync(join(t.root, 'v2-missing', 'data.mdb'))).toBe(false);
    // with estimate records holding an albedo code, identity_i is [β, albedo code]
    const estimates = new EstimateStore(t.project.db);
    const photos = albums.flatMap((a) => t.library.listPhotos(a, 0, 10).items);
    const albedo = Float32Array.from({ length: 50 }, (_, i) => (i - 25) / 10);
    for (const photo of photos) {
      const codes = estimates.requireCodes(photo.id).codes;
      const code = packCode(codes);
      code.set(albedo, 100);
      const record = { estimator: 'fit', version: '1', faceIndex: 0, faceBoxes: [], score: 1, landmarks: [], alignedLandmarks: [], alignTransform: [1, 0, 0, 0, 1, 0], decaTransform: [1, 0, 0, 0, 1, 0], code, camAligned: codes.camera, emotion: {}, alreadyAligned: true };
      // the first photo's estimate has an aligned crop on disk: the set takes that image (its codes' frame)
      const aligned = photo.id === photos[0].id ? 'aligned-first.png' : 'missing.png';
      estimates.save(photo.id, null, record as unknown as Parameters<EstimateStore['save']>[2], aligned);
    }
    const crop = join(t.project.dir, 'aligned-first.png');
    await sharp({ create: { width: 24, height: 24, channels: 3, background: { r: 200, g: 10, b: 90 } } }).png().toFile(crop);
    const out = join(t.root, 'v2');
    const v2 = await exportTo(out, { layout: 'v2' });
    expect(v2.state, v2.message).toBe('done');
    expect(await inspectTrainingLmdb(out)).toMatchObject({ length: 3, v2: true });
    const db = open({ path: out, readOnly: true, encoding: 'binary', keyEncoding: 'binary' });
    const identity = unpickle(db.getBinary(Buffer.from('identity_000002'))!) as NdArray;
    const shape = unpickle(db.getBinary(Buffer.from('shape_000002'))!) as NdArray;
    await db.close();
    const own = estimates.requireCodes(photos[2].id).codes.shape;
    expect(Array.from(shape.data as Float32Array)).toEqual(Array.from(Float32Array.from(own)));
    expect(Array.from(identity.data as Float32Array)).toEqual(Array.from(Float32Array.from([...own, ...albedo])));
    const [first, , third] = await readTrainingLmdb(out, size);
    expect(first.image).toEqual(await loadModelImage(crop, size));
    expect(third.image).toEqual(await loadModelImage(blobPath(t.project.paths, photos[2].hash), size));
    const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
    expect(JSON.parse(execFileSync(python, [resolve(__dirname, '../../python/check_training_lmdb.py'), out, String(size)], { encoding: 'utf8' }))).toMatchObject({ length: 3, v2: true });

    const other = await exportTo(join(t.root, 'deca'), { estimator: 'deca' });
    expect(other.state).toBe('failed');
    expect(other.message).toContain('3 of 3 photos have codes from fit, not deca');
    const occupied = await exportTo(join(t.root, 'exported'));
    expect(occupied.state).toBe('failed');
    expect(occupied.message).toContain(`${join(t.root, 'exported', 'data.mdb')} already exists`);
    // the refused export left the earlier set whole
    expect((await inspectTrainingLmdb(join(t.root, 'exported'))).length).toBe(3);
  }, 60_000);

  it('trains a base model on an imported set read in place', async () => {
    const out = join(t.root, 'exported');
    addTrainingSet(t.project.db, 'lab set', await inspectTrainingLmdb(out));
    expect(listTrainingSets(t.project.db).map((s) => [s.name, s.path, s.length])).toEqual([['lab set', out, 3]]);
    const job = t.runner.start('train-base', { trainingSets: ['lab set'], imageSize: size, channels: 32, channelMult: [1, 2], resBlocks: 1, attentionResolutions: [], latentDim: 16, steps: 2, batchSize: 2, checkpointInterval: 100 });
    const info = await t.runner.wait(job.id);
    expect(info.state, info.message).toBe('done');
    const trained = info.result as TrainBaseJobResult;
    expect(trained.step).toBe(2);
    expect(t.runner.get(job.id).log.map((l) => l.text).join('\n')).toContain('3 training pairs at 16 px from training set(s) lab set');
    // fine-tuning that model on album B (2 photos) and the set (3 records)
    const tune = await t.runner.wait(t.runner.start('finetune', { albumId: albums[1], modelId: trained.model!.id, trainingSets: ['lab set'], steps: 1, batchSize: 2, checkpointInterval: 100 }).id);
    expect(tune.state, tune.message).toBe('done');
    expect(t.runner.get(tune.id).log.map((l) => l.text).join('\n')).toContain('5 training pairs at 16 px (album');
    const wrongSize = await t.runner.wait(t.runner.start('train-base', { trainingSets: ['lab set'], imageSize: 32, steps: 1 }).id);
    expect(wrongSize.message).toContain(`training set "lab set" (${out}) is at 16 px; this run trains at 32 px`);
    const unknown = await t.runner.wait(t.runner.start('train-base', { trainingSets: ['nope'], imageSize: size, steps: 1 }).id);
    expect(unknown.message).toContain('no training set named "nope" (training sets: "lab set"');
  }, 120_000);
});
