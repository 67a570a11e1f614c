// The Edit studio in a real browser against serve mode: with a tiny random-weight
// model and a synthetic album whose photos have FLAME codes, a 2 sources × 2 targets × 3 modes
// job fills 12 generated cells; zoom, the A/B wipe, re-run and the grid PNG export work, and the
// PNG has the grid's size.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import sharp from 'sharp';
import type { EditJobView } from '../src/common/contract/edit';
import { EventHub } from '../src/main/core/events';
import { gridSize } from '../src/main/edit/grid';
import { packCode } from '../src/common/flame/codes';
import { EstimateStore } from '../src/main/estimate/store';
import { blobPath } from '../src/main/library/paths';
import { InlinePool } from '../src/main/jobs/pool';
import { workerTasks } from '../src/main/app/workerTasks';
import { JobRunner } from '../src/main/jobs/runner';
import { importJobKind } from '../src/main/library/import/importJob';
import { Library } from '../src/main/library/library';
import { Project } from '../src/main/library/project';
import { ModelRegistry } from '../src/main/models/registry';
import { tinyConfig, writeSyntheticFaces, writeTinyCheckpoint } from '../test/helpers/editFixture';
import { callApi } from './support/api';
import { expect, test } from './support/fixtures';
import { startServer } from './support/server';

const modelSize = 32;

/**
 * A project with one album of 4 synthetic faces, their FLAME codes stored through the store the
 * estimation job writes to, and a registered tiny checkpoint.
 */
async function prepareProject(scratch: string, options: { viewportEstimate?: boolean } = {}): Promise<string> {
  const dir = join(scratch, 'project');
  const project = Project.create(dir, 'Edit e2e');
  const hub = new EventHub();
  const runner = new JobRunner(project.db, hub.emit, { progressIntervalMs: 0 });
  runner.register(importJobKind({ project, pool: new InlinePool(workerTasks), emit: hub.emit }));
  const library = new Library(project, hub.emit);
  const album = library.createAlbum('Person');
  const faces = await writeSyntheticFaces(scratch, 4, 64);
  const job = runner.start('import', { albumId: album.id, paths: faces.map((f) => f.path) });
  await runner.wait(job.id);
  const photos = library.listPhotos(album.id, 0, 10).items;
  const estimates = new EstimateStore(project.db);
  photos.forEach((p, k) => estimates.saveCodes(p.id, { name: 'synthetic', version: '1' }, faces[k].codes));
  if (options.viewportEstimate) {
    // the 3D viewport reads the estimation job's full record: store photo 1's known codes
    // through that store (it mirrors them into the Edit studio's codes as the job does)
    const { codes, landmarks } = faces[0];
    const code = packCode(codes);
    const identity: [number, number, number, number, number, number] = [1, 0, 0, 0, 1, 0];
    new EstimateStore(project.db).save(
      photos[0].id,
      null,
      { estimator: 'fit', version: 'synthetic (known codes)', faceIndex: 0, faceBoxes: [[0, 0, 64, 64]], score: 1, landmarks, alignedLandmarks: landmarks, alignTransform: identity, decaTransform: identity, code, camAligned: [codes.camera[0], codes.camera[1], codes.camera[2]], emotion: {}, alreadyAligned: true, milliseconds: 0 },
      relative(dir, blobPath(project.paths, photos[0].hash)),
    );
  }
  const checkpoint = writeTinyCheckpoint(scratch);
  new ModelRegistry(project.db).add({
    name: 'tiny-e2e', kind: 'base', sourcePath: checkpoint, filePath: checkpoint, format: 'safetensors',
    sha256: createHash('sha256').update(readFileSync(checkpoint)).digest('hex'), sizeBytes: statSync(checkpoint).size,
    config: tinyConfig, parameterCount: 0, baseModelId: null, lineage: { imageSize: modelSize },
  });
  await runner.close();
  project.close();
  return dir;
}

