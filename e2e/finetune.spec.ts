// Stage-2 fine-tuning from the Models view in serve mode: with a tiny random-weight
// model and a synthetic album whose photos have FLAME codes, the Fine-tune dialog starts a job,
// the jobs panel shows its live loss curve, and the personalised model appears in the registry.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { EventHub } from '../src/main/core/events';
import { InlinePool } from '../src/main/jobs/pool';
import { workerTasks } from '../src/main/app/workerTasks';
import { JobRunner } from '../src/main/jobs/runner';
import { importJobKind } from '../src/main/library/import/importJob';
import { Library } from '../src/main/library/library';
import { Project } from '../src/main/library/project';
import { ModelRegistry } from '../src/main/models/registry';
import { tinyConfig, writeSyntheticFaces, writeTinyCheckpoint } from '../test/helpers/editFixture';
import { callApi } from './support/api';
import { expect, test } from './support/fixtures';
import { EstimateStore } from '../src/main/estimate/store';

/** A project with an album of 3 synthetic faces (FLAME codes stored) and a tiny 16-px model. */
async function prepareProject(scratch: string): Promise<string> {
  const dir = join(scratch, 'project');
  const project = Project.create(dir, 'Fine-tune e2e');
  const hub = new EventHub();
  const runner = new JobRunner(project.db, hub.emit, { progressIntervalMs: 0 });
  runner.register(importJobKind({ project, pool: new InlinePool(workerTasks), emit: hub.emit }));
  const library = new Library(project, hub.emit);
  const album = library.createAlbum('Person');
  const faces = await writeSyntheticFaces(scratch, 3, 32);
  await runner.wait(runner.start('import', { albumId: album.id, paths: faces.map((f) => f.path) }).id);
  const estimates = new EstimateStore(project.db);
  library.listPhotos(album.id, 0, 10).items.forEach((p, k) => estimates.saveCodes(p.id, { name: 'synthetic', version: '1' }, faces[k].codes));
  const checkpoint = writeTinyCheckpoint(scratch);
  new ModelRegistry(project.db).add({
    name: 'tiny-base', kind: 'base', sourcePath: checkpoint, filePath: checkpoint, format: 'safetensors',
    sha256: createHash('sha256').update(readFileSync(checkpoint)).digest('hex'), sizeBytes: statSync(checkpoint).size,
    config: tinyConfig, parameterCount: 0, baseModelId: null, lineage: { imageSize: 16 },
  });
  await runner.close();
  project.close();
  return dir;
}

test('fine-tune dialog starts a job with a live loss curve and registers the personalised model', async ({ page, request, server, scratch }, testInfo) => {
  const dir = await prepareProject(scratch);
  await callApi(request, server, 'project.open', { dir });
  await page.goto(`${server.url}#/models`);
  const table = page.getByRole('table', { name: 'Registered models' });
  await table.getByRole('row', { name: /tiny-base/ }).click();
  const details = page.getByRole('region', { name: 'Model tiny-base' });
  await details.getByRole('button', { name: 'Fine-tune…' }).click();

  const dialog = page.getByRole('dialog', { name: 'Fine-tune tiny-base' });
  await dialog.getByLabel('Album', { exact: true }).selectOption({ label: 'Person (3 photos)' });
  await dialog.getByLabel('Steps', { exact: true }).fill('0');
  await dialog.getByRole('button', { name: 'Start fine-tuning' }).click();
  await expect(dialog.getByRole('alert')).toHaveText('Steps must be a whole number of at least 1.');
  await dialog.getByLabel('Steps', { exact: true }).fill('6');
  await dialog.getByLabel('Batch size', { exact: true }).fill('2');
  await dialog.getByLabel('Learning rate', { exact: true }).fill('1e-3');
  await dialog.getByLabel('Checkpoint every (steps)', { exact: true }).fill('3');
  await dialog.getByLabel('Name of the new model', { exact: true }).fill('Person v1');
  await dialog.getByRole('button', { name: 'Start fine-tuning' }).click();
  await expect(dialog).toBeHidden();

  await page.getByRole('button', { name: /^Jobs/ }).click();
  const jobs = page.getByRole('complementary', { name: 'Jobs' });
  // the job is titled by names, not ids
  const row = jobs.getByRole('listitem').filter({ hasText: 'Fine-tune tiny-base on Person (6 steps)' }).first();
  await expect(row.getByRole('figure', { name: /Loss curve, step [1-6] of 6/ })).toBeVisible({ timeout: 60_000 });
  await page.screenshot({ path: testInfo.outputPath('finetune-running.png') });
  await expect(row).toContainText('registered as model', { timeout: 90_000 });
  await expect(row.getByRole('figure', { name: 'Loss curve, step 6 of 6' })).toBeVisible();
  await expect(row.locator('polyline')).toHaveCount(1);
  await page.screenshot({ path: testInfo.outputPath('finetune-done.png') });

  // the Models view, open all along, lists the new model without being left and reopened
  await expect(page.getByRole('table', { name: 'Registered models' }).getByRole('row', { name: /Person v1/ })).toBeVisible();
});
