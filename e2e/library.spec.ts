// Issue 2's end-to-end check, in Chromium against serve mode: a project and an album made
// through the UI, 5 photos plus one corrupt file imported, the result surviving a reload, a
// delete, and a second import of the same folder reporting the duplicates.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page, TestInfo } from '@playwright/test';
import sharp from 'sharp';
import { sharedPath } from '../test/helpers/shared';
import { expect, test } from './support/fixtures';

const faces = [
  'IMG_0392_inputs.jpg',
  'alfw1.png',
  'alfw2.png',
  'id04657-PPHljWCZ53c-000565_inputs_inputs.jpg',
  'image02673.png',
];

/** What the tests read of an <img> (the e2e project has no DOM types). */
interface Decodable {
  complete: boolean;
  naturalWidth: number;
}

async function snap(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

/** Number of thumbnails in the grid that actually decoded (not just <img> elements). */
async function loadedThumbnails(page: Page): Promise<number> {
  return page
    .getByRole('listbox', { name: /^Photos in/ })
    .locator('img.thumb')
    .evaluateAll((images) => (images as unknown as Decodable[]).filter((i) => i.complete && i.naturalWidth > 0).length);
}

test('create a project and an album, import, reload, delete, re-import duplicates', async ({ page, server, scratch }, testInfo) => {
  const photos = join(scratch, 'photos');
  mkdirSync(photos);
  for (const name of faces) copyFileSync(sharedPath('faces', 'examples', name), join(photos, name));
  // A .jpg that is not an image: garbage bytes after a JPEG start-of-image marker.
  writeFileSync(join(photos, 'corrupt.jpg'), Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('this is not image data '.repeat(40))]));
  const projectDir = join(scratch, 'Face study');

  await test.step('open the served URL; the token leaves the address bar', async () => {
    await page.goto(server.url);
    await expect(page.getByRole('heading', { name: 'New project' })).toBeVisible();
    expect(page.url()).not.toContain('token=');
    await snap(page, testInfo, '0-projects');
  });

  await test.step('create a project', async () => {
    await page.getByLabel('Project name').fill('Face study');
    await page.getByRole('textbox', { name: 'Project folder', exact: true }).fill(projectDir);
    await page.getByRole('button', { name: 'Create project' }).click();
    await expect(page.getByRole('button', { name: 'Project Face study' })).toBeVisible();
  });

  await test.step('create an album', async () => {
    await page.getByRole('button', { name: 'New album' }).click();
    const dialog = page.getByRole('dialog', { name: 'New album' });
    await dialog.getByLabel('Album name').fill('Ada');
    await dialog.getByRole('button', { name: 'Create album' }).click();
    await expect(page.getByRole('heading', { name: 'Ada', level: 1 })).toBeVisible();
  });

  await test.step('import the folder from disk with the server-side browser', async () => {
    await page.getByRole('button', { name: 'Import from disk…' }).click();
    const browser = page.getByRole('dialog', { name: 'Import from disk' });
    await browser.getByLabel('Folder path').fill(scratch);
    await browser.getByRole('button', { name: 'Go' }).click();
    await browser.getByRole('checkbox', { name: 'Select photos' }).check();
    await snap(page, testInfo, '1-file-browser');
    await browser.getByRole('button', { name: 'Import selected' }).click();

    const report = page.getByRole('region', { name: 'Import result' });
    await expect(report).toContainText('5 imported', { timeout: 60_000 });
    await expect(report).toContainText('0 duplicates');
    await expect(report).toContainText('1 error');
    const errors = page.getByRole('list', { name: 'Import errors' }).getByRole('listitem');
    await expect(errors).toHaveCount(1);
    await expect(errors.first()).toContainText('corrupt.jpg');
    await expect(page.getByRole('option')).toHaveCount(5);
    await expect.poll(() => loadedThumbnails(page)).toBe(5);
    await snap(page, testInfo, '2-imported');
    await page.getByRole('button', { name: 'Dismiss import result' }).click();
    await expect(page.getByRole('region', { name: 'Import result' })).toHaveCount(0);
  });

  await test.step('the photo detail view shows the photo and its metadata', async () => {
    await page.getByRole('listbox', { name: 'Photos in Ada' }).focus();
    await page.keyboard.press('Enter');
    const detail = page.getByRole('dialog');
    await expect(detail.getByRole('region', { name: 'Photo metadata' })).toContainText('224 × 224 px');
    await expect.poll(() => detail.getByRole('img').evaluate((i) => (i as unknown as Decodable).naturalWidth)).toBe(224);
    await snap(page, testInfo, '3-detail');
    await page.keyboard.press('Escape');
    await expect(detail).toHaveCount(0);
  });

  await test.step('after a reload everything is still there', async () => {
    await page.reload();
    await expect(page.getByRole('button', { name: 'Project Face study' })).toBeVisible();
    await expect(page.getByRole('link', { name: /Ada\s*5 photos/ })).toBeVisible();
    await expect(page.getByRole('option')).toHaveCount(5);
    await expect.poll(() => loadedThumbnails(page)).toBe(5);
    await snap(page, testInfo, '4-reloaded');
  });

  await test.step('delete one photo (after confirming)', async () => {
    const first = page.getByRole('option').first();
    await first.click();
    await expect(first).toHaveAttribute('aria-selected', 'true');
    await page.keyboard.press('Delete');
    const confirm = page.getByRole('dialog', { name: 'Delete 1 photo?' });
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await expect(page.getByRole('option')).toHaveCount(4);
    await expect(page.getByRole('link', { name: /Ada\s*4 photos/ })).toBeVisible();
  });

  await test.step('import the same folder again (uploaded from the browser): duplicates reported', async () => {
    await page.getByLabel('Upload folder').setInputFiles(photos);
    const report = page.getByRole('region', { name: 'Import result' });
    // The deleted photo comes back; the other four are recognised by content.
    await expect(report).toContainText('1 imported', { timeout: 60_000 });
    await expect(report).toContainText('4 duplicates');
    await expect(report).toContainText('1 error');
    await expect(page.getByRole('list', { name: 'Duplicates' }).getByRole('listitem')).toHaveCount(4);
    await expect(page.getByRole('list', { name: 'Import errors' })).toContainText('corrupt.jpg');
    await expect(page.getByRole('option')).toHaveCount(5);
    await snap(page, testInfo, '5-duplicates');
  });

  await test.step('the jobs panel lists both imports as done', async () => {
    await page.getByRole('button', { name: /^Jobs/ }).click();
    const panel = page.getByRole('complementary', { name: 'Jobs' });
    await expect(panel.getByRole('listitem').filter({ hasText: 'Done' })).toHaveCount(2);
    await snap(page, testInfo, '6-jobs');
  });
});

