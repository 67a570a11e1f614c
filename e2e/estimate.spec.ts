// FLAME estimation from the library in serve mode, with landmark fitting (no checkpoint): run
// it over an album, pick one face in a photo with two, then the photo detail shows the box and
// the 68 landmarks over the photo, the aligned and DECA crops, emotion bars, and the fitted
// head, whose edited codes are saved and restored.
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page, TestInfo } from '@playwright/test';
import sharp from 'sharp';
import type { AlbumEstimates, PhotoEstimateView } from '../src/common/contract';
import { sharedPath } from '../test/helpers/shared';
import { callApi } from './support/api';
import { expect, test } from './support/fixtures';

async function snap(page: Page, testInfo: TestInfo, name: string) {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

test('estimate an album with landmark fitting, pick a face, see landmarks and crops, edit the codes', async ({ page, server, scratch, request }, testInfo) => {
  test.setTimeout(120_000);
  const photos = join(scratch, 'faces');
  mkdirSync(photos);
  copyFileSync(sharedPath('faces', 'examples', 'alfw1.png'), join(photos, 'alfw1.png'));
  copyFileSync(sharedPath('faces', 'examples', 'IMG_0392_inputs.jpg'), join(photos, 'IMG_0392_inputs.jpg'));
  // a TIFF: the browser cannot decode it, so the detail view shows its preview under the overlay
  await sharp(sharedPath('faces', 'examples', 'image02673.png')).tiff().toFile(join(photos, 'scan.tif'));
  // two faces side by side: the user picks one
  const face = await sharp(sharedPath('faces', 'examples', 'alfw2.png')).resize(240, 240).png().toBuffer();
  await sharp({ create: { width: 520, height: 260, channels: 3, background: '#808080' } })
    .composite([
      { input: face, left: 10, top: 10 },
      { input: face, left: 270, top: 10 },
    ])
    .png()
    .toFile(join(photos, 'pair.png'));
  await callApi(request, server, 'project.create', { dir: join(scratch, 'Estimation'), name: 'Estimation' });
  const album = await callApi<{ id: number }>(request, server, 'album.create', { name: 'Faces' });
  const { jobId } = await callApi<{ jobId: number }>(request, server, 'import.start', { albumId: album.id, paths: [photos] });
  await expect.poll(async () => (await callApi<{ state: string }>(request, server, 'job.get', { jobId })).state, { timeout: 30_000 }).toBe('done');

  await page.goto(`${server.url}#/library/${album.id}`);
  const panel = page.getByRole('region', { name: 'FLAME estimation' });
  await expect(panel.getByTestId('estimate-summary')).toHaveText('0 of 4 photos estimated');
  await expect(panel).toContainText('New estimates: Landmark fitting on the demo head (not FLAME)');

  await test.step('estimate the album; the photo with two faces asks for a choice', async () => {
    await panel.getByRole('button', { name: 'Estimate demo-head codes' }).click();
    await expect(page.getByRole('button', { name: /Jobs \(1 running\)/ })).toBeVisible();
    await expect(panel.getByTestId('estimate-summary')).toHaveText('3 of 4 photos estimated (landmark fitting 3) · 1 need attention', { timeout: 60_000 });
    const problem = panel.getByRole('list', { name: 'Photos without an estimate' }).getByRole('listitem');
    await expect(problem).toContainText('pair.png');
    await expect(problem).toContainText('2 faces');
    await snap(page, testInfo, '1-several-faces');
    await problem.getByRole('button', { name: 'Choose face…' }).click();
    const picker = page.getByRole('dialog', { name: 'Choose the face in pair.png' });
    await expect(picker.getByRole('button', { name: /^Face \d$/ })).toHaveCount(2);
    await picker.getByRole('button', { name: 'Face 2' }).click();
    await picker.getByRole('button', { name: 'Estimate this face' }).click();
    await expect(panel.getByTestId('estimate-summary')).toHaveText('4 of 4 photos estimated (landmark fitting 4)', { timeout: 60_000 });
    await panel.getByRole('button', { name: 'Details' }).click();
    await expect(panel.getByTestId('mean-shape')).toContainText('‖β‖');
    const state = await callApi<AlbumEstimates>(request, server, 'estimate.album', { albumId: album.id });
    expect(state.meanShape).toHaveLength(100);
  });

  let fileName = '';
  await test.step('the photo detail draws the box and the 68 landmarks, and shows the crops and emotion', async () => {
    await page.getByRole('listbox', { name: 'Photos in Faces' }).focus();
    await page.keyboard.press('Enter');
    // the first photo of the album (import order)
    const detail = page.getByRole('dialog');
    await expect(detail.getByRole('heading', { level: 2 })).toHaveText(/\.(png|jpg)$/);
    fileName = (await detail.getByRole('heading', { level: 2 }).textContent())!;
    const estimate = detail.getByRole('region', { name: 'FLAME estimate' });
    await expect(estimate.getByTestId('estimate-estimator')).toContainText('Landmark fitting · landmark-fit-1/');
    const overlay = detail.getByTestId('photo-overlay');
    await expect(overlay).toBeVisible();
    await expect(overlay.locator('[data-testid="overlay-landmarks"] circle')).toHaveCount(68);
    await expect(overlay.getByTestId('overlay-box')).toHaveCount(1);
    // the overlay lies on the photo: same box on screen
    const [photoBox, overlayBox] = await Promise.all([detail.getByRole('img', { name: fileName }).boundingBox(), overlay.boundingBox()]);
    expect(Math.abs(photoBox!.x - overlayBox!.x)).toBeLessThan(1.5);
    expect(Math.abs(photoBox!.width - overlayBox!.width)).toBeLessThan(1.5);
    // the landmarks sit inside the detection box, on the face
    const view = (await callApi<PhotoEstimateView>(request, server, 'estimate.photo', { photoId: (await callApi<{ items: { id: number; fileName: string }[] }>(request, server, 'photo.list', { albumId: album.id, offset: 0, limit: 10 })).items.find((p) => p.fileName === fileName)!.id }))!;
    const [bx, by, bw, bh] = view.faceBoxes[view.faceIndex];
    const inside = view.landmarks.filter(([x, y]) => x >= bx - 0.1 * bw && x <= bx + 1.1 * bw && y >= by - 0.1 * bh && y <= by + 1.1 * bh).length;
    expect(inside).toBeGreaterThanOrEqual(60);
    await expect(estimate.getByTestId('aligned-crop')).toBeVisible();
    await expect.poll(() => estimate.getByTestId('deca-crop').evaluate((i) => (i as unknown as { naturalWidth: number }).naturalWidth)).toBe(224);
    await expect(estimate.getByRole('list', { name: 'Emotion probabilities' }).getByRole('listitem')).toHaveCount(7);
    await expect(estimate.getByRole('link', { name: 'Open in the 3D head view' })).toHaveAttribute('href', `#/viewport/photo/${view.photoId}`);
    await snap(page, testInfo, '2-detail-landmarks');
    await estimate.getByLabel('68 landmarks').uncheck();
    await expect(overlay.locator('[data-testid="overlay-landmarks"]')).toHaveCount(0);
    await estimate.getByLabel('68 landmarks').check();
  });

  await test.step('the fitted head over the photo; edited codes are saved and the estimate restored', async () => {
    const detail = page.getByRole('dialog', { name: fileName });
    await detail.getByTestId('open-fitted-head').click();
    const head = page.getByRole('dialog', { name: `Fitted head: ${fileName}` });
    await expect(head.getByTestId('viewport-canvas').locator('canvas')).toBeVisible({ timeout: 30_000 });
    await expect(head.getByTestId('codes-state')).toHaveText('as estimated');
    // fitted on the demo head and shown on it: no warning
    await expect(head.getByText('Demo head (not FLAME) over the aligned crop')).toBeVisible();
    await expect(head.getByTestId('head-mismatch')).toHaveCount(0);
    await head.getByTestId('expression-0').fill('2.5');
    await expect(head.getByTestId('codes-state')).toHaveText('as estimated · unsaved changes');
    await head.getByTestId('codes-save').click();
    await expect(head.getByTestId('codes-state')).toHaveText('edited');
    await snap(page, testInfo, '3-fitted-head-edited');
    const photoId = (await callApi<{ items: { id: number; fileName: string }[] }>(request, server, 'photo.list', { albumId: album.id, offset: 0, limit: 10 })).items.find((p) => p.fileName === fileName)!.id;
    const edited = (await callApi<PhotoEstimateView>(request, server, 'estimate.photo', { photoId }))!;
    expect(edited.edited).toBe(true);
    expect(edited.codes.expression[0]).toBeCloseTo(2.5, 5);
    expect(edited.original.expression[0]).not.toBeCloseTo(2.5, 2);
    await head.getByTestId('codes-restore').click();
    await expect(head.getByTestId('codes-state')).toHaveText('as estimated');
    await expect(head.getByTestId('expression-0-value')).toHaveText(edited.original.expression[0].toFixed(2));
    expect((await callApi<PhotoEstimateView>(request, server, 'estimate.photo', { photoId }))!.codes).toEqual(edited.original);
  });

  await test.step('closing the fitted head with unsaved code edits asks first', async () => {
    const head = page.getByRole('dialog', { name: `Fitted head: ${fileName}` });
    const saved = (await callApi<PhotoEstimateView>(request, server, 'estimate.photo', { photoId: (await callApi<{ items: { id: number; fileName: string }[] }>(request, server, 'photo.list', { albumId: album.id, offset: 0, limit: 10 })).items.find((p) => p.fileName === fileName)!.id }))!;
    await head.getByTestId('expression-0').fill('1.5');
    await expect(head.getByTestId('codes-state')).toHaveText('as estimated · unsaved changes');
    await head.getByRole('button', { name: 'Close' }).click();
    const confirm = page.getByRole('dialog', { name: 'Discard unsaved code edits?' });
    await expect(confirm).toContainText(`The codes of ${fileName} were changed but not saved`);
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await expect(confirm).toHaveCount(0);
    await expect(head.getByTestId('codes-state')).toHaveText('as estimated · unsaved changes');
    await head.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('dialog', { name: 'Discard unsaved code edits?' }).getByRole('button', { name: 'Discard edits' }).click();
    await expect(head).toHaveCount(0);
    expect((await callApi<PhotoEstimateView>(request, server, 'estimate.photo', { photoId: saved.photoId }))!.codes).toEqual(saved.codes);
  });

  await test.step('a photo with two faces can be estimated again with the other face', async () => {
    const list = await callApi<{ items: { id: number; fileName: string }[] }>(request, server, 'photo.list', { albumId: album.id, offset: 0, limit: 10 });
    const pairId = list.items.find((p) => p.fileName === 'pair.png')!.id;
    const before = (await callApi<PhotoEstimateView>(request, server, 'estimate.photo', { photoId: pairId }))!;
    for (let i = 0; i < 4; i++) {
      if ((await page.getByRole('dialog').getByRole('heading', { level: 2 }).textContent()) === 'pair.png') break;
      await page.keyboard.press('ArrowRight');
    }
    const detail = page.getByRole('dialog', { name: 'pair.png' });
    await expect(detail.getByTestId('estimate-face')).toContainText(`Face ${before.faceIndex + 1} of 2 ·`);
    await expect(detail.getByTestId('overlay-box')).toHaveCount(1);
    await detail.getByRole('button', { name: 'Other face…' }).click();
    const picker = page.getByRole('dialog', { name: 'Choose the face in pair.png' });
    await expect(picker.getByRole('button', { name: `Face ${before.faceIndex + 1}` })).toHaveAttribute('aria-pressed', 'true');
    const other = 1 - before.faceIndex;
    await picker.getByRole('button', { name: `Face ${other + 1}` }).click();
    await picker.getByRole('button', { name: 'Estimate this face' }).click();
    await expect(detail.getByTestId('estimate-face')).toContainText(`Face ${other + 1} of 2 ·`, { timeout: 60_000 });
    const after = (await callApi<PhotoEstimateView>(request, server, 'estimate.photo', { photoId: pairId }))!;
    expect(after.faceIndex).toBe(other);
    // the landmarks moved to the other half of the photo
    const meanX = (view: PhotoEstimateView) => view.landmarks.reduce((sum, [x]) => sum + x, 0) / view.landmarks.length;
    expect(Math.sign(meanX(after) - 260)).toBe(-Math.sign(meanX(before) - 260));
    await snap(page, testInfo, '4-other-face');
  });

  await test.step('over a TIFF the overlay lies on the preview the detail view falls back to', async () => {
    for (let i = 0; i < 4; i++) {
      if ((await page.getByRole('dialog').getByRole('heading', { level: 2 }).textContent()) === 'scan.tif') break;
      await page.keyboard.press('ArrowRight');
    }
    const detail = page.getByRole('dialog', { name: 'scan.tif' });
    await expect(detail).toContainText('this is its 256-px preview');
    const overlay = detail.getByTestId('photo-overlay');
    await expect(overlay.locator('[data-testid="overlay-landmarks"] circle')).toHaveCount(68);
    await expect
      .poll(async () => {
        const [image, drawn] = await Promise.all([detail.getByRole('img', { name: 'scan.tif' }).boundingBox(), overlay.boundingBox()]);
        return image && drawn ? Math.max(Math.abs(image.x - drawn.x), Math.abs(image.y - drawn.y), Math.abs(image.width - drawn.width), Math.abs(image.height - drawn.height)) : Infinity;
      })
      .toBeLessThan(1.5);
  });
});
