import { createHash } from 'node:crypto';
import BetterSqlite3 from 'better-sqlite3';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gridSize } from '../../../src/main/edit/grid';
import { ModelRegistry } from '../../../src/main/models/registry';
import { runCli, startCli } from '../cli/run';
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

  it('compares model runs: --model and --sampler paired in order, a tile per run, --scores-csv with one snake_case row per result', async () => {
    const out = join(t.root, 'runs.png');
    const csvFile = join(t.root, 'runs-scores.csv');
    const run = await runCli(['transfer', '--project', projectDir, '--model', 'tiny', '--sampler', 'ddim:2', '--model', 'tiny', '--sampler', 'dpm++:2', '--sources', '1', '--targets', '2', '--modes', 'exp,light', '--no-scores', '--out', out, '--scores-csv', csvFile, '--json'], t.root);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/cell 4 \(photo 1 ← 2, light, tiny · DPM-Solver\+\+ 2\) done/);
    const summary = JSON.parse(run.stdout) as { cells: number; done: number; runs: string[]; width: number; height: number };
    expect(summary).toMatchObject({ cells: 4, done: 4, runs: ['tiny · DDIM 2', 'tiny · DPM-Solver++ 2'], ...gridSize(1, 1, 2, 32, { runs: 2 }) });
    expect(await sharp(out).metadata()).toMatchObject(gridSize(1, 1, 2, 32, { runs: 2 }));
    const [header, ...rows] = readFileSync(csvFile, 'utf8').trim().split('\n');
    const columns = header.split(',');
    for (const name of ['model', 'sampler', 'steps', 'expression_error', 'identity', 'landmark_error', 'sharpness', 'wavelet_noise']) expect(columns).toContain(name);
    const at = (row: string, name: string) => row.split(',')[columns.indexOf(name)];
    expect(rows.map((row) => [at(row, 'modes'), at(row, 'model'), at(row, 'sampler'), at(row, 'steps')]).sort()).toEqual([['exp', '"tiny"', 'ddim', '2'], ['exp', '"tiny"', 'dpm++', '2'], ['light', '"tiny"', 'ddim', '2'], ['light', '"tiny"', 'dpm++', '2']]);
    const unpaired = await runCli(['transfer', '--project', projectDir, '--model', 'tiny', '--model', '1', '--model', 'tiny', '--sampler', 'ddim:2', '--sampler', 'dpm++:2', '--sources', '1', '--targets', '2', '--out', out], t.root);
    expect(unpaired.code).toBe(2);
    expect(unpaired.stderr).toMatch(/3 --model and 2 --sampler/);
    const twice = await runCli(['transfer', '--project', projectDir, '--model', 'tiny', '--model', '1', '--sampler', 'ddim:2', '--sources', '1', '--targets', '2', '--no-scores', '--out', out], t.root);
    expect(twice.stderr).toMatch(/model run 2: it repeats model run 1/);
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

  it('a killed transfer is interrupted counting the cells actually done; --resume finishes it and its export, atomically', async () => {
    const out = join(t.root, 'killed.png');
    const results = join(t.root, 'killed-results');
    mkdirSync(results);
    // What an export killed mid-write leaves: a staging file and no manifest.
    writeFileSync(join(results, 'grid.png.0123456789abcdef.partial'), 'stray');
    // Four cells one at a time at 10 steps: seconds of work after the first cell, so the kill lands mid-job.
    const child = startCli(['transfer', '--project', projectDir, '--model', 'tiny', '--sources', '1,2', '--targets', '1,2', '--modes', 'exp', '--steps', '10', '--batch', '1', '--no-scores', '--out', out, '--results', results, '--json'], t.root);
    let stderr = '';
    let stdout = '';
    child.stdout!.on('data', (d) => (stdout += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no cell finished within 60 s:\n${stderr}`)), 60_000);
      child.stderr!.on('data', (d) => {
        stderr += d;
        if (/cell \d+ .* done/.test(stderr)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    child.kill('SIGTERM');
    expect(await exited).toBe(1);
    const killed = JSON.parse(stdout) as { jobId: number; state: string; cells: number; done: number };
    expect(killed).toMatchObject({ state: 'interrupted', cells: 4 });
    expect(killed.done).toBeGreaterThanOrEqual(1);
    expect(killed.done).toBeLessThan(4);
    expect(stderr).toContain(`interrupted with ${killed.done} of 4 edits done; continue it with: rig-studio transfer --project ${projectDir} --resume ${killed.jobId}`);
    const db = new BetterSqlite3(join(projectDir, 'project.sqlite'), { readonly: true });
    try {
      expect((db.prepare("SELECT count(*) AS n FROM editCells WHERE jobId = ? AND state = 'done'").get(killed.jobId) as { n: number }).n).toBe(killed.done);
    } finally {
      db.close();
    }
    expect(existsSync(out)).toBe(false);
    expect(existsSync(join(results, 'export.json'))).toBe(false);

    const usage = await runCli(['transfer', '--project', projectDir, '--resume', String(killed.jobId), '--model', 'tiny', '--out', out], t.root);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('drop --model');
    const resumed = await runCli(['transfer', '--project', projectDir, '--resume', String(killed.jobId), '--out', out, '--results', results, '--json'], t.root);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ jobId: killed.jobId, state: 'done', cells: 4, done: 4 });
    expect(await sharp(out).metadata()).toMatchObject(gridSize(2, 2, 1, 32));
    const manifest = JSON.parse(readFileSync(join(results, 'export.json'), 'utf8')) as { complete: boolean; files: string[] };
    expect(manifest.complete).toBe(true);
    expect(manifest.files).toContain('scores.csv');
    expect(readdirSync(results).filter((name) => name.endsWith('.partial'))).toEqual([]);
    for (const name of manifest.files) expect(statSync(join(results, name)).size, name).toBeGreaterThan(0);
    // A finished job: --resume only writes its outputs again.
    const again = await runCli(['transfer', '--project', projectDir, '--resume', String(killed.jobId), '--out', out, '--json'], t.root);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).not.toMatch(/cell \d+/);
  }, 120_000);
});
