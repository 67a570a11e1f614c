// The demo edits out of the box, in Chromium against `rig-studio serve --demo`: Edit has the
// Demo base model selected; a 2 × 2 expression transfer between Demo album photos generates 4
// faces, and the face detector finds a face in each (its landmark score is shown on every tile),
// so the results are faces, not noise. Then the viewport's "Generate this edit" on a demo photo.
import { join } from 'node:path';
import type { Page, TestInfo } from '@playwright/test';
import { expect, test } from './support/fixtures';
import { startDemoServer } from './support/demo';
import { pickExpressionTransfer } from './support/edit';

async function snap(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

test('on the demo, a 2 × 2 × exp edit with the Demo base model generates 4 faces the detector finds', async ({ page, scratch }, testInfo) => {
  test.setTimeout(600_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  const server = await startDemoServer({}, join(scratch, 'data'));
  try {
    await page.goto(`${server.url}#/edit`);
    const model = page.getByLabel('Model', { exact: true });
    await expect(model.locator('option:checked')).toHaveText('Demo base model (base, 64 px)', { timeout: 60_000 });
    await pickExpressionTransfer(page, [0, 1], [2, 3]);
    await page.getByRole('button', { name: 'Generate 4 edits' }).click();
    const done = page.locator('[data-testid="edit-cell"][data-state="done"]');
    await expect(done).toHaveCount(4, { timeout: 480_000 });
    for (let i = 0; i < 4; i++) {
      // "lmk 2.1px": the detector found a face and its landmarks; "lmk —" would mean none
      await expect(done.nth(i).locator('.edit-tile-scores')).toHaveText(/lmk \d+\.\dpx/);
      await expect(done.nth(i).locator('img')).toBeVisible();
    }
    await snap(page, testInfo, 'demo-edit-2x2-exp');

    // the viewport's "Generate this edit" on a demo photo, with the demo model preselected
    await page.goto(server.url);
    await page.getByRole('link', { name: /Demo\s*12 photos/ }).click();
    await page.getByRole('option', { name: 'synthetic-demo-head-05-pucker.png' }).dblclick();
    await page.getByRole('dialog', { name: 'synthetic-demo-head-05-pucker.png' }).getByRole('link', { name: /Open in the 3D head view/ }).click();
    const panel = page.getByRole('group', { name: 'Generate this edit' });
    await expect(panel.getByLabel('Edit model').locator('option:checked')).toHaveText(/^Demo base model/, { timeout: 60_000 });
    await panel.getByRole('button', { name: 'Generate this edit' }).click();
    await expect(panel).toContainText(/Started edit job \d+/);
    // the result shows in the viewport itself when its job is done
    await expect(panel.getByRole('img', { name: 'Generated edit' })).toBeVisible({ timeout: 240_000 });
    await expect(panel.getByRole('button', { name: 'Generate this edit' })).toBeEnabled();
    await panel.getByRole('link', { name: 'open it in Edit' }).click();
    await expect(page.locator('[data-testid="edit-cell"][data-state="done"]')).toHaveCount(1, { timeout: 240_000 });
    await expect(page.locator('[data-testid="edit-cell"][data-state="done"] .edit-tile-scores')).toHaveText(/lmk \d+\.\dpx/);
    await snap(page, testInfo, 'demo-viewport-edit');
  } finally {
    await server.stop();
  }
});
