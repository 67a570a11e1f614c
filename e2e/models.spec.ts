// The Models view in serve mode: a DiffusionRig checkpoint imported through the server-side file
// picker and through a browser upload, checked before import (a truncated copy is refused with
// the file named), shown with its inferred architecture; rename, remove; the Engine panel.
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page, TestInfo } from '@playwright/test';
import { sharedPath } from '../test/helpers/shared';
import { callApi } from './support/api';
import { expect, test } from './support/fixtures';

const fixture = sharedPath('fixtures', 'diffusionrig-a', 'model000000.pt');
// config.json of the fixture: 32 channels ×1,2,2, one res block, attention at 16 of 64 px
const summary = 'UNet 32 ch ×1,2,2 · 1 res block · attention 1/4 · resnet18 · latent 64';

/** A folder with the fixture checkpoint and a copy cut off after 1 MB. */
function checkpoints(scratch: string): { dir: string; good: string; truncated: string } {
  const dir = join(scratch, 'checkpoints');
  mkdirSync(dir, { recursive: true });
  const good = join(dir, 'model000000.pt');
  const truncated = join(dir, 'truncated.pt');
  copyFileSync(fixture, good);
  writeFileSync(truncated, readFileSync(fixture).subarray(0, 1 << 20));
  return { dir, good, truncated };
}

async function shot(page: Page, testInfo: TestInfo, name: string) {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

test('imports a checkpoint from the server’s disk with its inferred architecture; a truncated copy is refused naming the file; rename and remove', async ({ page, server, scratch, request }, testInfo) => {
  const { dir, good, truncated } = checkpoints(scratch);
  await callApi(request, server, 'project.create', { dir: join(scratch, 'project'), name: 'Models' });
  await page.goto(`${server.url}#/models`);
  await expect(page.getByRole('heading', { name: 'Models', level: 1 })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'No models yet' })).toBeVisible();

  await page.getByRole('button', { name: 'Import from disk…' }).click();
  const browser = page.getByRole('dialog', { name: 'Import checkpoints from disk' });
  await browser.getByLabel('Folder path').fill(dir);
  await browser.getByRole('button', { name: 'Go' }).click();
  await browser.getByLabel('Select model000000.pt').check();
  await browser.getByLabel('Select truncated.pt').check();
  await browser.getByRole('button', { name: 'Check selected' }).click();

  const check = page.getByRole('dialog', { name: 'Import 2 checkpoints' });
  const refused = check.getByRole('listitem').filter({ hasText: 'truncated.pt' });
  await expect(refused.getByRole('alert')).toContainText(`${truncated}: the zip archive is damaged or truncated`, { timeout: 30_000 });
  const accepted = check.getByRole('listitem').filter({ hasText: 'model000000.pt' });
  await expect(accepted).toContainText(summary, { timeout: 30_000 });
  await expect(accepted).toContainText('encoder 11.2 M');
  await expect(check).toContainText('1 of 2 usable');
  await shot(page, testInfo, 'import-check');
  await check.getByRole('button', { name: 'Import' }).click();
  await expect(check).toBeHidden();

  // the import runs as a job; when it is done the new model is listed and opened
  const table = page.getByRole('table', { name: 'Registered models' });
  await expect(table.getByRole('row', { name: /model000000/ })).toBeVisible({ timeout: 60_000 });
  await expect(table.getByRole('row')).toHaveCount(2); // header + the one model: the truncated file was never imported
  const details = page.getByRole('region', { name: 'Model model000000' });
  await expect(details).toContainText(summary);
  await expect(details).toContainText('Stage 1');
  await expect(details).toContainText(good);
  await expect(details.getByRole('table', { name: 'Architecture' }).getByRole('row', { name: 'num_channels 32' })).toBeVisible();
  await expect(details.getByRole('table', { name: 'Architecture' }).getByRole('row', { name: 'channel_mult 1,2,2' })).toBeVisible();
  await expect(details).toContainText(/[0-9a-f]{64}/);
  await expect(details).toContainText(/UNet \d+(\.\d)? M, encoder 11\.2 M/);

  // the Engine panel: order in force, and which provider really ran a session
  const engine = page.getByRole('region', { name: 'Engine' });
  await expect(engine).toContainText(process.platform === 'linux' ? 'cuda → webgpu → cpu' : process.platform === 'win32' ? 'cuda → webgpu → dml → cpu' : 'webgpu → coreml → cpu');
  await engine.getByRole('button', { name: 'Test the engine' }).click();
  await expect(engine.locator('.engine-ran')).toHaveAttribute('data-provider', /^(cuda|dml|coreml|webgpu|cpu)$/);
  await expect(engine).toContainText('engine-probe');
  // CUDA's files are not installed here: the panel says how to install them, never "Failed to load shared library"
  if (process.platform === 'linux') {
    await expect(engine.getByRole('list', { name: 'Skipped providers' })).toContainText('cuda: CUDA files not installed — how to install');
    await expect(engine).not.toContainText('Failed to load shared library');
    await expect(engine.locator('.engine-install summary')).toHaveText('CUDA files not installed — how to install');
    await expect(engine.locator('.engine-adapter')).not.toContainText('not probed yet');
  }
  await shot(page, testInfo, 'model-details');

  await details.getByRole('button', { name: 'Rename' }).click();
  const rename = page.getByRole('dialog', { name: 'Rename model' });
  await rename.getByLabel('Name').fill('DiffusionRig A');
  await rename.getByRole('button', { name: 'Rename' }).click();
  await expect(page.getByRole('region', { name: 'Model DiffusionRig A' })).toBeVisible();
  await expect(table.getByRole('row', { name: /DiffusionRig A/ })).toBeVisible();

  await page.getByRole('region', { name: 'Model DiffusionRig A' }).getByRole('button', { name: 'Remove' }).click();
  const confirm = page.getByRole('dialog', { name: 'Remove “DiffusionRig A”?' });
  await expect(confirm).toContainText(`The checkpoint file stays where it is: ${good}`);
  await confirm.getByRole('button', { name: 'Remove' }).click();
  await expect(page.getByRole('heading', { name: 'No models yet' })).toBeVisible();
  expect(existsSync(good)).toBe(true);
});

