/**
 * Training sets from the command line on the demo project: `dataset export` writes the Demo
 * album in upstream's LMDB layout, `dataset import` takes it back in place, `dataset list`
 * shows it; bad flags and folders are refused with a clear message.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from './built';
import { runCli } from './run';

describe('rig-studio dataset export / import / list (built CLI)', () => {
  const root = mkdtempSync(join(tmpdir(), 'rig-dataset-cli-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('exports the Demo album, imports the set by name and lists it', async () => {
    ensureBuilt();
    const dataDir = join(root, 'data');
    const project = join(root, 'demo');
    expect((await runCli(['demo', 'create', project], dataDir)).code).toBe(0);
    const out = join(root, 'demo-set');
    const exported = await runCli(['dataset', 'export', '--project', project, '--album', 'Demo', '--out', out, '--image-size', '16', '--v2', '--json'], dataDir);
    expect(exported.code, exported.stderr).toBe(0);
    expect(JSON.parse(exported.stdout)).toMatchObject({ state: 'done', out, length: 12, imageSize: 16, layout: 'v2', meanShape: false, estimators: ['demo-ground-truth'] });
    expect(exported.stderr).toContain('dataset export: record 12/12');
    expect(existsSync(join(out, 'mean_shape.pkl'))).toBe(true);

    const again = await runCli(['dataset', 'export', '--project', project, '--album', 'Demo', '--out', out], dataDir);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`${join(out, 'data.mdb')} already exists`);

    const imported = await runCli(['dataset', 'import', '--project', project, '--lmdb', out, '--name', 'demo set'], dataDir);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toContain(`training set "demo set": 12 records at 16 px (v2), ${out}`);
    const list = await runCli(['dataset', 'list', '--project', project, '--json'], dataDir);
    expect(JSON.parse(list.stdout)).toMatchObject([{ name: 'demo set', path: out, length: 12, imageSize: 16, v2: true, hasMeanShape: true }]);
  }, 120_000);

  it('refuses an unknown album, a missing --out, a bad size or estimator, and a folder without data.mdb', async () => {
    const dataDir = join(root, 'data');
    const project = join(root, 'demo');
    const unknown = await runCli(['dataset', 'export', '--project', project, '--album', 'Nope', '--out', join(root, 'x')], dataDir);
    expect(unknown.stderr).toContain('no album named "Nope" (albums: "Demo")');
    const usage = async (args: string[], message: string) => {
      const run = await runCli(['dataset', 'export', '--project', project, ...args], dataDir);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(message);
    };
    await usage(['--album', 'Demo'], '--out DIR is required');
    await usage(['--album', 'Demo', '--out', join(root, 'x'), '--image-size', '4'], '--image-size must be a whole number of at least 8');
    await usage(['--album', 'Demo', '--out', join(root, 'x'), '--estimator', 'mica'], '--estimator must be deca, emoca or fit');
    const empty = await runCli(['dataset', 'import', '--project', project, '--lmdb', root], dataDir);
    expect(empty.code).not.toBe(0);
    expect(empty.stderr).toContain(`${root}: no data.mdb there`);
  }, 60_000);
});
