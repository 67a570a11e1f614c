import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { editJobParamsSchema } from '../../../src/common/contract/edit';
import { EditEngine } from '../../../src/main/edit/engine';
import { editJobKind } from '../../../src/main/edit/editJob';
import { editHeadModelSource, EditService } from '../../../src/main/edit/service';
import { ModelAssetStore } from '../../../src/main/flame/assets';
import { InlinePool } from '../../../src/main/jobs/pool';
import { workerTasks } from '../../../src/main/app/workerTasks';
import { ModelRegistry } from '../../../src/main/models/registry';
import { hostTasks } from '../../../src/main/app/hostTasks';
import { InProcessEngine } from '../../../src/main/engine/client';
import { sharedPath } from '../../helpers/shared';
import { openTestProject, type TestProject } from '../library/harness';
import { tinyConfig, writeSyntheticFaces, writeTinyCheckpoint } from '../../helpers/editFixture';

const size = 32;

describe('the edit engine renders with the viewport head chosen in Settings', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'edit-head-'));
  const assets = new ModelAssetStore(dataDir);
  const flame = sharedPath('fixtures', 'flame-synthetic', 'generic_model.pkl');
  let loads = 0;
  const source = editHeadModelSource(() => dataDir);
  const engine = new EditEngine({
    engine: new InProcessEngine(hostTasks, { backend: { providers: ['cpu'] } }),
    headModel: () => (loads++, source.headModel()),
    headModelKey: source.headModelKey,
    scorer: null,
  });
  let t: TestProject;
  let service: EditService;
  let photoIds: number[];
  let modelId: number;

  beforeAll(async () => {
    t = openTestProject();
    const pool = new InlinePool(workerTasks);
    t.runner.register(editJobKind({ project: t.project, pool, emit: () => undefined, engine }));
    const album = t.library.createAlbum('Person');
    const faces = await writeSyntheticFaces(t.root, 1, 64);
    await t.importPaths(album.id, faces.map((f) => f.path));
    photoIds = t.library.listPhotos(album.id, 0, 10).items.map((p) => p.id);
    service = new EditService(engine, t.project, pool, t.runner);
    service.editor.estimates.saveCodes(photoIds[0], { name: 'synthetic', version: '1' }, faces[0].codes);
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

  async function generateOne() {
    const params = editJobParamsSchema.parse({ modelId, sourcePhotoIds: photoIds, targetPhotoIds: photoIds, modes: ['light'], sampler: { steps: 2, seed: 3 }, scores: false });
    const { jobId } = service.start(params);
    expect((await t.runner.wait(jobId)).state).toBe('done');
    return service.job(jobId).results[0].provenance;
  }

  it('demo head without Settings; the FLAME file once set (loaded once, then kept); back to the demo head when cleared', async () => {
    const demo = await engine.headModel();
    expect(demo.source).toBe('demo');
    const demoResult = await generateOne();
    expect(demoResult.headModel).toBe('Demo head (not FLAME)');

    await assets.set({ modelPath: flame, decaDataDir: null });
    const before = loads;
    const researcher = await engine.headModel();
    expect(researcher).toMatchObject({ source: 'flame', label: 'generic_model.pkl', path: flame });
    expect(researcher.model.vertexCount).toBe(5023);
    expect(await engine.headModel()).toBe(researcher);
    expect(loads).toBe(before + 1);
    const flameResult = await generateOne();
    expect(flameResult.headModel).toBe('generic_model.pkl');
    expect(flameResult.buffersHash).not.toBe(demoResult.buffersHash);

    await assets.set({ modelPath: null, decaDataDir: null });
    expect((await engine.headModel()).source).toBe('demo');
  }, 60_000);

  it('a FLAME file missing from Settings is an error naming it; fixing the Settings recovers', async () => {
    await assets.set({ modelPath: join(dataDir, 'gone.pkl'), decaDataDir: null });
    await expect(engine.headModel()).rejects.toThrow(/FLAME model set in Settings is missing: .*gone\.pkl/);
    await assets.set({ modelPath: flame, decaDataDir: null });
    expect((await engine.headModel()).source).toBe('flame');
  });
});
