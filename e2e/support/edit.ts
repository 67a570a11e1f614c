// The Edit setup as the specs fill it: sources and targets by position in the photo pickers, and
// the expression mode alone (pose and light unchecked).
import type { Page } from '@playwright/test';

/** Picks sources and targets (0-based positions in the pickers) and leaves only Expression checked. */
export async function pickExpressionTransfer(page: Page, sourceIndexes: number[], targetIndexes: number[]): Promise<void> {
  const sources = page.getByRole('group', { name: 'Sources photos' }).getByRole('button');
  const targets = page.getByRole('group', { name: 'Targets photos' }).getByRole('button');
  for (const i of sourceIndexes) await sources.nth(i).click();
  for (const i of targetIndexes) await targets.nth(i).click();
  await page.getByLabel('Pose (global rotation)').uncheck();
  await page.getByLabel('Light (27 SH)').uncheck();
}