test('opening a folder that is not a project says so', async ({ page, server, scratch }) => {
  await page.goto(server.url);
  await page.getByRole('textbox', { name: 'Existing project folder' }).fill(scratch);
  await page.getByRole('button', { name: 'Open project' }).click();
  await expect(page.getByRole('alert')).toContainText(`${scratch} is not a Rig Studio project`);
  await expect(page.getByRole('heading', { name: 'Open a project' })).toBeVisible();
});

test('albums: rename, and delete only after confirming', async ({ page, server, scratch }) => {
  await page.goto(server.url);
  await page.getByLabel('Project name').fill('Albums');
  await page.getByRole('textbox', { name: 'Project folder', exact: true }).fill(join(scratch, 'albums'));
  await page.getByRole('button', { name: 'Create project' }).click();
  for (const name of ['Ada', 'Grace']) {
    await page.getByRole('button', { name: 'New album' }).click();
    await page.getByRole('dialog', { name: 'New album' }).getByLabel('Album name').fill(name);
    await page.keyboard.press('Enter');
    await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
  }
  // A clashing name is refused with the backend's message, and the dialog stays open.
  await page.getByRole('button', { name: 'Rename album Grace' }).click();
  const rename = page.getByRole('dialog', { name: 'Rename “Grace”' });
  await rename.getByLabel('Album name').fill('Ada');
  await rename.getByRole('button', { name: 'Rename' }).click();
  await expect(rename.getByRole('alert')).toContainText('already exists');
  await rename.getByLabel('Album name').fill('Grace Hopper');
  await rename.getByRole('button', { name: 'Rename' }).click();
  await expect(page.getByRole('link', { name: /Grace Hopper/ })).toBeVisible();

  await page.getByRole('button', { name: 'Delete album Ada' }).click();
  await page.getByRole('dialog', { name: 'Delete album “Ada”?' }).getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('link', { name: /^Ada/ })).toBeVisible();
  await page.getByRole('button', { name: 'Delete album Ada' }).click();
  await page.getByRole('dialog', { name: 'Delete album “Ada”?' }).getByRole('button', { name: 'Delete album' }).click();
  await expect(page.getByRole('link', { name: /^Ada/ })).toHaveCount(0);
  await expect(page.getByRole('navigation', { name: 'Views' })).toBeVisible();
  await expect(page.getByRole('complementary', { name: 'Albums' }).getByRole('listitem')).toHaveCount(1);
});

