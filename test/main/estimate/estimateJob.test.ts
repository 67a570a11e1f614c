import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { hostTasks } from '../../../src/main/app/hostTasks';
import { InProcessEngine } from '../../../src/main/engine/client';
import { workerTasks } from '../../../src/main/app/workerTasks';
import { InlinePool } from '../../../src/main/jobs/pool';
import { estimateJobKind, type EstimateJobResult } from '../../../src/main/estimate/estimateJob';
import { EstimateStore } from '../../../src/main/estimate/store';
import { openTestProject, type TestProject } from '../library/harness';
import { sharedPath } from '../../helpers/shared';

let t: TestProject;
afterEach(async () => t?.close());

describe("the 'estimate' job", () => {
  it('estimates an album: codes + landmarks + aligned crops stored, per-photo problems reported, estimated photos skipped on a new run, mean shape', async () => {
    const pool = new InlinePool(workerTasks);
    t = openTestProject(pool);
    t.runner.register(estimateJobKind({ project: t.project, engine: new InProcessEngine(hostTasks, { backend: { providers: ['cpu'] } }), emit: () => undefined }));
    const src = join(t.root, 'in');
    mkdirSync(src);
    copyFileSync(sharedPath('faces', 'expressions', '4.jpg'), join(src, 'a.jpg'));
    copyFileSync(sharedPath('faces', 'examples', 'alfw1.png'), join(src, 'b.png'));
    await sharp({ create: { width: 120, height: 90, channels: 3, background: '#777' } }).png().toFile(join(src, 'c.png'));
    const album = t.library.createAlbum('A');
    expect((await t.importPaths(album.id, [src])).result.imported).toBe(3);

    const job = t.runner.start('estimate', { albumId: album.id, estimator: { kind: 'deca', checkpoint: sharedPath('fixtures', 'deca-a', 'deca_model.tar') } });
    const info = await t.runner.wait(job.id);
    expect(info.state).toBe('done');
    const result = info.result as EstimateJobResult;
    expect(result.total).toBe(3);
    expect(result.counts).toEqual({ done: 2, 'no-face': 1 });
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatchObject({ state: 'no-face', reason: 'no face found' });
    expect(result.meanShape).toHaveLength(100);

    const table = new EstimateStore(t.project.db);
    const stored = table.listAlbum(album.id);
    expect(stored).toHaveLength(2);
    for (const e of stored) {
      expect(e.estimator).toBe('deca');
      expect(e.estimatorVersion).toMatch(/^deca_model\.tar@/);
      expect(e.code).toHaveLength(236);
      expect(e.landmarks).toHaveLength(68);
      expect(existsSync(join(t.project.paths.dir, e.alignedPath))).toBe(true);
      // both derived crops are kept, each with its transform
      expect(existsSync(join(t.project.paths.dir, e.details.decaCropPath as string))).toBe(true);
      expect(e.alignTransform).toHaveLength(6);
      expect(e.decaTransform).toHaveLength(6);
      expect(Object.keys(e.emotion)).toHaveLength(7);
    }
    const mean = table.estimatedMeanShape(album.id)!;
    expect(mean[0]).toBeCloseTo((stored[0].code[0] + stored[1].code[0]) / 2, 5);
    // mirrored for the Edit studio
    const edit = new EstimateStore(t.project.db).codes(stored[0].photoId)!;
    expect(edit.estimator).toBe('deca');
    expect(edit.codes.camera).toEqual(stored[0].camAligned);

    // running again skips estimated photos; only the faceless one is tried
    const again = await t.runner.wait(t.runner.start('estimate', { albumId: album.id, estimator: { kind: 'deca', checkpoint: sharedPath('fixtures', 'deca-a', 'deca_model.tar') } }).id);
    expect((again.result as EstimateJobResult).total).toBe(1);
    expect((again.result as EstimateJobResult).fitting).toBeUndefined();
  });

  it('landmark fitting reports its errors, iterations and time in the job result', async () => {
    const pool = new InlinePool(workerTasks);
    t = openTestProject(pool);
    t.runner.register(estimateJobKind({ project: t.project, engine: new InProcessEngine(hostTasks, { backend: { providers: ['cpu'] } }), emit: () => undefined }));
    const src = join(t.root, 'in');
    mkdirSync(src);
    copyFileSync(sharedPath('faces', 'expressions', '0.jpg'), join(src, 'a.jpg'));
    const album = t.library.createAlbum('F');
    await t.importPaths(album.id, [src]);
    const info = await t.runner.wait(t.runner.start('estimate', { albumId: album.id, estimator: { kind: 'fit' } }).id);
    expect(info.state).toBe('done');
    const fitting = (info.result as EstimateJobResult).fitting!;
    expect(fitting.photos).toBe(1);
    expect(fitting.meanFinalError).toBeLessThan(fitting.meanInitialError);
    expect(fitting.meanIterations).toBeGreaterThan(1);
    expect(fitting.meanMilliseconds).toBeGreaterThan(0);
    expect(new EstimateStore(t.project.db).listAlbum(album.id)[0].estimatorVersion).toContain('Demo head');
  });
});
