// Settings in serve mode: the FLAME file and DECA data folder checked live (a wrong path gets a
// clear, file-naming error; the fixture FLAME file and ../shared/deca-data are accepted, saved
// and still there after a reload), and the project's estimator chosen through the server-side
// file browser, which the library's estimation then runs.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { sharedPath } from '../test/helpers/shared';
import { callApi } from './support/api';
import { expect, test } from './support/fixtures';

function checks(page: Page, label: string) {
  return page.getByLabel(label, { exact: true });
}

test('Settings validates the FLAME files live, saves them, and sets the project estimator', async ({ page, server, scratch, request }, testInfo) => {
  test.setTimeout(120_000);
  await callApi(request, server, 'project.create', { dir: join(scratch, 'Settings test'), name: 'Settings test' });
  await page.goto(`${server.url}#/settings`);
  await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
  await expect(page.getByTestId('flame-note')).toContainText('never ships FLAME data');
  await expect(page.getByTestId('flame-in-use')).toHaveText('In use now: the demo head (not FLAME)');

  const flame = checks(page, 'FLAME asset checks');
  const modelField = page.getByLabel('FLAME model file', { exact: true });
  const dataField = page.getByLabel('DECA data folder', { exact: true });

  // a path that does not exist
  const wrongPath = join(scratch, 'FLAME2020', 'generic_model.pkl');
  await modelField.fill(wrongPath);
  const modelRow = flame.getByRole('listitem').filter({ hasText: 'FLAME model' });
  await expect(modelRow).toHaveAttribute('data-status', 'missing');
  await expect(modelRow).toContainText(`${wrongPath} does not exist or is not a file`);
  await expect(flame.getByRole('status')).toContainText('FLAME model');

  // a file that is there but is not a FLAME model
  const notFlame = join(scratch, 'notes.pkl');
  writeFileSync(notFlame, 'these are my notes, not a pickle\n');
  await modelField.fill(notFlame);
  await expect(modelRow).toHaveAttribute('data-status', 'invalid');
  await expect(modelRow).toContainText('notes.pkl');
  await page.screenshot({ path: testInfo.outputPath('wrong-flame.png') });
  await testInfo.attach('wrong FLAME file', { path: testInfo.outputPath('wrong-flame.png'), contentType: 'image/png' });

  // the fixture FLAME file and DECA's data folder are accepted
  await modelField.fill(sharedPath('fixtures', 'flame-synthetic', 'generic_model.pkl'));
  await dataField.fill(sharedPath('deca-data'));
  await expect(flame.getByRole('status')).toHaveText('Everything needed is there.', { timeout: 20_000 });
  await expect(modelRow).toHaveAttribute('data-status', 'ok');
  await expect(flame.getByRole('listitem').filter({ hasText: 'landmark_embedding.npy' })).toHaveAttribute('data-status', 'ok');
  await page.getByTestId('flame-save').click();
  await expect(page.getByTestId('flame-in-use')).toContainText(`FLAME from ${sharedPath('fixtures', 'flame-synthetic', 'generic_model.pkl')}`);
  await expect(page.getByTestId('flame-save')).toBeDisabled();

  // landmark fitting now fits the FLAME file
  await expect(page.getByTestId('estimator-in-use')).toHaveText('In use: Landmark fitting on generic_model.pkl');

  // DECA: a wrong checkpoint, then the fixture picked with the server-side browser
  await page.getByTestId('estimator-deca').check();
  await expect(page.getByText("To check: choose DECA's checkpoint (deca_model.tar).")).toBeVisible();
  const estimator = checks(page, 'Estimator checks');
  await page.getByLabel('DECA checkpoint', { exact: true }).fill(join(scratch, 'deca_model.tar'));
  await expect(estimator.getByRole('listitem')).toContainText(`${join(scratch, 'deca_model.tar')} does not exist`);
  await page.getByRole('button', { name: 'Browse for deca checkpoint' }).click();
  const dialog = page.getByRole('dialog', { name: 'DECA checkpoint' });
  await dialog.getByLabel('Folder path').fill(sharedPath('fixtures', 'deca-a'));
  await dialog.getByRole('button', { name: 'Go' }).click();
  await dialog.getByLabel('Select deca_model.tar').check();
  await dialog.getByRole('button', { name: 'Use selected file' }).click();
  await expect(page.getByLabel('DECA checkpoint', { exact: true })).toHaveValue(sharedPath('fixtures', 'deca-a', 'deca_model.tar'));
  await expect(estimator.getByRole('status')).toHaveText('Everything needed is there.');
  await expect(estimator.getByRole('listitem')).toContainText('PyTorch zip archive');
  await page.getByTestId('estimator-save').click();
  await expect(page.getByTestId('estimator-in-use')).toHaveText('In use: DECA (deca_model.tar)');
  await page.screenshot({ path: testInfo.outputPath('settings-saved.png'), fullPage: true });
  await testInfo.attach('settings saved', { path: testInfo.outputPath('settings-saved.png'), contentType: 'image/png' });

  // both survive a reload (the FLAME files for the app, the estimator in the project)
  await page.reload();
  await expect(modelField).toHaveValue(sharedPath('fixtures', 'flame-synthetic', 'generic_model.pkl'));
  await expect(dataField).toHaveValue(sharedPath('deca-data'));
  await expect(page.getByTestId('estimator-deca')).toBeChecked();
  await expect(page.getByLabel('DECA checkpoint', { exact: true })).toHaveValue(sharedPath('fixtures', 'deca-a', 'deca_model.tar'));
  expect(await callApi<{ choice: unknown }>(request, server, 'estimate.estimator.get')).toMatchObject({ choice: { kind: 'deca', checkpoint: sharedPath('fixtures', 'deca-a', 'deca_model.tar') } });

  // the saved estimator is what the library runs: DECA from the fixture checkpoint
  const photos = join(scratch, 'faces');
  mkdirSync(photos);
  copyFileSync(sharedPath('faces', 'examples', 'alfw1.png'), join(photos, 'alfw1.png'));
  const album = await callApi<{ id: number }>(request, server, 'album.create', { name: 'Deca' });
  const { jobId } = await callApi<{ jobId: number }>(request, server, 'import.start', { albumId: album.id, paths: [photos] });
  await expect.poll(async () => (await callApi<{ state: string }>(request, server, 'job.get', { jobId })).state, { timeout: 30_000 }).toBe('done');
  await page.goto(`${server.url}#/library/${album.id}`);
  const panel = page.getByRole('region', { name: 'FLAME estimation' });
  await expect(panel).toContainText('New estimates: DECA (deca_model.tar)');
  await panel.getByRole('button', { name: 'Estimate FLAME codes' }).click();
  await expect(panel.getByTestId('estimate-summary')).toHaveText('1 of 1 photo estimated (DECA 1)', { timeout: 60_000 });
  await page.getByRole('listbox', { name: 'Photos in Deca' }).focus();
  await page.keyboard.press('Enter');
  const estimate = page.getByRole('dialog', { name: 'alfw1.png' }).getByRole('region', { name: 'FLAME estimate' });
  await expect(estimate.getByTestId('estimate-estimator')).toContainText(/^DECA · deca_model\.tar@[0-9a-f]{12}/);
  await expect(page.getByTestId('photo-overlay').locator('circle')).toHaveCount(68);
});
