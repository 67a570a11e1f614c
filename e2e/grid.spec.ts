// The photo grid at 2,000 photos: virtualised (a bounded number of tiles in the DOM), pages
// fetched as it scrolls, keyboard navigation and selection across the whole album. Scrolling
// frame times are measured and attached as numbers; they are not asserted (shared CI machine).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { callApi as call } from './support/api';
import { expect, test } from './support/fixtures';
import { writeDistinctPhotos } from './support/photos';

const photoCount = 2000;

/** The page's frame callback (the e2e project is type-checked without DOM types). */
interface FrameClock {
  requestAnimationFrame(callback: () => void): number;
}

test('the grid stays virtualised and navigable at 2,000 photos', async ({ page, server, scratch, request }, testInfo) => {
  test.setTimeout(300_000);
  const photos = join(scratch, 'many');
  mkdirSync(photos);
  await writeDistinctPhotos(photos, photoCount);
  await call(request, server, 'project.create', { dir: join(scratch, 'project'), name: 'Many' });
  const album = await call<{ id: number }>(request, server, 'album.create', { name: 'Crowd' });
  const { jobId } = await call<{ jobId: number }>(request, server, 'import.start', { albumId: album.id, paths: [photos] });
  await expect
    .poll(async () => (await call<{ state: string }>(request, server, 'job.get', { jobId })).state, { timeout: 240_000, intervals: [500] })
    .toBe('done');

  await page.goto(`${server.url}#/library/${album.id}`);
  const grid = page.getByRole('listbox', { name: 'Photos in Crowd' });
  await expect(page.getByRole('heading', { name: 'Crowd', level: 1 })).toBeVisible();
  await expect(page.getByRole('link', { name: /Crowd\s*2000 photos/ })).toBeVisible();
  await expect(grid.getByRole('option').first()).toHaveAccessibleName('photo-0000.jpg');

  await test.step('only the visible rows are in the DOM', async () => {
    const tiles = await grid.getByRole('option').count();
    expect(tiles).toBeGreaterThan(0);
    expect(tiles).toBeLessThan(200);
  });

  await test.step('scrolling through the album (frame times attached)', async () => {
    const frames = await grid.evaluate(async (element) => {
      const deltas: number[] = [];
      let last = performance.now();
      for (let i = 0; i < 150; i++) {
        element.scrollTop += 220;
        await new Promise((done) => (globalThis as unknown as FrameClock).requestAnimationFrame(() => done(null)));
        const now = performance.now();
        deltas.push(now - last);
        last = now;
      }
      return deltas;
    });
    const sorted = [...frames].sort((a, b) => a - b);
    const stats = {
      frames: frames.length,
      medianMs: sorted[Math.floor(sorted.length / 2)],
      p95Ms: sorted[Math.floor(sorted.length * 0.95)],
      maxMs: sorted[sorted.length - 1],
      over50Ms: frames.filter((f) => f > 50).length,
    };
    console.log(`grid scroll at ${photoCount} photos: ${JSON.stringify(stats)}`);
    await testInfo.attach('scroll-frames', { body: JSON.stringify(stats, null, 2), contentType: 'application/json' });
    // Pages far down the album were fetched and drawn as it scrolled.
    await expect(grid.getByRole('option', { name: /photo-0[5-9]\d\d\.jpg/ }).first()).toBeVisible();
    expect(await grid.getByRole('option').count()).toBeLessThan(200);
  });

  await test.step('End and Home jump to the last and first photo', async () => {
    await grid.focus();
    await page.keyboard.press('End');
    const last = grid.getByRole('option', { name: 'photo-1999.jpg' });
    await expect(last).toBeVisible();
    await expect.poll(() => last.locator('img').evaluate((i) => (i as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0);
    await expect(grid).toHaveAttribute('aria-activedescendant', `photo-cell-${photoCount - 1}`);
    await page.screenshot({ path: testInfo.outputPath('grid-end.png') });
    await testInfo.attach('grid-end', { path: testInfo.outputPath('grid-end.png'), contentType: 'image/png' });
    await page.keyboard.press('Home');
    await expect(grid.getByRole('option', { name: 'photo-0000.jpg' })).toBeVisible();
  });

  await test.step('the viewer steps across a page boundary (photo.list pages of 200)', async () => {
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('dialog', { name: 'photo-1999.jpg' })).toBeVisible();
    // Pages 4-8 were never on screen; photo 1799 is the last of page 8.
    for (let i = 0; i < 200; i++) await page.keyboard.press('ArrowLeft');
    const viewer = page.getByRole('dialog', { name: 'photo-1799.jpg' });
    await expect(viewer).toContainText('1800 of 2000');
    await page.keyboard.press('Escape');
    await expect(viewer).toHaveCount(0);
    await grid.focus();
    await page.keyboard.press('Home');
  });

  await test.step('arrows, shift-click ranges, ctrl-click, Ctrl+A and Escape', async () => {
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await expect(grid).toHaveAttribute('aria-activedescendant', 'photo-cell-2');
    await grid.getByRole('option', { name: 'photo-0001.jpg' }).click();
    await grid.getByRole('option', { name: 'photo-0006.jpg' }).click({ modifiers: ['Shift'] });
    await expect(page.getByRole('status').filter({ hasText: 'selected' })).toContainText('6 selected');
    await grid.getByRole('option', { name: 'photo-0003.jpg' }).click({ modifiers: ['Control'] });
    await expect(page.getByRole('status').filter({ hasText: 'selected' })).toContainText('5 selected');
    await expect(grid.getByRole('option', { name: 'photo-0003.jpg' })).toHaveAttribute('aria-selected', 'false');
    await page.keyboard.press('Control+a');
    await expect(page.getByRole('status').filter({ hasText: 'selected' })).toContainText(`${photoCount} selected`);
    await page.keyboard.press('Escape');
    await expect(page.getByRole('status').filter({ hasText: 'selected' })).toHaveCount(0);
  });

  await test.step('? lists the keyboard shortcuts', async () => {
    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await expect(help).toContainText('Select all photos of the album');
    await page.screenshot({ path: testInfo.outputPath('help.png') });
    await testInfo.attach('help', { path: testInfo.outputPath('help.png'), contentType: 'image/png' });
    await page.keyboard.press('Escape');
    await expect(help).toHaveCount(0);
  });
});
