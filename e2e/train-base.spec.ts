// Stage-1 training from the Models view in serve mode: on a synthetic album whose
// photos have FLAME codes, the "Train a base model…" dialog refuses a wrong field, starts a
// 'train-base' job with a tiny architecture, the jobs panel shows its loss curve, and the new
// base model appears in the registry.
import { join } from 'node:path';
import { EventHub } from '../src/main/core/events';
import { InlinePool } from '../src/main/jobs/pool';
import { workerTasks } from '../src/main/app/workerTasks';
import { JobRunner } from '../src/main/jobs/runner';
import { importJobKind } from '../src/main/library/import/importJob';
import { Library } from '../src/main/library/library';
import { Project } from '../src/main/library/project';
import { writeSyntheticFaces } from '../test/helpers/editFixture';
import { callApi } from './support/api';
import { expect, test } from './support/fixtures';
import { EstimateStore } from '../src/main/estimate/store';

async function prepareProject(scratch: string): Promise<string> {
  const dir = join(scratch, 'project');
  const project = Project.create(dir, 'Train-base e2e');
  const hub = new EventHub();
  const runner = new JobRunner(project.db, hub.emit, { progressIntervalMs: 0 });
  runner.register(importJobKind({ project, pool: new InlinePool(workerTasks), emit: hub.emit }));
  const library = new Library(project, hub.emit);
  const album = library.createAlbum('Faces');
  const faces = await writeSyntheticFaces(scratch, 3, 32);
  await runner.wait(runner.start('import', { albumId: album.id, paths: faces.map((f) => f.path) }).id);
  const estimates = new EstimateStore(project.db);
  library.listPhotos(album.id, 0, 10).items.forEach((p, k) => estimates.saveCodes(p.id, { name: 'synthetic', version: '1' }, faces[k].codes));
  await runner.close();
  project.close();
  return dir;
}

test('the Train a base model dialog starts stage 1 and registers a base model', async ({ page, request, server, scratch }) => {
  const dir = await prepareProject(scratch);
  await callApi(request, server, 'project.open', { dir });
  await page.goto(`${server.url}#/models`);
  await page.getByRole('button', { name: 'Train a base model…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Train a base model' });
  await dialog.getByRole('button', { name: 'Start training' }).click();
  await expect(dialog.getByRole('alert')).toHaveText('Choose at least one album to train on.');
  await dialog.getByRole('checkbox', { name: /Faces \(3 photos\)/ }).check();
  const fill = async (label: string, value: string) => dialog.getByLabel(label, { exact: true }).fill(value);
  await fill('Image size (px)', '16');
  await fill('Channel multipliers', '1,2');
  await fill('ResBlocks per level', '1');
  await fill('Attention at (px)', '5');
  await fill('Latent size', '16');
  await fill('Steps', '4');
  await fill('Batch size', '2');
  await fill('Learning rate', '1e-3');
  await fill('Checkpoint every (steps)', '2');
  await fill('Name of the new model', 'Tiny base');
  // the architecture is checked by the job: its refusal is said in the dialog
  await dialog.getByRole('button', { name: 'Start training' }).click();
  await expect(dialog.getByRole('alert')).toContainText("attention at 5 px: the UNet's levels are at 16, 8 px");
  await fill('Attention at (px)', '8');
  await dialog.getByRole('button', { name: 'Start training' }).click();
  await expect(dialog).toBeHidden();

  await page.getByRole('button', { name: /^Jobs/ }).click();
  const row = page.getByRole('complementary', { name: 'Jobs' }).getByRole('listitem').filter({ hasText: 'Train a base model' }).first();
  await expect(row).toContainText('registered as model', { timeout: 90_000 });
  await expect(row.getByRole('figure', { name: 'Loss curve, step 4 of 4' })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Registered models' }).getByRole('row', { name: /Tiny base/ })).toBeVisible();
});
