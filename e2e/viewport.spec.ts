// The 3D FLAME viewport in a real browser against serve mode (issue 3): the head renders, a
// slider changes the picture, the DECA buffers fill in, and Export gives a valid OBJ.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import sharp from 'sharp';
import type { PackedHeadModel } from '../src/common/contract/viewport';
import { expect, test } from './support/fixtures';

/** The canvas background (HeadCanvas's default), as RGB. */
const background = [0x1d, 0x20, 0x26];

interface Pixels {
  data: Uint8Array;
}

async function pixels(locator: Locator): Promise<Pixels> {
  const png = await locator.screenshot();
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  expect(info.channels).toBe(3);
  return { data };
}

/** Share of pixels that are not the canvas background. */
function coverage(image: Pixels): number {
  let covered = 0;
  const n = image.data.length / 3;
  for (let i = 0; i < n; i++) {
    const d = Math.abs(image.data[3 * i] - background[0]) + Math.abs(image.data[3 * i + 1] - background[1]) + Math.abs(image.data[3 * i + 2] - background[2]);
    if (d > 24) covered++;
  }
  return covered / n;
}

/** Share of pixels that differ noticeably between two screenshots of the same element. */
function changed(a: Pixels, b: Pixels): number {
  expect(a.data.length).toBe(b.data.length);
  let count = 0;
  const n = a.data.length / 3;
  for (let i = 0; i < n; i++) {
    const d = Math.abs(a.data[3 * i] - b.data[3 * i]) + Math.abs(a.data[3 * i + 1] - b.data[3 * i + 1]) + Math.abs(a.data[3 * i + 2] - b.data[3 * i + 2]);
    if (d > 24) count++;
  }
  return count / n;
}

async function call<T>(origin: string, token: string, channel: string, params: unknown[]): Promise<T> {
  const response = await fetch(`${origin}/api/call/${channel}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(params),
  });
  const body = (await response.json()) as { result?: T; error?: { message: string } };
  if (!response.ok) throw new Error(`${channel}: ${response.status} ${body.error?.message}`);
  return body.result as T;
}

/** Waits until the canvas has drawn the head (demand rendering: a frame after the model loads). */
async function waitForHead(page: Page, canvas: Locator): Promise<Pixels> {
  let last: Pixels = { data: new Uint8Array(0) };
  await expect
    .poll(async () => {
      last = await pixels(canvas);
      return coverage(last);
    }, { timeout: 30_000 })
    .toBeGreaterThan(0.08);
  await page.waitForTimeout(300);
  return pixels(canvas);
}

test('viewport renders the head, follows sliders, computes buffers and exports an OBJ', async ({ page, server, scratch }) => {
  // The app shell opens on a project; the viewport itself needs none.
  await call(server.origin, server.token, 'project.create', [{ dir: join(scratch, 'project'), name: 'Viewport e2e' }]);
  const model = await call<PackedHeadModel>(server.origin, server.token, 'viewport.model', []);

  await page.setViewportSize({ width: 1400, height: 1000 });
  await page.goto(server.url);
  // Node types only here: reach the page's location through globalThis.
  await page.evaluate(() => ((globalThis as unknown as { location: { hash: string } }).location.hash = '#/viewport'));
  const canvas = page.getByTestId('viewport-canvas').locator('canvas');
  await expect(canvas).toBeVisible({ timeout: 30_000 });

  // A non-blank head: a good share of the square is not background.
  const first = await waitForHead(page, canvas);
  const headShare = coverage(first);
  expect(headShare).toBeGreaterThan(0.08);
  await test.info().attach('viewport-initial', { body: await page.screenshot(), contentType: 'image/png' });

  // An expression slider and the jaw change the picture (skinned in the browser).
  await page.getByTestId('expression-0').fill('3');
  await page.getByTestId('pose-jaw').fill('0.4');
  await expect.poll(async () => changed(first, await pixels(canvas)), { timeout: 10_000 }).toBeGreaterThan(0.003);
  const afterExpression = await pixels(canvas);

  // Yaw turns the whole head: a large change.
  await page.getByTestId('pose-yaw').fill('45');
  await expect.poll(async () => changed(afterExpression, await pixels(canvas)), { timeout: 10_000 }).toBeGreaterThan(0.03);

  // Display modes change the colours without moving the head.
  const shaded = await pixels(canvas);
  await page.getByTestId('mode-normals').click();
  await expect.poll(async () => changed(shaded, await pixels(canvas)), { timeout: 10_000 }).toBeGreaterThan(0.05);
  await test.info().attach('viewport-edited', { body: await page.screenshot(), contentType: 'image/png' });

  // The three DECA buffers arrive from the worker: the head covers part of each, not all of it.
  await expect(page.getByTestId('buffer-status')).toContainText('covered', { timeout: 30_000 });
  for (const name of ['rendered', 'normal', 'albedo']) {
    const share = await page.getByTestId(`buffer-${name}`).evaluate((element) => {
      type Canvas2d = { width: number; height: number; getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
      const c = element as unknown as Canvas2d;
      const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let lit = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i] + data[i + 1] + data[i + 2] > 0) lit++;
      return lit / (data.length / 4);
    });
    expect(share, `${name} buffer coverage`).toBeGreaterThan(0.05);
    expect(share, `${name} buffer coverage`).toBeLessThan(0.95);
  }

  // Reset brings the neutral head back.
  await page.getByTestId('mode-shaded').click();
  await page.getByTestId('viewport-reset').click();
  await expect.poll(async () => changed(first, await pixels(canvas)), { timeout: 10_000 }).toBeLessThan(0.002);

  // Export: a valid OBJ with the model's vertex and face counts.
  const downloadPromise = page.waitForEvent('download');
  await page.getByTestId('export-obj').click();
  const download = await downloadPromise;
  expect(download.suggestedFilename()).toMatch(/\.obj$/);
  const file = join(scratch, download.suggestedFilename());
  await download.saveAs(file);
  const lines = readFileSync(file, 'utf8').split('\n');
  const vertices = lines.filter((l) => l.startsWith('v '));
  const faces = lines.filter((l) => l.startsWith('f '));
  expect(vertices.length).toBe(model.info.vertexCount);
  expect(faces.length).toBe(model.info.faceCount);
  for (const v of vertices) {
    const xyz = v.split(/\s+/).slice(1, 4).map(Number);
    expect(xyz.every(Number.isFinite)).toBe(true);
  }
  for (const f of faces) {
    const indices = f.split(/\s+/).slice(1).map((corner) => Number(corner.split('/')[0]));
    expect(indices.length).toBe(3);
    for (const i of indices) expect(i >= 1 && i <= model.info.vertexCount).toBe(true);
  }
});
