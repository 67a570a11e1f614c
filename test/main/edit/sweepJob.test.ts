import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EditCellEvent } from '../../../src/common/contract/edit';
import { sweepParamsSchema } from '../../../src/common/contract/edit';
import { EditEngine } from '../../../src/main/edit/engine';
import { EditService } from '../../../src/main/edit/service';
import { sweepCodes, sweepJobKind } from '../../../src/main/edit/sweepJob';
import { InlinePool } from '../../../src/main/jobs/pool';
import { workerTasks } from '../../../src/main/app/workerTasks';
import { ModelRegistry } from '../../../src/main/models/registry';
import { hostTasks } from '../../../src/main/app/hostTasks';
import { InProcessEngine } from '../../../src/main/engine/client';
import { defaultDemoHeadDir, headModelDeps } from '../../../src/main/head/activeModel';
import { openTestProject, type TestProject } from '../library/harness';
import { tinyConfig, writeSyntheticFaces, writeTinyCheckpoint } from '../../helpers/editFixture';

const size = 32;

describe('sweeps as jobs (light rotation, expression A→B)', () => {
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
    t.runner.register(sweepJobKind({ project: t.project, pool, emit: (name, payload) => t.events.push({ name, payload } as never), engine }));
    const album = t.library.createAlbum('Person');
    const faces = await writeSyntheticFaces(t.root, 3, 64);
    await t.importPaths(album.id, faces.map((f) => f.path));
    photoIds = t.library.listPhotos(album.id, 0, 10).items.map((p) => p.id);
    service = new EditService(engine, t.project, pool, t.runner);
    photoIds.forEach((id, k) => service.editor.estimates.saveCodes(id, { name: 'synthetic', version: '1' }, faces[k].codes));
    const checkpoint = writeTinyCheckpoint(t.root);
    modelId = new ModelRegistry(t.project.db).add({
      name: 'tiny', kind: 'base', sourcePath: checkpoint, filePath: checkpoint, format: 'safetensors',
      sha256: createHash('sha256').update(readFileSync(checkpoint)).digest('hex'), sizeBytes: statSync(checkpoint).size,
      config: tinyConfig, parameterCount: 0, baseModelId: null, lineage: { imageSize: size },
    }).model.id;
  }, 60_000);

  afterAll(async () => {
    await engine.dispose();
    await t.close();
  });

  const sweep = (extra: Record<string, unknown>) => sweepParamsSchema.parse({ modelId, sourcePhotoId: photoIds[0], kind: 'light', frames: 3, sampler: { steps: 2 }, ...extra });

  it('a light sweep job stores each frame as a result with provenance, reports progress per frame, and gives a strip and an animated WebP', async () => {
    const params = sweep({});
    const { jobId } = service.startSweep(params);
    const job = await t.runner.wait(jobId);
    expect(job.state).toBe('done');
    expect(job.result).toEqual({ frames: 3, done: 3, failed: 0, cancelled: 0 });
    expect(job.message).toBe('3 of 3 frames');
    const frameEvents = t.events.filter((e) => e.name === 'edit.cell' && (e.payload as EditCellEvent).jobId === jobId);
    expect(frameEvents.map((e) => (e.payload as EditCellEvent).cell.idx)).toEqual([0, 1, 2]);

    const view = await service.sweepView(jobId);
    expect(view).toMatchObject({ jobId, state: 'done', frames: 3 });
    expect(view.results.map((r) => r.modes)).toEqual(['sweep-light', 'sweep-light', 'sweep-light']);
    // provenance holds each frame's exact codes (the rotated light) and the sampler
    const base = service.editor.prepare({ sourcePhotoId: photoIds[0], targetPhotoId: null, modes: [] }, { meanShape: true }).codes;
    const expected = sweepCodes(params, base);
    view.results.forEach((r, k) => {
      expect(r.provenance.codes.light).toEqual(expected[k].light);
      expect(r.provenance.sampler).toMatchObject({ steps: 2, seed: 0 });
    });
    expect(view.strip).toMatchObject({ mime: 'image/png', width: 3 * size, height: size });
    const strip = await sharp(Buffer.from(view.strip!.base64, 'base64')).raw().toBuffer({ resolveWithObject: true });
    const frame = (k: number) => Buffer.concat(Array.from({ length: size }, (_, y) => strip.data.subarray((y * 3 * size + k * size) * 3, (y * 3 * size + (k + 1) * size) * 3)));
    expect(frame(0).equals(frame(1))).toBe(false); // the light moved
    const animation = await sharp(Buffer.from(view.animation!.base64, 'base64'), { animated: true }).metadata();
    expect(animation).toMatchObject({ format: 'webp', pages: 3, width: size, pageHeight: size });
    // a frame re-runs to the same pixels like any edit result
    expect(await service.rerun(view.results[1].id)).toMatchObject({ identical: true, maxPixelDifference: 0 });
    expect((await service.sweepView(jobId, false)).strip).toBeNull();
  }, 60_000);

  it('cancel keeps the frames done and marks the rest cancelled; resume finishes the sweep', async () => {
    const { jobId } = service.startSweep(sweep({ frames: 4, sampler: { steps: 3, seed: 5 } }));
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (service.editor.store.cells(jobId).some((c) => c.state === 'done')) {
          clearInterval(check);
          resolve();
        }
      }, 5);
    });
    t.runner.cancel(jobId);
    expect((await t.runner.wait(jobId)).state).toBe('cancelled');
    const view = await service.sweepView(jobId);
    const done = view.cells.filter((c) => c.state === 'done').length;
    expect(done).toBeGreaterThan(0);
    expect(done).toBeLessThan(4);
    expect(view.cells.filter((c) => c.state === 'cancelled')).toHaveLength(4 - done);
    expect(view.results).toHaveLength(done);
    expect(view.strip!.width).toBe(done * size);
    t.runner.resume(jobId);
    expect((await t.runner.wait(jobId)).state).toBe('done');
    const finished = await service.sweepView(jobId);
    expect(finished.results).toHaveLength(4);
    expect(finished.strip!.width).toBe(4 * size);
  }, 60_000);

  it('expression A→B interpolates between the two photos; bad requests fail up front with clear errors', async () => {
    const { jobId } = service.startSweep(sweep({ kind: 'expression', fromPhotoId: photoIds[1], toPhotoId: photoIds[2], frames: 2 }));
    expect((await t.runner.wait(jobId)).state).toBe('done');
    const view = await service.sweepView(jobId);
    expect(view.results.map((r) => r.modes)).toEqual(['sweep-expression', 'sweep-expression']);
    expect(view.results[0].provenance.codes.expression).toEqual(service.editor.estimates.requireCodes(photoIds[1]).codes.expression);
    expect(view.results[1].provenance.codes.expression).toEqual(service.editor.estimates.requireCodes(photoIds[2]).codes.expression);
    expect(view.strip!.width).toBe(2 * size);
    expect(() => service.startSweep(sweep({ kind: 'expression' }))).toThrow(/needs fromPhotoId and toPhotoId/);
    expect(() => service.startSweep(sweep({ modelId: 999 }))).toThrow(/model 999 is not registered/);
    expect(() => service.startSweep(sweep({ sourcePhotoId: 4321 }))).toThrow(/photo 4321 does not exist/);
    await expect(service.sweepView(99_999)).rejects.toThrow();
  }, 60_000);
});
