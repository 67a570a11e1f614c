/**
 * The shipped Demo base model is registered once per project, named and sized from its recipe,
 * and found again (pointed at its new place) after the app has moved.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Backend } from '../../../src/main/app/backend';
import { defaultDemoModelDir, demoModelFile, demoModelName, ensureDemoModel } from '../../../src/main/models/demoModel';
import { ModelRegistry } from '../../../src/main/models/registry';

describe('Demo base model registration', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rig-demo-model-reg-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is shipped in resources/demo-model with its recipe', () => {
    expect(existsSync(join(defaultDemoModelDir(), demoModelFile))).toBe(true);
    expect(existsSync(join(defaultDemoModelDir(), 'recipe.json'))).toBe(true);
  });

  it('registers once, as a 64-px base model with its recipe as lineage, and follows the file when the app moves', async () => {
    const backend = new Backend({ mode: 'serve', dataDir: join(dir, 'data'), workerScript: 'inline' });
    try {
      await backend.createProject(join(dir, 'project'), 'any');
      const { project } = backend.require();
      const first = (await ensureDemoModel(project, { pool: backend.pool }))!;
      expect(first).toMatchObject({ name: demoModelName, kind: 'base', imageSize: 64 });
      expect(first.lineage).toMatchObject({ stage: 1, train: { imageSize: 64 } });
      expect((await ensureDemoModel(project, { pool: backend.pool }))!.id).toBe(first.id);
      // the app moved: the same file elsewhere is the same model, at its new path
      const moved = join(dir, 'moved');
      mkdirSync(moved);
      copyFileSync(join(defaultDemoModelDir(), demoModelFile), join(moved, demoModelFile));
      const again = (await ensureDemoModel(project, { pool: backend.pool, demoModelDir: moved }))!;
      expect(again.id).toBe(first.id);
      expect(again.filePath).toBe(join(moved, demoModelFile));
      expect(new ModelRegistry(project.db).list()).toHaveLength(1);
      // an install without the file has no demo model, and nothing fails
      expect(await ensureDemoModel(project, { pool: backend.pool, demoModelDir: join(dir, 'none') })).toBeNull();
    } finally {
      await backend.close();
    }
  });
});
