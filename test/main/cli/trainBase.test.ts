import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCheckpoint } from '../../../src/main/checkpoint';
import { writeSyntheticFaces } from '../../helpers/editFixture';
import { openTestProject, type TestProject } from '../library/harness';
import { ensureBuilt } from './built';
import { runCli, startCli } from './run';
import { EstimateStore } from '../../../src/main/estimate/store';

// The built CLI on a project with two synthetic albums (FLAME codes stored), training a tiny architecture.
describe('rig-studio train-base (built CLI)', () => {
  let t: TestProject;
  let albums: number[];
  let projectDir: string;
  let dataDir: string;

  beforeAll(async () => {
    ensureBuilt();
    t = openTestProject();
    projectDir = join(t.root, 'project');
    dataDir = join(t.root, 'data');
    albums = [t.library.createAlbum('A').id, t.library.createAlbum('B').id];
    const faces = await writeSyntheticFaces(t.root, 2, 32);
    const estimates = new EstimateStore(t.project.db);
    for (const [k, face] of faces.entries()) {
      await t.importPaths(albums[k], [face.path]);
      estimates.saveCodes(t.library.listPhotos(albums[k], 0, 10).items[0].id, { name: 'synthetic', version: '1' }, face.codes);
    }
    await t.runner.close();
    t.project.close();
  }, 180_000);

  afterAll(async () => {
    await t.reopen();
    await t.close();
  });

  it('trains from fresh weights, reports progress on stderr and registers a base model', async () => {
    const args = ['train-base', '--project', projectDir, '--album', String(albums[0]), '--album', String(albums[1]), '--image-size', '16', '--channels', '32', '--channel-mult', '1,2', '--res-blocks', '1', '--attention', '8', '--latent-dim', '16', '--steps', '3', '--batch-size', '2', '--lr', '1e-3', '--seed', '4', '--checkpoint-interval', '2', '--name', 'Tiny base', '--json'];
    const run = await runCli(args, dataDir);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/train-base: step 3\/3 · loss \d\.\d{4} · [\d.]+ steps\/s/);
    const out = JSON.parse(run.stdout);
    expect(out).toMatchObject({ state: 'done', step: 3, model: { name: 'Tiny base' } });
    expect(readCheckpoint(out.model.filePath).stateDict.has('encoder.fc.weight')).toBe(true);
    const list = await runCli(['model', 'list', '--project', projectDir, '--json'], dataDir);
    expect(JSON.parse(list.stdout).find((m: { name: string }) => m.name === 'Tiny base')).toMatchObject({ kind: 'base', baseModelId: null });
  }, 180_000);

  it('cancels cleanly on Ctrl-C, keeping the run state, and --resume finishes the run', async () => {
    const args = ['train-base', '--project', projectDir, '--album', String(albums[0]), '--image-size', '16', '--channels', '32', '--channel-mult', '1,2', '--res-blocks', '1', '--attention', 'none', '--latent-dim', '16', '--steps', '12', '--batch-size', '2', '--checkpoint-interval', '100', '--json'];
    const child = startCli(args, dataDir);
    let stderr = '';
    let stdout = '';
    child.stderr!.on('data', (d) => (stderr += d));
    child.stdout!.on('data', (d) => (stdout += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    for (let i = 0; i < 6000 && !/step [2-9]\/12/.test(stderr); i++) await new Promise((r) => setTimeout(r, 10));
    expect(stderr).toMatch(/step [2-9]\/12/);
    child.kill('SIGINT');
    expect(await exited).toBe(1);
    expect(stderr).toContain('train-base: cancelling (the run state is kept)');
    const jobId = JSON.parse(stdout).jobId as number;
    expect(stderr).toContain(`--resume ${jobId}`);
    const cancelledAt = JSON.parse(stdout).step as number;
    expect(cancelledAt).toBeGreaterThanOrEqual(2);
    expect(cancelledAt).toBeLessThan(12);
    const resumed = await runCli(['train-base', '--project', projectDir, '--resume', String(jobId), '--json'], dataDir);
    expect(resumed.code, resumed.stderr).toBe(0);
    // it continued from the cancel (no step below it was run again)
    const first = Number(/step (\d+)\/12/.exec(resumed.stderr)![1]);
    expect(first).toBe(cancelledAt + 1);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ state: 'done', step: 12 });
  }, 240_000);

  it('refuses bad flags with a clear message', async () => {
    const none = await runCli(['train-base', '--project', projectDir], dataDir);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('give at least one --album ID');
    const mult = await runCli(['train-base', '--project', projectDir, '--album', String(albums[0]), '--channel-mult', '1,two'], dataDir);
    expect(mult.code).toBe(2);
    expect(mult.stderr).toContain("--channel-mult must be a comma-separated list of positive numbers, e.g. 1,2,2; got '1,two'");
    const encoder = await runCli(['train-base', '--project', projectDir, '--album', String(albums[0]), '--encoder', 'vgg'], dataDir);
    expect(encoder.code).toBe(2);
    expect(encoder.stderr).toContain("--encoder: unknown encoder 'vgg': use resnet10, resnet18, resnet34, resnet50, resnet101 or resnet152, optionally narrowed as -w<width> (e.g. resnet10-w16)");
  }, 60_000);
});
