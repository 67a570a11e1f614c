// Layouts that fit, in Chromium against serve mode, at 1440×900 and 1024×700: every view (Library
// with the photo viewer, 3D head, Models, Edit with a finished 3 × 3 × 3 grid, a grid over three
// model runs whose blocks wrap, and its other tabs, Settings) and the dialogs (Train a base model,
// Fine-tune, Import from disk, New album, Keyboard shortcuts) keep their content inside their
// pane horizontally, and the page never scrolls sideways. A screenshot of each is attached. The
// grids are made beforehand on a tiny 16-px model (2 or 3 steps, no scores), so the spec spends
// its time on layout, not sampling.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page, TestInfo } from '@playwright/test';
import type { JobInfo } from '../src/common/contract';
import { EventHub } from '../src/main/core/events';
import { EstimateStore } from '../src/main/estimate/store';
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

/** A project with an album of 6 synthetic faces (FLAME codes stored) and a tiny 16-px model; the photo ids in album order. */
async function prepareProject(scratch: string): Promise<{ dir: string; photoIds: number[]; modelId: number }> {
  const dir = join(scratch, 'project');
  const project = Project.create(dir, 'Layout e2e');
  const hub = new EventHub();
  const runner = new JobRunner(project.db, hub.emit, { progressIntervalMs: 0 });
  runner.register(importJobKind({ project, pool: new InlinePool(workerTasks), emit: hub.emit }));
  const library = new Library(project, hub.emit);
  // a long name, as researchers' albums have: the album list and pickers must not overflow with it
  const album = library.createAlbum('Participant 07 – session 2, neutral and posed expressions');
  const faces = await writeSyntheticFaces(scratch, 6, 32);
  await runner.wait(runner.start('import', { albumId: album.id, paths: faces.map((f) => f.path) }).id);
  const photos = library.listPhotos(album.id, 0, 10).items;
  const estimates = new EstimateStore(project.db);
  photos.forEach((p, k) => estimates.saveCodes(p.id, { name: 'synthetic', version: '1' }, faces[k].codes));
  const checkpoint = writeTinyCheckpoint(scratch);
  const model = new ModelRegistry(project.db).add({
    name: 'tiny-layout', kind: 'base', sourcePath: checkpoint, filePath: checkpoint, format: 'safetensors',
    sha256: createHash('sha256').update(readFileSync(checkpoint)).digest('hex'), sizeBytes: statSync(checkpoint).size,
    config: tinyConfig, parameterCount: 0, baseModelId: null, lineage: { imageSize: 16 },
  }).model;
  await runner.close();
  project.close();
  return { dir, photoIds: photos.map((p) => p.id), modelId: model.id };
}

/**
 * Elements that reach past the right or left edge of their pane (the open dialog, else the
 * view's main area), and whether the page itself scrolls sideways. Only boxes that are shown
 * count; text cut with an ellipsis stays inside its box and is fine.
 */
async function overflowing(page: Page): Promise<string[]> {
  // through the root element: this file is type-checked without the DOM globals
  return page.locator('html').evaluate((root) => {
    const document = root.ownerDocument;
    const getComputedStyle = (element: typeof root) => document.defaultView!.getComputedStyle(element);
    const found: string[] = [];
    if (root.scrollWidth > root.clientWidth + 1) found.push(`the page scrolls sideways (${root.scrollWidth} > ${root.clientWidth})`);
    const dialogs = [...document.querySelectorAll('dialog[open]')];
    const panes = dialogs.length ? [dialogs[dialogs.length - 1]] : [...document.querySelectorAll('.main-area')];
    for (const pane of panes) {
      const edge = pane.getBoundingClientRect();
      for (const element of pane.querySelectorAll('*')) {
        const box = element.getBoundingClientRect();
        if (box.width === 0 || box.height === 0 || getComputedStyle(element).visibility === 'hidden') continue;
        // inside a scrolled-away part of a vertical scroller is not a horizontal overflow
        if (box.bottom < edge.top || box.top > edge.bottom) continue;
        if (box.right > edge.right + 1 || box.left < edge.left - 1) {
          const name = `${element.tagName.toLowerCase()}${element.className && typeof element.className === 'string' ? `.${element.className.trim().split(/\s+/).join('.')}` : ''}`;
          found.push(`${name} spans ${Math.round(box.left)}–${Math.round(box.right)} px, its pane ${Math.round(edge.left)}–${Math.round(edge.right)} px`);
        }
      }
      // a pane that scrolls sideways hides part of itself
      for (const element of [pane, ...pane.querySelectorAll('*')]) {
        const style = getComputedStyle(element);
        if ((style.overflowX === 'auto' || style.overflowX === 'scroll') && element.scrollWidth > element.clientWidth + 1) {
          found.push(`${element.tagName.toLowerCase()}.${String(element.className)} scrolls sideways (${element.scrollWidth} > ${element.clientWidth})`);
        }
      }
    }
    return found.slice(0, 12);
  });
}

