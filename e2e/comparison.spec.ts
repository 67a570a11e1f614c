// The measures and the comparison on the demo: a 1 × 2 expression transfer with the Demo base
// model shows each tile's expression error (with the source's floor), sharpness and wavelet σ,
// and under the grid the comparison table (one row: the model and its sampler) with its plot.
import { join } from 'node:path';
import { expect, test } from './support/fixtures';
import { startDemoServer } from './support/demo';
import { pickExpressionTransfer } from './support/edit';

test('a demo edit shows the measures on its tiles and the comparison table and plot under the grid', async ({ page, scratch }, testInfo) => {
  test.setTimeout(600_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  const server = await startDemoServer({}, join(scratch, 'data'));
  try {
    await page.goto(`${server.url}#/edit`);
    await expect(page.getByLabel('Model', { exact: true }).locator('option:checked')).toHaveText('Demo base model (base, 64 px)', { timeout: 60_000 });
    await pickExpressionTransfer(page, [0], [2, 3]);
    await page.getByRole('button', { name: 'Generate 2 edits' }).click();
    const done = page.locator('[data-testid="edit-cell"][data-state="done"]');
    await expect(done).toHaveCount(2, { timeout: 480_000 });
    // scores arrive after the image: landmark fitting re-estimates the expression (the demo's codes are exact)
    for (let i = 0; i < 2; i++) await expect(done.nth(i).getByTestId('tile-measures')).toHaveText(/exp \d\.\d{3} \(\d\.\d{3}\) sharp \d+ σ \d+\.\d{2}/, { timeout: 120_000 });
    const table = page.getByTestId('edit-comparison');
    await expect(table.getByTestId('comparison-row')).toHaveCount(1);
    await expect(table.getByTestId('comparison-row')).toContainText('Demo base model · ddim 20');
    await expect(table.getByTestId('comparison-row')).toContainText(/^Demo base model · ddim 202[\d.]+ ± [\d.]+/);
    await expect(table.getByTestId('comparison-plot')).toBeVisible();
    await table.scrollIntoViewIfNeeded();
    const path = testInfo.outputPath('comparison.png');
    await page.screenshot({ path, fullPage: true });
    await testInfo.attach('comparison', { path, contentType: 'image/png' });
  } finally {
    await server.stop();
  }
});
