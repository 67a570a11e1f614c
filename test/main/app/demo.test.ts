import { existsSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../../src/main/api/dispatch';
import { createHandlers } from '../../../src/main/api/handlers';
import { Backend } from '../../../src/main/app/backend';
import { demoProjectDir, openDemo } from '../../../src/main/app/demo';
import { FlameEvaluator } from '../../../src/common/flame/evaluate';
import { ndcToPixels, orthographicProject } from '../../../src/common/flame/geometry';
import { groundTruthEstimate, groundTruthEstimator } from '../../../src/main/app/demo/groundTruth';
import { demoStagingDir, sceneLandmarks } from '../../../src/main/app/demo/photos';
import { demoExif } from '../../../src/main/app/demo/render';
import { demoScenes, type DemoScene } from '../../../src/main/app/demo/scenes';
import { EstimateStore } from '../../../src/main/estimate/store';
import { blobPath } from '../../../src/main/library/paths';
import { photoHead } from '../../../src/main/viewport/photoHead';
import { tempDir } from '../library/fixtures';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const scenes = demoScenes();
const codesOf = (s: DemoScene) => ({ shape: s.shape, expression: s.expression, pose: s.pose, camera: s.cam, light: s.light });

function demoAlbum(backend: Backend) {
  const { library } = backend.require();
  const album = library.listAlbums().find((a) => a.name === 'Demo')!;
  return { album, photos: library.listPhotos(album.id, 0, 100).items };
}

function importJobs(backend: Backend) {
  return backend.require().jobs.list(100).filter((j) => j.kind === 'import');
}

describe('demo project content', () => {
  const dataDir = join(tmp.dir, 'data');

  it('first open: twelve 512 px renders in the Demo album, labelled synthetic, each with its exact codes as a demo-ground-truth estimate', async () => {
    const backend = new Backend({ mode: 'serve', dataDir, workerScript: 'inline' });
    const started = performance.now();
    // two requests at once (two browser tabs): the second joins the first
    const [a, b] = await Promise.all([openDemo(backend), openDemo(backend)]);
    expect(a).toEqual(b);
    console.log(`demo content generated in ${((performance.now() - started) / 1000).toFixed(1)} s (inline, one thread)`);
    const { project, library } = backend.require();
    const { album, photos } = demoAlbum(backend);
    expect(photos.map((p) => p.fileName)).toEqual(scenes.map((s) => s.fileName));
    expect(photos.every((p) => p.width === 512 && p.height === 512)).toBe(true);
    expect(new Set(photos.map((p) => p.hash)).size).toBe(12);
    expect(importJobs(backend).map((j) => j.state)).toEqual(['done']);

    const detail = library.getPhoto(photos[0].id);
    expect(detail.fileName).toMatch(/^synthetic-demo-head-01-/);
    expect(detail.format).toBe('png');
    expect(detail.metadata).toMatchObject({ cameraMake: demoExif.make, cameraModel: demoExif.model, software: demoExif.software });

    const store = new EstimateStore(project.db);
    for (const [i, photo] of photos.entries()) {
      const estimate = store.codes(photo.id)!;
      const scene = scenes[i];
      expect(estimate.estimator).toBe(groundTruthEstimator);
      expect(estimate.version).toMatch(/exact render inputs/);
      expect(estimate.codes).toEqual({ shape: scene.shape, expression: scene.expression, pose: scene.pose, camera: scene.cam, light: scene.light });
    }
    // one person: the album mean shape is the demo identity
    expect(store.albumMeanShape(album.id)!.map((v, i) => v - scenes[0].shape[i]).every((d) => Math.abs(d) < 1e-6)).toBe(true);
    expect(scenes[0].shape.slice(0, 20).some((v) => v !== 0)).toBe(true);
    // the staged renders are gone once imported
    expect(existsSync(demoStagingDir(project))).toBe(false);
    await backend.close();
  });

  it('opening again adds nothing: same photos, same estimates, no new job', async () => {
    const backend = new Backend({ mode: 'serve', dataDir, workerScript: 'inline' });
    await backend.open(demoProjectDir(dataDir));
    const before = demoAlbum(backend).photos;
    const store = new EstimateStore(backend.require().project.db);
    const estimatedAt = before.map((p) => store.codes(p.id)!.createdAt);
    await openDemo(backend);
    await openDemo(backend);
    const after = demoAlbum(backend).photos;
    expect(after).toEqual(before);
    expect(after.map((p) => new EstimateStore(backend.require().project.db).codes(p.id)!.createdAt)).toEqual(estimatedAt);
    expect(importJobs(backend)).toHaveLength(1);
    await backend.close();
  });

  it("the Edit studio's channels see the demo photos' codes", async () => {
    const backend = new Backend({ mode: 'serve', dataDir, workerScript: 'inline' });
    const handlers = createHandlers(backend);
    await dispatch(handlers, 'project.openDemo', []);
    const { album, photos } = demoAlbum(backend);
    const listed = (await dispatch(handlers, 'edit.estimates', [{ albumId: album.id }])) as { photoId: number; estimator: string }[];
    expect(listed).toEqual(photos.map((p) => ({ photoId: p.id, estimator: groundTruthEstimator })));
    const codes = (await dispatch(handlers, 'edit.photoCodes', [{ photoId: photos[9].id }])) as { pose: number[]; camera: number[] };
    expect(codes.pose).toEqual(scenes[9].pose);
    expect(codes.camera).toEqual(scenes[9].cam);
    await backend.close();
  });

  it("the 3D viewport over a demo photo and photo detail show its ground-truth codes over its aligned crop", async () => {
    const backend = new Backend({ mode: 'serve', dataDir, workerScript: 'inline' });
    const handlers = createHandlers(backend);
    await dispatch(handlers, 'project.openDemo', []);
    const { project } = backend.require();
    const { photos } = demoAlbum(backend);
    const source = { db: project.db, dir: project.dir };
    for (const index of [0, 7]) {
      const scene = scenes[index];
      const photo = photos.find((p) => p.fileName === scene.fileName)!;
      // the same service function the 'viewport.photo' handler calls
      const head = await photoHead(source, photo.id);
      expect(head.estimator).toMatch(/^demo-ground-truth \(demo-scenes-/);
      expect(head.edited).toBe(false);
      expect(head.codes.shape).toEqual(scene.shape);
      expect(head.codes.expression).toEqual(scene.expression);
      expect(head.codes.pose).toEqual(scene.pose);
      expect(head.codes.light).toEqual(scene.light);
      expect(head.codes.camera).toEqual(scene.cam);
      // the aligned crop is the photo halved (2 × 2 box filter)
      expect([head.image.width, head.image.height]).toEqual([256, 256]);
      const crop = await sharp(Buffer.from(head.image.base64, 'base64')).removeAlpha().raw().toBuffer();
      const halved = await sharp(blobPath(project.paths, photo.hash)).removeAlpha().resize(256, 256, { kernel: 'linear' }).raw().toBuffer();
      expect(crop.reduce((sum, v, i) => sum + Math.abs(v - halved[i]), 0) / crop.length).toBeLessThan(2);
    }
    // photo detail's estimate panel reads the same record, with its DECA crop
    const view = (await dispatch(handlers, 'estimate.photo', [{ photoId: photos[3].id }])) as { estimator: string; decaCrop: { width: number }; codes: { pose: number[] } };
    expect(view.estimator).toBe(groundTruthEstimator);
    expect(view.decaCrop.width).toBe(224);
    expect(view.codes.pose).toEqual(scenes[3].pose);
    expect(existsSync(join(project.dir, 'derived', 'deca224', `${photos[3].id}.png`))).toBe(true);
    await backend.close();
  });

  it('a demo project from before the full record gets it (edited codes kept); a photo the user estimated is left alone', async () => {
    const backend = new Backend({ mode: 'serve', dataDir, workerScript: 'inline' });
    await openDemo(backend);
    // openDemo opens the project again: always read through the current one
    const db = () => backend.require().project.db;
    const codes = () => new EstimateStore(db());
    const { photos } = demoAlbum(backend);
    const [old, user] = [photos[5], photos[6]];
    db().prepare('DELETE FROM estimates WHERE photoId IN (?, ?)').run(old.id, user.id);
    const edited = { ...codes().codes(old.id)!.codes, expression: scenes[5].expression.map((v, i) => (i === 0 ? v + 1 : v)) };
    codes().saveCodes(old.id, { name: groundTruthEstimator, version: 'v (edited)' }, edited);
    codes().saveCodes(user.id, { name: 'fit', version: 'mine' }, codes().codes(user.id)!.codes);
    await openDemo(backend);
    const head = await photoHead({ db: db(), dir: backend.require().project.dir }, old.id);
    expect(head.codes.expression).toEqual(edited.expression);
    expect(head.edited).toBe(true);
    expect(codes().codes(old.id)!.version).toBe('v (edited)');
    expect(new EstimateStore(db()).get(user.id)).toBeUndefined();
    expect(codes().codes(user.id)).toMatchObject({ estimator: 'fit', version: 'mine' });
    // put the shared project back as it was for the tests after this one
    db().prepare('DELETE FROM photoCodes WHERE photoId IN (?, ?)').run(old.id, user.id);
    db().prepare('DELETE FROM estimates WHERE photoId = ?').run(old.id);
    await openDemo(backend);
    expect(new EstimateStore(db()).get(user.id)?.estimator).toBe(groundTruthEstimator);
    expect(codes().codes(old.id)!.codes.expression).toEqual(scenes[5].expression);
    await backend.close();
  });

  it('a deleted demo photo comes back (with its estimate); the others are untouched', async () => {
    const backend = new Backend({ mode: 'serve', dataDir, workerScript: 'inline' });
    await openDemo(backend);
    const before = demoAlbum(backend).photos;
    backend.require().library.deletePhotos([before[4].id]);
    await openDemo(backend);
    const after = demoAlbum(backend).photos;
    expect(after.map((p) => p.fileName).sort()).toEqual(scenes.map((s) => s.fileName).sort());
    expect(after.slice(0, 11).map((p) => p.id)).toEqual(before.filter((_, i) => i !== 4).map((p) => p.id));
    const back = after.find((p) => p.fileName === scenes[4].fileName)!;
    expect(back.hash).toBe(before[4].hash); // the same deterministic render
    expect(new EstimateStore(backend.require().project.db).codes(back.id)!.codes.expression).toEqual(scenes[4].expression);
    await backend.close();
  });
});

describe('demo content after a crash', () => {
  it('a process stopped in the middle of the import: the next open resumes that import and completes the album once', async () => {
    const dataDir = join(tmp.dir, 'crash');
    const first = new Backend({ mode: 'serve', dataDir, workerScript: 'inline' });
    const opening = openDemo(first);
    opening.catch(() => undefined);
    // stop once a few photos are in (closing marks the running import interrupted, as recovery does after a kill)
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      const open = first.current;
      if (!open) continue;
      const album = open.library.listAlbums().find((a) => a.name === 'Demo');
      if (album && open.library.listPhotos(album.id, 0, 100).total >= 2) break;
    }
    await first.close();
    await expect(opening).rejects.toThrow(/could not be imported|interrupted/);

    const second = new Backend({ mode: 'serve', dataDir, workerScript: 'inline' });
    await second.open(demoProjectDir(dataDir));
    const partial = demoAlbum(second).photos.length;
    expect(partial).toBeGreaterThanOrEqual(2);
    expect(partial).toBeLessThan(12);
    expect(importJobs(second).map((j) => j.state)).toEqual(['interrupted']);
    await openDemo(second);
    const { photos } = demoAlbum(second);
    expect(photos.map((p) => p.fileName).sort()).toEqual(scenes.map((s) => s.fileName).sort());
    expect(importJobs(second).map((j) => j.state)).toEqual(['done']); // resumed, not a second import
    const store = new EstimateStore(second.require().project.db);
    expect(photos.every((p) => store.codes(p.id)?.estimator === groundTruthEstimator)).toBe(true);
    // every blob file is there
    expect(photos.every((p) => existsSync(blobPath(second.require().project.paths, p.hash)))).toBe(true);
    await second.close();
  });
});

describe('demo photos are the renders of their codes', () => {
  it('re-rendering a photo from its stored codes gives its pixels; changing the jaw does not', async () => {
    const { FlameRenderService } = await import('../../../src/main/flame/renderTask');
    const { InlinePool } = await import('../../../src/main/jobs/pool');
    const { workerTasks } = await import('../../../src/main/app/workerTasks');
    const { defaultDemoHeadDir, loadHeadModel, locateHeadModel } = await import('../../../src/main/head/activeModel');
    const { headTexture, renderDemoScene } = await import('../../../src/main/app/demo/render');
    const dataDir = join(tmp.dir, 'data');
    const backend = new Backend({ mode: 'serve', dataDir, workerScript: 'inline' });
    await openDemo(backend);
    const { project } = backend.require();
    const photos = demoAlbum(backend).photos;
    const head = await loadHeadModel(locateHeadModel({ flameFiles: () => null, demoHeadDir: defaultDemoHeadDir() }));
    const service = new FlameRenderService(new InlinePool(workerTasks));
    const pixels = async (png: Buffer | string) => (await sharp(png).removeAlpha().raw().toBuffer()) as Buffer;
    const meanDifference = (a: Buffer, b: Buffer) => a.reduce((sum, v, i) => sum + Math.abs(v - b[i]), 0) / a.length;
    const evaluator = new FlameEvaluator(head.model);
    for (const index of [2, 9]) {
      const photo = photos.find((p) => p.fileName === scenes[index].fileName)!;
      const codes = new EstimateStore(project.db).codes(photo.id)!.codes;
      const scene = { ...scenes[index], shape: codes.shape, expression: codes.expression, pose: codes.pose, cam: codes.camera as [number, number, number], light: codes.light };
      const stored = await pixels(blobPath(project.paths, photo.hash));
      const again = await renderDemoScene(service, head, headTexture(head), scene);
      expect(meanDifference(await pixels(again.png), stored)).toBe(0);
      // the estimate's landmarks are the rendered head's, and its DECA-crop camera puts them where the crop has them
      const estimate = groundTruthEstimate(scene, sceneLandmarks(evaluator, scene));
      estimate.landmarks.forEach(([x, y], i) => {
        expect(Math.abs(x - again.landmarks[i][0]) + Math.abs(y - again.landmarks[i][1])).toBeLessThan(1e-9);
      });
      const decaCam = estimate.code.subarray(206, 209);
      const inCrop = ndcToPixels(orthographicProject(evaluator.evaluate(codesOf(scene)).landmarks2d, decaCam), 224);
      const [k, , dx, , , dy] = estimate.decaTransform;
      estimate.alignedLandmarks.forEach(([x, y], i) => {
        expect(Math.abs(inCrop[2 * i] - (k * x + dx)) + Math.abs(inCrop[2 * i + 1] - (k * y + dy))).toBeLessThan(1e-3);
      });
      expect(estimate.alignedLandmarks[30][0]).toBeCloseTo(estimate.landmarks[30][0] / 2, 9);
      const moved = await renderDemoScene(service, head, headTexture(head), { ...scene, pose: [...scene.pose.slice(0, 3), scene.pose[3] + 0.15, 0, 0] });
      expect(meanDifference(await pixels(moved.png), stored)).toBeGreaterThan(0.3);
    }
    await backend.close();
  });
});