async function checkFits(page: Page, testInfo: TestInfo, name: string, ready: Locator): Promise<void> {
  await expect(ready).toBeVisible();
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path });
  await testInfo.attach(name, { path, contentType: 'image/png' });
  // layout settles after images and queries arrive: poll (bounded) until nothing overflows
  await expect.poll(() => overflowing(page), { message: `${name}: content past its pane`, timeout: 10_000 }).toEqual([]);
}

test('every view and dialog fits its pane at 1440×900 and 1024×700, a finished 3 × 3 × 3 grid included', async ({ page, request, scratch }, testInfo) => {
  test.setTimeout(240_000);
  const { dir, photoIds, modelId } = await prepareProject(scratch);
  const server = await startServer({ env: { RIG_STUDIO_PROVIDERS: 'cpu' } });
  try {
    await callApi(request, server, 'project.open', { dir });
    const { jobId } = await callApi<{ jobId: number }>(request, server, 'edit.start', {
      modelId, sourcePhotoIds: photoIds.slice(0, 3), targetPhotoIds: photoIds.slice(3, 6), modes: ['exp', 'pose', 'light'],
      sampler: { steps: 2, eta: 0, seed: 0, clip: true, inversion: false }, batchSize: 16, scores: false,
    });
    await expect.poll(async () => (await callApi<JobInfo>(request, server, 'job.get', { jobId })).state, { timeout: 150_000 }).toBe('done');
    // the model axis: 4 modes × 3 model runs make blocks of 14 tiles, wider than a 1024-px window's pane even at the smallest tile
    const sampler = { eta: 0, seed: 0, clip: true, inversion: false };
    const { jobId: runsJob } = await callApi<{ jobId: number }>(request, server, 'edit.start', {
      runs: [{ modelId, sampler: { ...sampler, method: 'ddim', steps: 2 } }, { modelId, sampler: { ...sampler, method: 'dpm++', steps: 2 } }, { modelId, sampler: { ...sampler, method: 'ddim', steps: 3 } }],
      sourcePhotoIds: photoIds.slice(0, 1), targetPhotoIds: photoIds.slice(3, 4), modes: ['exp', 'pose', 'light', 'latent'], batchSize: 16, scores: false,
    });
    await expect.poll(async () => (await callApi<JobInfo>(request, server, 'job.get', { jobId: runsJob })).state, { timeout: 150_000 }).toBe('done');

    for (const [width, height] of [[1440, 900], [1024, 700]]) {
      const at = `${width}x${height}`;
      await page.setViewportSize({ width, height });
      await page.goto(`${server.url}#/edit/${jobId}`);
      const cells = page.locator('[data-testid="edit-cell"][data-state="done"]');
      await expect(cells).toHaveCount(27);
      await expect(cells.locator('img')).toHaveCount(27);
      await checkFits(page, testInfo, `${at}-edit-grid`, page.getByRole('region', { name: 'Comparison grid' }));
      // the toolbar stays put while the grid scrolls; the grid fits the pane's width
      const toolbar = page.getByRole('button', { name: 'Export grid PNG' });
      const before = await toolbar.boundingBox();
      await page.locator('.edit-grid-scroll').evaluate((el) => el.scrollBy(0, 400));
      expect(await toolbar.boundingBox()).toEqual(before);
      for (const tab of ['Slider edit', 'Sweeps', 'Results']) {
        await page.getByRole('tab', { name: tab }).click();
        await checkFits(page, testInfo, `${at}-edit-${tab.toLowerCase().replace(' ', '-')}`, page.getByRole('tab', { name: tab, selected: true }));
        // slider edits and sweeps say which photo they work on
        if (tab !== 'Results') await expect(page.getByTestId('edit-source-note').first()).toContainText('face-0.png');
      }
      await page.goto(`${server.url}#/edit/${runsJob}`);
      const runCells = page.locator('[data-testid="edit-cell"][data-state="done"]');
      await expect(runCells).toHaveCount(12);
      await expect(runCells.getByTestId('tile-run')).toHaveText(Array.from({ length: 4 }, () => ['tiny-layout · DDIM 2', 'tiny-layout · DPM-Solver++ 2', 'tiny-layout · DDIM 3']).flat());
      await checkFits(page, testInfo, `${at}-edit-grid-model-runs`, page.getByRole('region', { name: 'Comparison grid' }));

      await page.goto(`${server.url}#/library`);
      const grid = page.getByRole('listbox').first();
      await checkFits(page, testInfo, `${at}-library`, grid.getByRole('option').first());
      await grid.getByRole('option').first().dblclick();
      const viewer = page.getByRole('dialog', { name: 'face-0.png' });
      await checkFits(page, testInfo, `${at}-photo-viewer`, viewer);
      await viewer.getByRole('button', { name: 'Close' }).click();
      for (const [button, dialog] of [['New album', 'New album'], ['Import from disk…', 'Import from disk']]) {
        await page.getByRole('button', { name: button, exact: true }).first().click();
        await checkFits(page, testInfo, `${at}-dialog-${dialog.toLowerCase().replace(/ /g, '-')}`, page.getByRole('dialog', { name: dialog }));
        await page.getByRole('dialog', { name: dialog }).getByRole('button', { name: 'Close' }).click();
      }

      await page.goto(`${server.url}#/viewport`);
      await checkFits(page, testInfo, `${at}-viewport`, page.getByTestId('pose-yaw'));

      await page.goto(`${server.url}#/models/${modelId}`);
      await checkFits(page, testInfo, `${at}-models`, page.getByRole('region', { name: 'Model tiny-layout' }));
      await page.getByRole('button', { name: 'Train a base model…' }).click();
      const train = page.getByRole('dialog', { name: 'Train a base model' });
      await checkFits(page, testInfo, `${at}-dialog-train-base`, train.getByRole('button', { name: 'Start training' }));
      // the album's checkbox sits on its label's line, and the button is in view
      const check = train.getByRole('checkbox', { name: /Participant 07/ });
      const label = train.getByText(/Participant 07/);
      const [checkBox, labelBox] = [await check.boundingBox(), await label.boundingBox()];
      expect(Math.abs(checkBox!.y + checkBox!.height / 2 - (labelBox!.y + labelBox!.height / 2))).toBeLessThan(12);
      await expect(train.getByRole('button', { name: 'Start training' })).toBeInViewport();
      // a base width GroupNorm cannot split is refused in the dialog, before any job exists
      await check.check();
      await train.getByLabel('Base channels', { exact: true }).fill('30');
      await train.getByRole('button', { name: 'Start training' }).click();
      await expect(train.getByRole('alert')).toContainText('GroupNorm');
      expect((await callApi<JobInfo[]>(request, server, 'job.list', { limit: 100 })).filter((j) => j.kind === 'train-base')).toEqual([]);
      await train.getByRole('button', { name: 'Close' }).click();
      await page.getByRole('button', { name: 'Fine-tune…' }).click();
      const finetune = page.getByRole('dialog', { name: 'Fine-tune tiny-layout' });
      await checkFits(page, testInfo, `${at}-dialog-finetune`, finetune.getByRole('button', { name: 'Start fine-tuning' }));
      await expect(finetune.getByRole('button', { name: 'Start fine-tuning' })).toBeInViewport();
      await finetune.getByRole('button', { name: 'Close' }).click();

      await page.goto(`${server.url}#/settings`);
      await checkFits(page, testInfo, `${at}-settings`, page.getByRole('heading', { level: 1 }).first());
      await page.keyboard.press('?');
      await checkFits(page, testInfo, `${at}-dialog-shortcuts`, page.getByRole('dialog', { name: 'Keyboard shortcuts' }));
      await page.keyboard.press('Escape');
    }
  } finally {
    await testInfo.attach('server-output', { body: server.output(), contentType: 'text/plain' });
    await server.stop();
  }
});
