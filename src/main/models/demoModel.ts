/**
 * The demo step that registers the Demo base model: a small DiffusionRig base model that Rig
 * Studio trained itself on renders of its demo head (resources/demo-model/, made by
 * `npm run demo-model`; its recipe.json says exactly how). With it the demo edits out of the
 * box: Edit, the viewport's "Generate this edit" and Fine-tune use the project's first model,
 * which on a new demo project is this one. Any other project can add it from Edit ("Use the Demo
 * base model"), to try the workflow on the Demo album's photos.
 *
 * Idempotent: the model is registered once per content hash; when the app has moved (a new
 * install path), the registered entry is pointed at the shipped file again. An app built without
 * the file (a checkout before `npm run demo-model`) simply has no demo model; nothing fails.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { TaskPool } from '../jobs/pool';
import { importedModelFields, type InspectTasks } from './inspectTask';
import type { Project } from '../library/project';
import { ModelRegistry, type ModelRecord } from './registry';

/** The registered name of the shipped model. */
export const demoModelName = 'Demo base model';

/** The shipped model's file name inside resources/demo-model. */
export const demoModelFile = 'demo-base-model.safetensors';

/** resources/demo-model of this install, found upwards from the code (as the demo head is). */
export function defaultDemoModelDir(start = __dirname): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, 'resources', 'demo-model');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return join(start, 'resources', 'demo-model');
  }
}

/** The shipped recipe (how the model was trained), or null when it cannot be read. */
export function readDemoRecipe(dir = defaultDemoModelDir()): Record<string, unknown> | null {
  try {
    return JSON.parse(readFileSync(join(dir, 'recipe.json'), 'utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/**
 * Registers the shipped Demo base model in the open (demo) project, or finds it registered;
 * null when this install has no such file.
 */
export async function ensureDemoModel(project: Project, deps: { pool: TaskPool<InspectTasks>; demoModelDir?: string }): Promise<ModelRecord | null> {
  const dir = deps.demoModelDir ?? defaultDemoModelDir();
  const path = join(dir, demoModelFile);
  if (!existsSync(path)) return null;
  const registry = new ModelRegistry(project.db);
  const facts = await deps.pool.run('inspectCheckpoint', { path });
  const existing = registry.findBySha256(facts.sha256);
  if (existing) return existing.filePath === path ? existing : registry.setFilePath(existing.id, path);
  const recipe = readDemoRecipe(dir);
  const train = (recipe?.train ?? {}) as { imageSize?: number };
  return registry.add({
    name: demoModelName,
    ...importedModelFields(facts, path),
    imageSize: train.imageSize ?? 64,
    lineage: {
      stage: 1,
      trainedBy: 'Rig Studio (npm run demo-model), on renders of its own demo head: it knows the demo head only',
      head: 'demo', // its buffers came from the demo head (models/bufferHead.ts)
      // the recipe's summary; its loss curve stays in recipe.json
      ...Object.fromEntries(Object.entries(recipe ?? {}).filter(([key]) => key !== 'lossCurve')),
    },
  }).model;
}
