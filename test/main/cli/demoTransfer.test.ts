/**
 * The demo edits from the command line, as a newcomer would check it from a clean clone:
 * `rig-studio demo create DIR`, then `rig-studio transfer --model "Demo base model"` over
 * 3 × 3 demo photos with exp+pose writes a grid of 9 generated faces; the detector finds a face
 * in each, with its landmarks near the edited head's (the expected ones).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { gridSize } from '../../../src/main/edit/grid';
import { ensureBuilt } from './built';
import { runCli } from './run';

describe('rig-studio demo create + transfer with the Demo base model (built CLI)', () => {
  const root = mkdtempSync(join(tmpdir(), 'rig-demo-transfer-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('writes 9 exp+pose edits of demo photos, each a face the detector finds near the expected landmarks', async () => {
    ensureBuilt();
    const dataDir = join(root, 'data');
    const project = join(root, 'demo');
    const created = await runCli(['demo', 'create', project], dataDir);
    expect(created.code, created.stderr).toBe(0);
    const models = await runCli(['model', 'list', '--project', project], dataDir);
    expect(models.stdout).toContain('Demo base model');
    const out = join(root, 'grid.png');
    const run = await runCli(['transfer', '--project', project, '--model', 'Demo base model', '--sources', '1,2,3', '--targets', '4,5,6', '--modes', 'exp+pose', '--out', out, '--json'], dataDir);
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout) as { done: number; scores: { landmarkError: number | null; notes: string[] }[] };
    expect(summary.done).toBe(9);
    for (const s of summary.scores) expect(s.landmarkError, `no face found: ${s.notes.join('; ')}`).not.toBeNull();
    const mean = summary.scores.reduce((a, s) => a + s.landmarkError!, 0) / 9;
    console.info(`demo transfer exp+pose: mean landmark error ${mean.toFixed(2)} px at 64 px (${summary.scores.map((s) => s.landmarkError!.toFixed(1)).join(', ')})`);
    expect(mean).toBeLessThan(6.5); // the unedited sources score about 10 px on exp+pose (test/main/evaluate/quality.test.ts)
    expect(await sharp(out).metadata()).toMatchObject(gridSize(3, 3, 1, 64));
  }, 600_000);
});
