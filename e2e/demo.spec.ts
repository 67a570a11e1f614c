// The built-in demo in Chromium against `rig-studio serve --demo`: the Demo album shows the
// twelve synthetic renders of the demo head as decoded thumbnails, a photo's metadata says it is
// a synthetic render, and a restart on the same data dir adds nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page, TestInfo } from '@playwright/test';
import { expect, test } from './support/fixtures';
import { startDemoServer, type DemoServer } from './support/demo';

/** What the tests read of an <img> (the e2e project has no DOM types). */
interface Decodable {
  complete: boolean;
  naturalWidth: number;
}

async function loadedThumbnails(page: Page): Promise<number> {
  return page
    .getByRole('listbox', { name: 'Photos in Demo' })
    .locator('img.thumb')
    .evaluateAll((images) => (images as unknown as Decodable[]).filter((i) => i.complete && i.naturalWidth > 0).length);
}

async function snap(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

test('serve --demo: the Demo album shows twelve synthetic renders of the demo head, once', async ({ page }, testInfo) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'rig-e2e-demo-'));
  let server: DemoServer | null = null;
  try {
    server = await startDemoServer({}, dataDir);

    await test.step('the demo project opens with its Demo album of 12 photos', async () => {
      await page.goto(server!.url);
      await expect(page.getByRole('button', { name: 'Project Rig Studio demo' })).toBeVisible();
      const album = page.getByRole('link', { name: /Demo\s*12 photos/ });
      await expect(album).toBeVisible();
      await album.click();
      await expect(page.getByRole('heading', { name: 'Demo', level: 1 })).toBeVisible();
      await expect(page.getByRole('option')).toHaveCount(12);
      await expect.poll(() => loadedThumbnails(page)).toBe(12);
      await expect(page.getByRole('option', { name: 'synthetic-demo-head-01-neutral.png' })).toBeVisible();
      await expect(page.getByRole('option', { name: 'synthetic-demo-head-12-side-light.png' })).toBeVisible();
      await snap(page, testInfo, '1-demo-album');
    });

    await test.step('a photo says it is a synthetic render of the demo head', async () => {
      await page.getByRole('option', { name: 'synthetic-demo-head-01-neutral.png' }).dblclick();
      const detail = page.getByRole('dialog');
      const metadata = detail.getByRole('region', { name: 'Photo metadata' });
      await expect(metadata).toContainText('512 × 512 px');
      await expect(metadata).toContainText('Rig Studio');
      await expect(metadata).toContainText('synthetic, not a photo, not FLAME');
      await expect.poll(() => detail.getByRole('img').first().evaluate((i) => (i as unknown as Decodable).naturalWidth)).toBe(512);
      await snap(page, testInfo, '2-demo-photo');
      await page.keyboard.press('Escape');
    });

    await test.step('restarting on the same data dir adds nothing', async () => {
      await server!.stop();
      server = await startDemoServer({}, dataDir);
      await page.goto(server.url);
      await expect(page.getByRole('link', { name: /Demo\s*12 photos/ })).toBeVisible();
    });
  } finally {
    if (server) {
      await testInfo.attach('server-output', { body: server.output(), contentType: 'text/plain' });
      await server.stop();
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
});
