import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../library/fixtures';
import { ensureBuilt } from './built';
import { runCli } from './run';

// The built CLI, as a user runs it.
const tmp = tempDir();
const data = join(tmp.dir, 'data');
beforeAll(() => ensureBuilt());
afterAll(() => tmp.cleanup());

describe('rig-studio demo (built CLI)', () => {
  it('demo create DIR makes the demo project headless: the Demo album with its 12 photos; running it again adds nothing', async () => {
    const dir = join(tmp.dir, 'demo');
    const first = await runCli(['demo', 'create', dir, '--json'], data);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const info = JSON.parse(first.stdout);
    expect(info.name).toBe('Rig Studio demo');
    expect(info.albums).toEqual([expect.objectContaining({ name: 'Demo', photoCount: 12 })]);
    const again = await runCli(['demo', 'create', dir], data);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/album \d+ "Demo": 12 photos/);
  }, 120_000);

  it('demo dataset renders a dataset and imports it with its exact codes; bad sizes are refused by flag', async () => {
    const out = join(tmp.dir, 'set');
    const project = join(tmp.dir, 'p');
    expect((await runCli(['project', 'create', project], data)).code).toBe(0);
    const run = await runCli(['demo', 'dataset', '--out', out, '--count', '2', '--size', '64', '--seed', '5', '--project', project, '--album', 'Generated', '--create-album', '--json'], data);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/demo dataset: 2\/2 photos/);
    const summary = JSON.parse(run.stdout);
    expect(summary).toMatchObject({ count: 2, size: 64, seed: 5, rendered: 2, kept: 0, import: { imported: 2, estimated: 2 } });
    expect(existsSync(join(out, 'codes.npz'))).toBe(true);
    expect(JSON.parse(readFileSync(join(out, 'codes.json'), 'utf8')).photos).toHaveLength(2);

    const bad = await runCli(['demo', 'dataset', '--out', join(tmp.dir, 'bad'), '--size', '12'], data);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--size must be a whole number of pixels from 64 to 1024, got 12/);
  }, 120_000);
});
