// Training sets that travel, on the demo from the UI: Models → Export training set… writes the
// Demo album in upstream's LMDB layout (a 'dataset-export' job), Import training set… takes it
// back in place, and the Train a base model dialog offers it as a training source.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from './support/fixtures';
import { startDemoServer } from './support/demo';

test('exports the Demo album as an LMDB training set and imports it back as a training source', async ({ page, scratch }, testInfo) => {
  test.setTimeout(300_000);
  const server = await startDemoServer({}, join(scratch, 'data'));
  const out = join(scratch, 'demo-set');
  try {
    await page.goto(`${server.url}#/models`);
    await page.getByRole('button', { name: 'Export training set…' }).click();
    const exporting = page.getByRole('dialog', { name: 'Export training set' });
    await exporting.getByRole('button', { name: 'Export' }).click();
    await expect(exporting.getByRole('alert')).toHaveText('Choose at least one album.');
    await exporting.getByRole('checkbox', { name: /Demo \(12 photos\)/ }).check();
    await exporting.getByLabel('Folder', { exact: true }).fill(out);
    await exporting.getByLabel('Image size (px)', { exact: true }).fill('32');
    await exporting.getByRole('button', { name: 'Export' }).click();
    await expect(exporting).toBeHidden({ timeout: 60_000 });
    // mean_shape.pkl is written after the last record
    await expect.poll(() => existsSync(join(out, 'mean_shape.pkl')), { timeout: 120_000 }).toBe(true);

    await page.getByRole('button', { name: 'Import training set…' }).click();
    const importing = page.getByRole('dialog', { name: 'Import training set' });
    await importing.getByLabel('LMDB folder (holds data.mdb)').fill(join(scratch, 'nowhere'));
    await importing.getByRole('button', { name: 'Import' }).click();
    await expect(importing.getByRole('alert')).toContainText(`${join(scratch, 'nowhere')}: no data.mdb there`);
    await importing.getByLabel('LMDB folder (holds data.mdb)').fill(out);
    await importing.getByLabel('Name').fill('Demo set');
    await importing.getByRole('button', { name: 'Import' }).click();
    await expect(importing).toBeHidden();
    await expect(page.getByText('Training set "Demo set": 12 records at 32 px')).toBeVisible();

    await page.getByRole('button', { name: 'Train a base model…' }).click();
    const training = page.getByRole('dialog', { name: 'Train a base model' });
    await expect(training.getByRole('checkbox', { name: 'Demo set (12 records, 32 px)' })).toBeVisible();
    const path = testInfo.outputPath('training-set.png');
    await page.screenshot({ path, fullPage: true });
    await testInfo.attach('training-set', { path, contentType: 'image/png' });
  } finally {
    await server.stop();
  }
});