test('edit studio: 12 cells appear, zoom, wipe and grid export', async ({ page, request, scratch }, testInfo) => {
  const dir = await prepareProject(scratch);
  const server = await startServer({ env: { RIG_STUDIO_PROVIDERS: 'cpu' } });
  try {
    await callApi(request, server, 'project.open', { dir });
    await page.goto(`${server.url}#/edit`);
    await expect(page.getByRole('heading', { name: 'Edit' })).toBeVisible();
    await expect(page.getByLabel('Model')).toContainText('tiny-e2e');

    const sources = page.getByRole('group', { name: 'Sources photos' }).getByRole('button');
    const targets = page.getByRole('group', { name: 'Targets photos' }).getByRole('button');
    await expect(sources).toHaveCount(4);
    await sources.nth(0).click();
    await sources.nth(1).click();
    await targets.nth(2).click();
    await targets.nth(3).click();
    await page.getByLabel('DDIM steps').fill('2');
    await page.getByLabel('Scores').uncheck();
    await page.getByRole('button', { name: 'Generate 12 edits' }).click();

    const done = page.locator('[data-testid="edit-cell"][data-state="done"]');
    await expect(done).toHaveCount(12, { timeout: 90_000 });
    await expect(page.getByTestId('edit-progress')).toContainText('12 of 12 done');
    await expect(page.locator('[data-testid="edit-cell"][data-state="done"] img')).toHaveCount(12);
    await page.screenshot({ path: testInfo.outputPath('edit-grid.png'), fullPage: true });

    // buffer toggles swap the generated tiles for the buffers they were made from
    await page.getByRole('radio', { name: 'Normal' }).click();
    await expect(done.first().locator('img')).toHaveAttribute('alt', /normal/);
    await page.getByRole('radio', { name: 'Generated' }).click();

    // zoom: the result at full size
    await done.first().click();
    const dialog = page.getByRole('dialog');
    const zoomed = dialog.getByTestId('zoom-image');
    await expect(zoomed).toBeVisible();
    expect(await zoomed.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBe(modelSize);
    expect((await zoomed.boundingBox())!.width).toBeGreaterThanOrEqual(256);

    // A/B wipe: the slider moves the generated image's edge over the source
    await dialog.getByRole('tab', { name: 'A/B wipe' }).click();
    const top = dialog.getByTestId('wipe-top');
    await expect(top).toHaveAttribute('style', /inset\(0px 50% 0px 0px\)|inset\(0 50% 0 0\)/);
    await dialog.getByLabel('Wipe between source and generated').fill('80');
    await expect(top).toHaveAttribute('style', /inset\(0px 20% 0px 0px\)|inset\(0 20% 0 0\)/);
    await page.screenshot({ path: testInfo.outputPath('edit-wipe.png') });
    // re-run from the stored provenance gives the same pixels on CPU
    await dialog.getByRole('button', { name: 'Re-run' }).click();
    await expect(dialog.getByRole('status')).toContainText('Re-run reproduced the pixels exactly (cpu', { timeout: 30_000 });
    await dialog.getByRole('button', { name: 'Close' }).click();

    // export: one PNG of the whole grid, at the grid's size
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export grid PNG' }).click();
    const file = await (await download).path();
    const expected = gridSize(2, 2, 3, modelSize);
    expect(await sharp(file).metadata()).toMatchObject({ format: 'png', ...expected });
    await expect(page.getByTestId('export-status')).toHaveText(`Grid ${expected.width}×${expected.height} px`);
  } finally {
    await testInfo.attach('server-output', { body: server.output(), contentType: 'text/plain' });
    await server.stop();
  }
});

test('3D viewport: the sliders\' edit of the photo shown is generated as a single edit', async ({ page, request, scratch }) => {
  const dir = await prepareProject(scratch, { viewportEstimate: true });
  const server = await startServer({ env: { RIG_STUDIO_PROVIDERS: 'cpu' } });
  try {
    await callApi(request, server, 'project.open', { dir });
    await page.goto(`${server.url}#/viewport/photo/1`);
    const panel = page.getByRole('group', { name: 'Generate this edit' });
    await expect(panel).toBeVisible({ timeout: 30_000 });
    await expect(panel.getByLabel('Edit model')).toContainText('tiny-e2e');
    await panel.getByLabel('DDIM steps').fill('2');
    // move the first expression slider: the edit must use the viewport's codes, not the estimate
    await page.getByRole('slider', { name: 'ψ1', exact: true }).fill('1.5');
    await panel.getByRole('button', { name: 'Generate this edit' }).click();
    await panel.getByRole('link', { name: 'open it in Edit' }).click();
    const done = page.locator('[data-testid="edit-cell"][data-state="done"]');
    await expect(done).toHaveCount(1, { timeout: 60_000 });
    await expect(done.first()).toContainText('explicit');
    const jobId = Number(new URL(page.url()).hash.split('/').pop());
    const view = await callApi<EditJobView>(request, server, 'edit.job', { jobId });
    expect(view.results[0].provenance.codes.expression[0]).toBeCloseTo(1.5, 5);
    expect(view.results[0].provenance.sourcePhotoId).toBe(1);
  } finally {
    await server.stop();
  }
});

test('sweeps: a light sweep runs as a job, its frames appear as they finish, then the strip and the animation', async ({ page, request, scratch }) => {
  const dir = await prepareProject(scratch);
  const server = await startServer({ env: { RIG_STUDIO_PROVIDERS: 'cpu' } });
  try {
    await callApi(request, server, 'project.open', { dir });
    await page.goto(`${server.url}#/edit`);
    await expect(page.getByLabel('Model')).toContainText('tiny-e2e');
    await page.getByRole('group', { name: 'Sources photos' }).getByRole('button').nth(0).click();
    await page.getByLabel('DDIM steps').fill('2');
    await page.getByRole('tab', { name: 'Sweeps' }).click();
    await page.getByLabel('Frames').fill('3');
    await page.getByRole('button', { name: 'Run sweep' }).click();
    await expect(page.getByTestId('sweep-frames').locator('img')).toHaveCount(3, { timeout: 60_000 });
    await expect(page.getByTestId('sweep-progress')).toContainText('3 of 3 frames · done');
    await expect(page.getByAltText('Sweep animation')).toBeVisible();
    const strip = page.getByAltText('Sweep frame strip');
    expect(await strip.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBe(3 * modelSize);
    const jobs = await callApi<{ kind: string; state: string; result: unknown }[]>(request, server, 'job.list', { limit: 10 });
    expect(jobs.find((j) => j.kind === 'edit-sweep')).toMatchObject({ state: 'done', result: { frames: 3, done: 3 } });
  } finally {
    await server.stop();
  }
});