test('dropping files on the album uploads and imports them', async ({ page, server, scratch }) => {
  await page.goto(server.url);
  await page.getByLabel('Project name').fill('Drop');
  await page.getByRole('textbox', { name: 'Project folder', exact: true }).fill(join(scratch, 'drop'));
  await page.getByRole('button', { name: 'Create project' }).click();
  await page.getByRole('button', { name: 'New album' }).click();
  await page.getByRole('dialog', { name: 'New album' }).getByLabel('Album name').fill('Dropped');
  await page.keyboard.press('Enter');
  const pane = page.getByRole('region', { name: 'Album Dropped' });
  await expect(pane).toBeVisible();

  const files = ['alfw1.png', 'IMG_0392_inputs.jpg'].map((name) => ({ name, bytes: [...readFileSync(sharedPath('faces', 'examples', name))] }));
  // TIFF imports, but browsers cannot show it: the detail view falls back to the thumbnail.
  const tiff = await sharp(sharedPath('faces', 'examples', 'alfw2.png')).tiff().toBuffer();
  files.push({ name: 'scan.tif', bytes: [...tiff] });
  const transfer = await page.evaluateHandle((list) => {
    const data = new (globalThis as unknown as { DataTransfer: new () => { items: { add(file: unknown): void } } }).DataTransfer();
    for (const f of list) data.items.add(new File([new Uint8Array(f.bytes)], f.name));
    return data;
  }, files);
  await pane.dispatchEvent('dragover', { dataTransfer: transfer });
  await expect(page.getByText('Drop to import into “Dropped”')).toBeVisible();
  await pane.dispatchEvent('drop', { dataTransfer: transfer });
  await expect(page.getByRole('region', { name: 'Import result' })).toContainText('3 imported', { timeout: 60_000 });
  await expect(page.getByRole('option')).toHaveCount(3);
  await expect(page.getByText('Drop to import into “Dropped”')).toHaveCount(0);

  await page.getByRole('option', { name: 'scan.tif' }).dblclick();
  const detail = page.getByRole('dialog', { name: 'scan.tif' });
  await expect(detail).toContainText(/cannot show this \w+ original; this is its 256-px preview/);
  await expect.poll(() => detail.getByRole('img').evaluate((i) => (i as unknown as Decodable).naturalWidth)).toBe(224);
});

test('the top bar switches between projects', async ({ page, server, scratch }) => {
  await page.goto(server.url);
  for (const name of ['First', 'Second']) {
    if (name === 'Second') {
      await page.getByRole('button', { name: 'Project First' }).click();
      await page.getByRole('menuitem', { name: 'New or open project…' }).click();
    }
    await page.getByLabel('Project name').fill(name);
    await page.getByRole('textbox', { name: 'Project folder', exact: true }).fill(join(scratch, name));
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.getByRole('button', { name: 'New album' }).click();
    await page.getByRole('dialog', { name: 'New album' }).getByLabel('Album name').fill(`${name} album`);
    await page.keyboard.press('Enter');
    await expect(page.getByRole('heading', { name: `${name} album`, level: 1 })).toBeVisible();
  }
  await page.getByRole('button', { name: 'Project Second' }).click();
  await page.getByRole('menuitem', { name: /^First/ }).click();
  await expect(page.getByRole('button', { name: 'Project First' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'First album', level: 1 })).toBeVisible();
  await expect(page.getByRole('link', { name: /Second album/ })).toHaveCount(0);

  await page.getByRole('button', { name: 'Project First' }).click();
  await page.getByRole('menuitem', { name: 'Close project' }).click();
  await expect(page.getByRole('heading', { name: 'Recent projects' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Open project First' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Open project Second' })).toBeVisible();
});
