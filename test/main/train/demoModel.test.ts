/**
 * The shipped recipe.json is the recipe of scripts/demo-model.mjs (commands, dataset, training
 * settings), so the numbers shown are the ones the script reproduces. That running the recipe
 * twice gives the same parameters is bench/demo-model (minutes: the 1000-photo dataset); that two
 * runs of the same first training steps agree is test/main/train/base.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../helpers/shared';

const script = join(projectRoot, 'scripts', 'demo-model.mjs');

describe('Demo base model recipe', () => {
  it('ships with the recipe of scripts/demo-model.mjs (commands, dataset, training settings) and its numbers', async () => {
    const shipped = JSON.parse(readFileSync(join(projectRoot, 'resources', 'demo-model', 'recipe.json'), 'utf8')) as Record<string, unknown>;
    const { recipe } = (await import(script)) as { recipe: () => Record<string, unknown> };
    expect({ dataset: shipped.dataset, train: shipped.train }).toEqual(recipe());
    expect(shipped.steps).toBe((recipe().train as { steps: number }).steps);
    expect(Array.isArray(shipped.lossCurve) && (shipped.lossCurve as unknown[]).length).toBeGreaterThan(10);
    expect(typeof shipped.finalLoss).toBe('number');
    expect(readFileSync(join(projectRoot, 'resources', 'demo-model', 'demo-base-model.safetensors')).byteLength).toBe(shipped.sizeBytes);
  });
});
