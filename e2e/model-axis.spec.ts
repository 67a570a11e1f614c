// The model axis on the demo, from the UI: one expression transfer compared over two model runs
// (the Demo base model with DDIM 4 and with DPM-Solver++ 4). The grid has a tile per run,
// labelled with its model and sampler, and under it the comparison table (a row per run) with
// its plot, shown in a screenshot; the grid stays inside its pane.
import { join } from 'node:path';
import { expect, test } from './support/fixtures';
import { startDemoServer } from './support/demo';
import { pickExpressionTransfer } from './support/edit';

test('a demo transfer over two model runs shows a labelled tile per run and a comparison row per run with its plot', async ({ page, scratch }, testInfo) => {
  test.setTimeout(480_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  const server = await startDemoServer({}, join(scratch, 'data'));
  try {
    await page.goto(`${server.url}#/edit`);
    await expect(page.getByLabel('Model', { exact: true }).locator('option:checked')).toHaveText('Demo base model (base, 64 px)', { timeout: 60_000 });
    await pickExpressionTransfer(page, [0], [2]);
    await page.getByLabel('DDIM steps', { exact: true }).fill('4');
    // a new run starts as the same model with the other sampler
    await page.getByRole('button', { name: 'Add a model run' }).click();
    const second = page.getByTestId('model-run');
    await expect(second.getByLabel('Model 2').locator('option:checked')).toHaveText('Demo base model (64 px)');
    await expect(second.getByLabel('Sampler 2')).toHaveValue('dpm++');
    await second.getByLabel('Steps 2').fill('4');
    await page.getByRole('button', { name: 'Generate 2 edits' }).click();
    const done = page.locator('[data-testid="edit-cell"][data-state="done"]');
    await expect(done).toHaveCount(2, { timeout: 360_000 });
    await expect(done.getByTestId('tile-run')).toHaveText(['Demo base model · DDIM 4', 'Demo base model · DPM-Solver++ 4']);
    // the measures arrive after the image (at 4 steps DPM-Solver++ from the inversion may give no face to re-estimate: '—')
    for (let i = 0; i < 2; i++) await expect(done.nth(i).getByTestId('tile-measures')).toHaveText(/exp (\d\.\d{3}|—) \(\d\.\d{3}\) sharp \d+ σ \d+\.\d{2}/, { timeout: 120_000 });
    const table = page.getByTestId('edit-comparison');
    const rows = table.getByTestId('comparison-row');
    await expect(rows).toHaveCount(2);
    await expect(rows.nth(0)).toContainText('Demo base model · ddim 4');
    await expect(rows.nth(1)).toContainText('Demo base model · dpm++ 4');
    await expect(table.getByTestId('comparison-plot')).toBeVisible();
    const grid = page.locator('.edit-grid-scroll');
    expect(await grid.evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true);
    await table.scrollIntoViewIfNeeded();
    const path = testInfo.outputPath('model-axis.png');
    await page.screenshot({ path, fullPage: true });
    await testInfo.attach('model-axis comparison', { path, contentType: 'image/png' });
  } finally {
    await server.stop();
  }
});
