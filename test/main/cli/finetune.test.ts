import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCheckpoint } from '../../../src/main/checkpoint';
import { ModelRegistry } from '../../../src/main/models/registry';
import { tinyConfig, writeSyntheticFaces, writeTinyCheckpoint } from '../../helpers/editFixture';
import { openTestProject, type TestProject } from '../library/harness';
import { ensureBuilt } from './built';
import { runCli } from './run';
import { EstimateStore } from '../../../src/main/estimate/store';

// The built CLI on a project with a synthetic album (FLAME codes stored) and a tiny model.
describe('rig-studio finetune (built CLI)', () => {
  let t: TestProject;
  let albumId: number;
  let modelId: number;
  let projectDir: string;
  let dataDir: string;

  beforeAll(async () => {
    ensureBuilt();
    t = openTestProject();
    projectDir = join(t.root, 'project');
    dataDir = join(t.root, 'data');
    albumId = t.library.createAlbum('Person').id;
    const faces = await writeSyntheticFaces(t.root, 2, 32);
    await t.importPaths(albumId, faces.map((f) => f.path));
    const estimates = new EstimateStore(t.project.db);
    t.library.listPhotos(albumId, 0, 10).items.forEach((p, k) => estimates.saveCodes(p.id, { name: 'synthetic', version: '1' }, faces[k].codes));
    const file = writeTinyCheckpoint(t.root, 9);
    modelId = new ModelRegistry(t.project.db).add({
      name: 'tiny', kind: 'base', sourcePath: file, filePath: file, format: 'safetensors',
      sha256: createHash('sha256').update(readFileSync(file)).digest('hex'), sizeBytes: statSync(file).size,
      config: tinyConfig, parameterCount: 0, baseModelId: null, lineage: null,
    }).model.id;
    await t.runner.close();
    t.project.close();
  }, 180_000);

  afterAll(async () => {
    await t.reopen();
    await t.close();
  });

  it('trains, reports progress on stderr and registers the personalised model', async () => {
    const args = ['finetune', '--project', projectDir, '--album', String(albumId), '--model', String(modelId), '--steps', '3', '--batch-size', '2', '--lr', '1e-3', '--checkpoint-interval', '2', '--image-size', '16', '--name', 'Person v1', '--export-pt', join(t.root, 'person.pt'), '--json'];
    const run = await runCli(args, dataDir);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/finetune: step 3\/3 · loss \d\.\d{4} · [\d.]+ steps\/s/);
    const out = JSON.parse(run.stdout);
    expect(out).toMatchObject({ state: 'done', step: 3, model: { name: 'Person v1', baseModelId: modelId } });
    // the exported .pt reads back (torch zip layout) with the same tensors as the registered model
    const exported = readCheckpoint(join(t.root, 'person.pt'));
    const registered = readCheckpoint(out.model.filePath);
    expect(exported.format).toBe('torch-zip');
    expect([...exported.stateDict.keys()]).toEqual([...registered.stateDict.keys()]);
    const key = 'denoisingUNet.out.2.weight';
    expect(Array.from(exported.stateDict.get(key)!.data as Float32Array)).toEqual(Array.from(registered.stateDict.get(key)!.data as Float32Array));
    const list = await runCli(['model', 'list', '--project', projectDir, '--json'], dataDir);
    expect(JSON.parse(list.stdout).find((m: { name: string }) => m.name === 'Person v1')).toMatchObject({ kind: 'personalized', baseModelId: modelId });
  }, 180_000);

  it('explains wrong usage', async () => {
    const run = await runCli(['finetune', '--project', projectDir, '--album', String(albumId)], dataDir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('give --album and --model (or --resume JOB)');
    const bad = await runCli(['finetune', '--project', projectDir, '--album', String(albumId), '--model', String(modelId), '--steps', 'many'], dataDir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--steps must be a positive integer, got 'many'");
  }, 60_000);
});