test('uploads a checkpoint from the browser and keeps the upload inside the project', async ({ page, server, scratch, request }, testInfo) => {
  const { good, truncated } = checkpoints(scratch);
  const projectDir = join(scratch, 'project');
  await callApi(request, server, 'project.create', { dir: projectDir, name: 'Uploads' });
  await page.goto(`${server.url}#/models`);
  await expect(page.getByRole('heading', { name: 'No models yet' })).toBeVisible();

  await page.getByLabel('Upload checkpoint files').setInputFiles(truncated);
  const bad = page.getByRole('dialog', { name: 'Import checkpoint' });
  await expect(bad.getByRole('alert')).toContainText(/truncated\.pt: the zip archive is damaged or truncated/, { timeout: 30_000 });
  await expect(bad.getByRole('button', { name: 'Import' })).toBeDisabled();
  await bad.getByRole('button', { name: 'Cancel' }).click();

  await page.getByLabel('Upload checkpoint files').setInputFiles(good);
  const check = page.getByRole('dialog', { name: 'Import checkpoint' });
  await expect(check).toContainText(summary, { timeout: 30_000 });
  await check.getByLabel('Name').fill('Uploaded A');
  await check.getByRole('button', { name: 'Import' }).click();

  const details = page.getByRole('region', { name: 'Model Uploaded A' });
  await expect(details).toContainText(summary, { timeout: 60_000 });
  await expect(details).toContainText(join(projectDir, 'derived', 'models', 'uploaded'));
  await shot(page, testInfo, 'uploaded');
  const [model] = await callApi<{ filePath: string; projectCopy: boolean }[]>(request, server, 'model.list');
  expect(model.projectCopy).toBe(true);
  expect(existsSync(model.filePath)).toBe(true);
});
