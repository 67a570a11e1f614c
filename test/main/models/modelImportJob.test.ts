import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InlinePool } from '../../../src/main/jobs/pool';
import { workerTasks } from '../../../src/main/app/workerTasks';
import { JobRunner } from '../../../src/main/jobs/runner';
import { Project } from '../../../src/main/library/project';
import type { ModelImportResult } from '../../../src/main/models/modelImportJob';
import { modelImportJobKind } from '../../../src/main/models/modelImportJob';
import { ModelRegistry } from '../../../src/main/models/registry';
import { sharedPath } from '../../helpers/shared';

describe('model-import job', () => {
  const root = mkdtempSync(join(tmpdir(), 'rig-model-import-'));
  let runner: JobRunner | undefined;
  let project: Project | undefined;
  afterEach(async () => {
    await runner?.close();
    project?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('registers a checkpoint once with its inferred config, size, hash and source path; bad files fail the job with the reason', async () => {
    project = Project.create(join(root, 'project'), 'Models');
    runner = new JobRunner(project.db, undefined, { progressIntervalMs: 0 });
    runner.register(modelImportJobKind({ project, pool: new InlinePool(workerTasks) }));
    const file = sharedPath('fixtures', 'diffusionrig-a', 'model000000.pt');

    const first = await runner.wait(runner.start('model-import', { path: file, name: 'fixture' }).id);
    expect(first.state).toBe('done');
    const result = first.result as ModelImportResult;
    expect(result.created).toBe(true);
    expect(result.model).toMatchObject({ name: 'fixture', kind: 'base', sourcePath: file, format: 'torch-zip', sizeBytes: readFileSync(file).length });
    expect(result.model.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(result.model.config.unet.modelChannels).toBe(32);
    expect(result.model.config.unet.channelMult).toEqual([1, 2, 2]);

    const again = await runner.wait(runner.start('model-import', { path: file }).id);
    expect((again.result as ModelImportResult).created).toBe(false);
    expect(new ModelRegistry(project.db).list()).toHaveLength(1);

    const bad = join(root, 'broken.pt');
    writeFileSync(bad, readFileSync(file).subarray(0, 1000));
    const failed = await runner.wait(runner.start('model-import', { path: bad }).id);
    expect(failed.state).toBe('failed');
    expect(failed.message).toMatch(/broken\.pt: the zip archive is damaged or truncated/);
    expect(new ModelRegistry(project.db).list()).toHaveLength(1);
  });
});
