// The jobs panel against real imports: live progress, cancel and resume; and a server killed
// in the middle of an import, whose job comes back as interrupted and can be resumed.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import type { ImportResult, JobInfo } from '../src/common/contract';
import { callApi } from './support/api';
import { expect, test } from './support/fixtures';
import { writeDistinctPhotos } from './support/photos';
import { startServer, type ServeHandle } from './support/server';

// Large enough (512 px) that importing them takes seconds, so there is time to act mid-way.
const photoCount = 400;
const photoSize = 512;

function jobsPanel(page: Page) {
  return page.getByRole('complementary', { name: 'Jobs' });
}

async function setUp(request: Parameters<typeof callApi>[0], server: ServeHandle, scratch: string, name: string): Promise<{ albumId: number; photos: string }> {
  const photos = join(scratch, 'batch');
  mkdirSync(photos, { recursive: true });
  await writeDistinctPhotos(photos, photoCount, photoSize);
  await callApi(request, server, 'project.create', { dir: join(scratch, name), name });
  const album = await callApi<{ id: number }>(request, server, 'album.create', { name: 'Batch' });
  return { albumId: album.id, photos };
}

test('the jobs panel shows a running import live; cancel, then resume it', async ({ page, server, scratch, request }, testInfo) => {
  test.setTimeout(240_000);
  const { albumId, photos } = await setUp(request, server, scratch, 'Jobs');
  await page.goto(`${server.url}#/library/${albumId}`);
  await expect(page.getByRole('heading', { name: 'Batch', level: 1 })).toBeVisible();

  const { jobId } = await callApi<{ jobId: number }>(request, server, 'import.start', { albumId, paths: [photos] });
  const indicator = page.getByRole('button', { name: 'Jobs (1 running)' });
  await expect(indicator).toBeVisible();
  await page.keyboard.press('j');
  const row = jobsPanel(page).getByRole('listitem').first();
  await expect(row.getByRole('progressbar')).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('running.png') });
  await testInfo.attach('running', { path: testInfo.outputPath('running.png'), contentType: 'image/png' });
  await row.getByRole('button', { name: 'Cancel' }).click();
  await expect(row).toHaveAccessibleName(/, Cancelled$/, { timeout: 30_000 });
  await page.screenshot({ path: testInfo.outputPath('cancelled.png') });
  await testInfo.attach('cancelled', { path: testInfo.outputPath('cancelled.png'), contentType: 'image/png' });
  const cancelled = await callApi<JobInfo>(request, server, 'job.get', { jobId });
  expect((cancelled.result as ImportResult).imported).toBeLessThan(photoCount);

  await row.getByRole('button', { name: 'Resume' }).click();
  await expect(row).toHaveAccessibleName(/, Done$/, { timeout: 180_000 });
  await expect(page.getByRole('link', { name: new RegExp(`Batch\\s*${photoCount} photos`) })).toBeVisible();
  await row.getByRole('button', { name: 'Details' }).click();
  await expect(row.getByRole('list', { name: 'Job log' })).toBeVisible();
  await expect(row.getByRole('region', { name: 'Import result' })).toContainText('0 errors');
  await page.screenshot({ path: testInfo.outputPath('resumed.png') });
  await testInfo.attach('resumed', { path: testInfo.outputPath('resumed.png'), contentType: 'image/png' });
});

test('an import cut off by a killed server is shown as interrupted and can be resumed', async ({ page, scratch, request }, testInfo) => {
  test.setTimeout(240_000);
  const dataDir = mkdtempSync(join(tmpdir(), 'rig-e2e-data-'));
  let server = await startServer({ dataDir });
  try {
    const { albumId, photos } = await setUp(request, server, scratch, 'Crash test');
    const { jobId } = await callApi<{ jobId: number }>(request, server, 'import.start', { albumId, paths: [photos] });
    await expect
      .poll(async () => ((await callApi<JobInfo>(request, server, 'job.get', { jobId })).result as ImportResult | null)?.imported ?? 0, { intervals: [100] })
      .toBeGreaterThan(10);
    await server.stop('SIGKILL');

    server = await startServer({ dataDir });
    await page.goto(server.url);
    await page.getByRole('button', { name: 'Open project Crash test' }).click();
    await page.getByRole('button', { name: 'Jobs (1 interrupted)' }).click();
    const row = jobsPanel(page).getByRole('listitem').first();
    await expect(row).toHaveAccessibleName(/, Interrupted$/);
    await expect(row.getByRole('button', { name: 'Re-run' })).toBeVisible();
    await page.screenshot({ path: testInfo.outputPath('interrupted.png') });
    await testInfo.attach('interrupted', { path: testInfo.outputPath('interrupted.png'), contentType: 'image/png' });

    await row.getByRole('button', { name: 'Resume' }).click();
    await expect(row).toHaveAccessibleName(/, Done$/, { timeout: 180_000 });
    await expect(page.getByRole('link', { name: new RegExp(`Batch\\s*${photoCount} photos`) })).toBeVisible();
    const done = await callApi<JobInfo>(request, server, 'job.get', { jobId });
    expect(done.state).toBe('done');
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
