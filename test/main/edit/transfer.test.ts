import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gridSize } from '../../../src/main/edit/grid';
import { ModelRegistry } from '../../../src/main/models/registry';
import { runCli } from '../cli/run';
import { openTestProject, type TestProject } from '../library/harness';
import { tinyConfig, writeSyntheticFaces, writeTinyCheckpoint } from '../../helpers/editFixture';
import { EstimateStore } from '../../../src/main/estimate/store';

// The built CLI (`npx electron-vite build` first, as every test of test/main/cli), on CPU only.
process.env.RIG_STUDIO_PROVIDERS = 'cpu';

describe('rig-studio transfer', () => {
  let t: TestProject;
  let projectDir: string;

  beforeAll(async () => {
    t = openTestProject();
    projectDir = t.project.dir;
    const album = t.library.createAlbum('Person');
    t.library.createAlbum('Targets');
    const faces = await writeSyntheticFaces(t.root, 3, 64);
    await t.importPaths(album.id, faces.map((f) => f.path));
    const ids = t.library.listPhotos(album.id, 0, 10).items.map((p) => p.id);
    const estimates = new EstimateStore(t.project.db);
    ids.forEach((id, k) => estimates.saveCodes(id, { name: 'synthetic', version: '1' }, faces[k].codes));
    const checkpoint = writeTinyCheckpoint(t.root);
    new ModelRegistry(t.project.db).add({
      name: 'tiny', kind: 'base', sourcePath: checkpoint, filePath: checkpoint, format: 'safetensors',
      sha256: createHash('sha256').update(readFileSync(checkpoint)).digest('hex'), sizeBytes: statSync(checkpoint).size,
      config: tinyConfig, parameterCount: 0, baseModelId: null, lineage: { imageSize: 32 },
    });
    await t.runner.close();
    t.project.close();
  }, 60_000);

  afterAll(() => t.close());

  it('runs sources × targets × modes headless and writes the grid PNG at the grid size', async () => {
    const out = join(t.root, 'grid.png');
    const run = await runCli(['transfer', '--project', projectDir, '--model', 'tiny', '--sources', '1,2', '--targets', '3', '--modes', 'exp,pose+light', '--steps', '2', '--no-scores', '--out', out, '--results', join(t.root, 'results'), '--json'], t.root);
    expect(run.stderr).toMatch(/cell 4 .* done/);
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary).toMatchObject({ cells: 4, done: 4, ...gridSize(2, 1, 2, 32) });
    expect(await sharp(out).metadata()).toMatchObject(gridSize(2, 1, 2, 32));
    expect(readFileSync(join(t.root, 'results', 'scores.csv'), 'utf8').trim().split('\n')).toHaveLength(5);
  }, 120_000);

  it('albums as sources, and clear errors for unknown names', async () => {
    const out = join(t.root, 'album-grid.png');
    const ok = await runCli(['transfer', '--project', projectDir, '--model', '1', '--sources', 'Person', '--targets', '1', '--modes', 'light', '--steps', '2', '--no-scores', '--out', out], t.root);
    expect(ok.code).toBe(0);
    expect(await sharp(out).metadata()).toMatchObject(gridSize(3, 1, 1, 32));
    const badAlbum = await runCli(['transfer', '--project', projectDir, '--model', 'tiny', '--sources', 'Nobody', '--targets', '1', '--out', out], t.root);
    expect(badAlbum.code).toBe(2);
    expect(badAlbum.stderr).toMatch(/'Nobody' is neither a photo id nor an album/);
    const empty = await runCli(['transfer', '--project', projectDir, '--model', 'tiny', '--sources', 'Targets', '--targets', '1', '--out', out], t.root);
    expect(empty.stderr).toMatch(/album 'Targets' has no photos with FLAME codes/);
    const badModel = await runCli(['transfer', '--project', projectDir, '--model', 'huge', '--sources', '1', '--targets', '2', '--out', out], t.root);
    expect(badModel.stderr).toMatch(/no model 'huge'/);
    const badMode = await runCli(['transfer', '--project', projectDir, '--model', 'tiny', '--sources', '1', '--targets', '2', '--modes', 'smile', '--out', out], t.root);
    expect(badMode.stderr).toMatch(/unknown edit mode 'smile'/);
    const badSteps = await runCli(['transfer', '--project', projectDir, '--model', 'tiny', '--sources', '1', '--targets', '2', '--steps', '1', '--out', out], t.root);
    expect(badSteps.stderr).toMatch(/1 DDIM steps: cannot create exactly 1 steps/);
    const dpm = await runCli(['transfer', '--project', projectDir, '--model', '1', '--sources', 'Person', '--targets', '1', '--modes', 'light', '--sampler', 'dpm++:2', '--no-scores', '--out', out], t.root);
    expect(dpm.code, dpm.stderr).toBe(0);
    const badSampler = await runCli(['transfer', '--project', projectDir, '--model', 'tiny', '--sources', '1', '--targets', '2', '--sampler', 'euler:3', '--out', out], t.root);
    expect(badSampler.stderr).toMatch(/--sampler: 'euler:3' is not a sampler/);
    const badEstimator = await runCli(['transfer', '--project', projectDir, '--model', 'tiny', '--sources', '1', '--targets', '2', '--source-estimator', 'mica', '--out', out], t.root);
    expect(badEstimator.code).toBe(2);
    expect(badEstimator.stderr).toMatch(/sourceEstimator/);
  }, 120_000);
});
