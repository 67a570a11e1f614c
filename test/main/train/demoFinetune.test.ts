/**
 * Stage 2 on the demo, end to end: the demo project's Demo base model fine-tuned on the Demo
 * album (upstream's stage-2 settings: batch 4, lr 1e-5, UNet only, album mean shape) registers a
 * personalised model derived from it, and an edit with that model generates a face the
 * detector finds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Backend } from '../../../src/main/app/backend';
import { openDemoProject } from '../../../src/main/app/demo';
import { EditService } from '../../../src/main/edit/service';
import { demoModelName } from '../../../src/main/models/demoModel';
import { ModelRegistry } from '../../../src/main/models/registry';
import type { FinetuneJobResult } from '../../../src/main/train/finetuneJob';

describe('fine-tuning the Demo base model on the Demo album', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rig-demo-finetune-'));
  const backend = new Backend({ mode: 'serve', dataDir: join(dir, 'data'), workerScript: 'inline' });
  afterAll(async () => {
    await backend.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('trains, registers the personalised model, and edits with it', async () => {
    await openDemoProject(backend, join(dir, 'demo'));
    const open = backend.require();
    const registry = new ModelRegistry(open.project.db);
    const base = registry.list().find((m) => m.name === demoModelName)!;
    expect(base, 'the demo project registers the Demo base model').toBeDefined();
    const album = open.library.listAlbums().find((a) => a.name === 'Demo')!;
    const job = open.jobs.start('finetune', { albumId: album.id, modelId: base.id, steps: 30, batchSize: 4, learningRate: 1e-5, seed: 1, checkpointInterval: 10 });
    const info = await open.jobs.wait(job.id);
    expect(info.state, info.message).toBe('done');
    const result = info.result as FinetuneJobResult;
    console.info(`demo fine-tune: loss curve ${result.lossCurve.map((p) => p.loss.toFixed(4)).join(' ')}`);
    expect(result.lossCurve.every((p) => Number.isFinite(p.loss))).toBe(true);
    const personal = registry.get(result.model!.id);
    expect(personal).toMatchObject({ kind: 'personalized', baseModelId: base.id, lineage: { imageSize: 64, albumId: album.id } });
    // the demo photos' codes are their known render codes, made by no estimator: the base's setting stays
    expect(personal.estimator).toBe(base.estimator);
    expect(Object.keys(personal.lineage!.estimators as object)).toEqual(['demo-ground-truth']);

    const edit = new EditService(backend.edit, open.project, backend.pool, open.jobs);
    const photos = open.library.listPhotos(album.id, 0, 12).items;
    const { jobId } = edit.start({ modelId: personal.id, sourcePhotoIds: [photos[0].id], targetPhotoIds: [photos[4].id], modes: ['exp'], meanShape: true, sampler: { steps: 20, eta: 0, seed: 0, clip: true, inversion: true }, batchSize: 1, scores: true });
    expect((await open.jobs.wait(jobId)).state).toBe('done');
    const [generated] = edit.job(jobId).results;
    expect(generated.provenance.model.kind).toBe('personalized');
    expect(generated.scores?.landmarkError, `no face found: ${generated.scores?.notes.join('; ')}`).not.toBeNull();
  }, 900_000);
});
