/**
 * The Demo base model's recipe is reproducible: its first steps, run twice with
 * `npm run demo-model -- --steps N` (the same script and CLI commands that trained the shipped
 * model: the whole 1000-photo dataset, its buffers, the seeded initialisation, batch order and
 * Adam), give the same parameters within float tolerance; and the shipped recipe.json is the
 * recipe of scripts/demo-model.mjs, so the numbers shown are the ones the script reproduces.
 * Four steps are enough for that: any nondeterminism (data order, initialisation, a kernel)
 * shows in the parameters after the first update, and every step after it adds only time (the
 * whole test was five minutes of CI at 50 steps; now the dataset's rendering dominates).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCheckpoint } from '../../../src/main/checkpoint';
import { projectRoot } from '../../helpers/shared';
import { ensureBuilt } from '../cli/built';

const script = join(projectRoot, 'scripts', 'demo-model.mjs');
const steps = 4;

function run(out: string, work: string): void {
  const child = spawnSync(process.execPath, [script, '--steps', String(steps), '--out', out, '--work', work], { encoding: 'utf8', timeout: 1_200_000 });
  expect(child.status, `demo-model --steps ${steps} failed:\n${child.stderr.slice(-3000)}`).toBe(0);
}

describe('Demo base model recipe', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rig-demo-model-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('ships with the recipe of scripts/demo-model.mjs (commands, dataset, training settings) and its numbers', async () => {
    const shipped = JSON.parse(readFileSync(join(projectRoot, 'resources', 'demo-model', 'recipe.json'), 'utf8')) as Record<string, unknown>;
    const { recipe } = (await import(script)) as { recipe: () => Record<string, unknown> };
    expect({ dataset: shipped.dataset, train: shipped.train }).toEqual(recipe());
    expect(shipped.steps).toBe((recipe().train as { steps: number }).steps);
    expect(Array.isArray(shipped.lossCurve) && (shipped.lossCurve as unknown[]).length).toBeGreaterThan(10);
    expect(typeof shipped.finalLoss).toBe('number');
    expect(readFileSync(join(projectRoot, 'resources', 'demo-model', 'demo-base-model.safetensors')).byteLength).toBe(shipped.sizeBytes);
  });

  it(`gives the same parameters twice in a row over its first ${steps} steps`, () => {
    ensureBuilt();
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
    console.info(`demo-model first ${steps} steps twice: worst relative parameter difference ${worst.toExponential(2)}, final loss ${recipeA.finalLoss} and ${recipeB.finalLoss}`);
    expect(recipeA.steps).toBe(steps);
    expect(worst).toBeLessThan(1e-5);
    expect(recipeB.finalLoss).toBeCloseTo(recipeA.finalLoss, 5);
  }, 2_400_000);
});
