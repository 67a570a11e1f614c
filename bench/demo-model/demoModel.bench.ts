/**
 * The Demo base model's recipe is reproducible: its first steps (BENCH_DEMO_STEPS, default 50),
 * run twice with `npm run demo-model -- --steps N` (the same script and CLI commands that trained
 * the shipped model: the whole 1000-photo dataset, its buffers, the seeded initialisation, batch
 * order and Adam), give the same parameters within float tolerance. Prints the worst relative
 * parameter difference, both final losses and the time; fails (so `npm run bench -- demo-model`
 * fails) when the runs disagree. About five minutes on 2 cores at 50 steps, most of it the
 * dataset: too long for CI, where train/base.test.ts checks that two runs of the same first
 * steps agree on a small album and test/main/train/demoModel.test.ts that the shipped recipe is
 * the script's.
 *
 *   npx vitest run --config bench/demo-model/vitest.config.ts
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCheckpoint } from '../../src/main/checkpoint';
import { projectRoot } from '../../test/helpers/shared';
import { ensureBuilt } from '../../test/main/cli/built';

const script = join(projectRoot, 'scripts', 'demo-model.mjs');
const steps = Number(process.env.BENCH_DEMO_STEPS ?? 50);

function run(out: string, work: string): void {
  const child = spawnSync(process.execPath, [script, '--steps', String(steps), '--out', out, '--work', work], { encoding: 'utf8', timeout: 3_000_000 });
  expect(child.status, `demo-model --steps ${steps} failed:\n${child.stderr.slice(-3000)}`).toBe(0);
}

describe('Demo base model recipe, run twice', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rig-demo-model-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`gives the same parameters twice in a row over its first ${steps} steps`, () => {
    ensureBuilt();
    const started = performance.now();
    const work = join(dir, 'work');
    run(join(dir, 'a'), work);
    run(join(dir, 'b'), work); // the dataset is reused (same files), the project and training are new
    const a = readCheckpoint(join(dir, 'a', 'demo-base-model.safetensors')).stateDict;
    const b = readCheckpoint(join(dir, 'b', 'demo-base-model.safetensors')).stateDict;
    expect([...b.keys()]).toEqual([...a.keys()]);
    let worst = 0;
    for (const [key, ta] of a) {
      if (ta.dtype !== 'float32') continue;
      const x = ta.data as Float32Array;
      const y = b.get(key)!.data as Float32Array;
      let scale = 1e-12, diff = 0;
      for (let i = 0; i < x.length; i++) {
        scale = Math.max(scale, Math.abs(x[i]));
        diff = Math.max(diff, Math.abs(x[i] - y[i]));
      }
      worst = Math.max(worst, diff / scale);
    }
    const recipeA = JSON.parse(readFileSync(join(dir, 'a', 'recipe.json'), 'utf8')) as { steps: number; finalLoss: number };
    const recipeB = JSON.parse(readFileSync(join(dir, 'b', 'recipe.json'), 'utf8')) as { steps: number; finalLoss: number };
    console.info(`demo-model first ${steps} steps twice: worst relative parameter difference ${worst.toExponential(2)}, final loss ${recipeA.finalLoss} and ${recipeB.finalLoss}, ${((performance.now() - started) / 1000).toFixed(0)} s`);
    expect(recipeA.steps).toBe(steps);
    expect(worst).toBeLessThan(1e-5);
    expect(recipeB.finalLoss).toBeCloseTo(recipeA.finalLoss, 5);
  });
});
