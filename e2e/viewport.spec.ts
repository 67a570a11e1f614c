// The 3D FLAME viewport in a real browser against serve mode: the head renders, a
// slider changes the picture, the DECA buffers fill in, and Export gives a valid OBJ.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator } from '@playwright/test';
import sharp from 'sharp';
import type { PhotoEstimateView } from '../src/common/contract';
import type { PackedHeadModel } from '../src/common/contract/viewport';
import Database from 'better-sqlite3';
import { callApi } from './support/api';
import { expect, test } from './support/fixtures';
import { cliPath } from './support/server';
import { sharedPath } from '../test/helpers/shared';

/** The canvas background (HeadCanvas's default), as RGB. */
const background = [0x1d, 0x20, 0x26];

interface Pixels {
  data: Uint8Array;
  width: number;
}

async function pixels(locator: Locator): Promise<Pixels> {
  const png = await locator.screenshot();
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  expect(info.channels).toBe(3);
  return { data, width: info.width };
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

/** True where a pixel is not the canvas background. */
function isHead(image: Pixels, i: number): boolean {
  const d = Math.abs(image.data[3 * i] - background[0]) + Math.abs(image.data[3 * i + 1] - background[1]) + Math.abs(image.data[3 * i + 2] - background[2]);
  return d > 24;
}

/**
 * Background pixels inside the head: in each row, those between its first and last head pixel
 * (a hole through the head, like an open mouth with nothing behind it). The canvas's outermost
 * 2 px (its border) are left out.
 */
function holes(image: Pixels): number {
  const width = image.width;
  const rows = image.data.length / 3 / width;
  let count = 0;
  for (let y = 2; y < rows - 2; y++) {
    let first = -1, last = -1;
    for (let x = 2; x < width - 2; x++) if (isHead(image, y * width + x)) { if (first < 0) first = x; last = x; }
    for (let x = first + 1; first >= 0 && x < last; x++) if (!isHead(image, y * width + x)) count++;
  }
  return count;
}

/** Share of pixels that changed between head and background: the silhouette moved. */
function silhouetteChange(a: Pixels, b: Pixels): number {
  expect(a.data.length).toBe(b.data.length);
  let count = 0;
  const n = a.data.length / 3;
  for (let i = 0; i < n; i++) if (isHead(a, i) !== isHead(b, i)) count++;
  return count / n;
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

/**
 * Waits until the canvas has drawn the head (demand rendering: a frame after the model loads)
 * and has settled: two screenshots in a row are the same.
 */
async function waitForHead(canvas: Locator): Promise<Pixels> {
  let last: Pixels = { data: new Uint8Array(0), width: 0 };
  await expect
    .poll(async () => {
      last = await pixels(canvas);
      return coverage(last);
    }, { timeout: 30_000 })
    .toBeGreaterThan(0.08);
  await expect
    .poll(async () => {
      const previous = last;
      last = await pixels(canvas);
      return changed(previous, last);
    }, { timeout: 10_000 })
    .toBe(0);
  return last;
}

test('viewport renders the head, follows sliders, computes buffers and exports an OBJ', async ({ page, request, server, scratch }) => {
  // The app shell opens on a project; the viewport itself needs none.
  await callApi(request, server, 'project.create', { dir: join(scratch, 'project'), name: 'Viewport e2e' });
  const model = await callApi<PackedHeadModel>(request, server, 'viewport.model');
  // The mesh as the view draws and exports it: the head's faces and the demo head's mouth interior.
  expect(model.mouth).not.toBeNull();
  const drawnFaces = model.info.faceCount + model.mouth!.faces.shape[0];
  await page.setViewportSize({ width: 1400, height: 1000 });
  const canvas = page.getByTestId('viewport-canvas').locator('canvas');

  const first = await test.step('the head renders (non-blank canvas)', async () => {
    await page.goto(server.url);
    // Headless Chromium with --disable-gpu gives WebGL through SwiftShader; say so plainly if a
    // Chromium build stops doing that, instead of failing later on blank pixels.
    const webgl = await page.evaluate(() => {
      const doc = (globalThis as unknown as { document: { createElement(tag: 'canvas'): { getContext(kind: 'webgl2'): unknown } } }).document;
      return doc.createElement('canvas').getContext('webgl2') !== null;
    });
    expect(webgl, 'WebGL 2 in this Chromium (add --use-angle=swiftshader --enable-unsafe-swiftshader to the launch args)').toBe(true);
    // Node types only here: reach the page's location through globalThis.
    await page.evaluate(() => ((globalThis as unknown as { location: { hash: string } }).location.hash = '#/viewport'));
    await expect(canvas).toBeVisible({ timeout: 30_000 });
    const image = await waitForHead(canvas);
    await test.info().attach('viewport-initial', { body: await page.screenshot(), contentType: 'image/png' });
    return image;
  });

  await test.step('sliders change the pixels', async () => {
    // Yaw turns the whole head: a large change.
    await page.getByTestId('pose-yaw').fill('45');
    await expect.poll(async () => silhouetteChange(first, await pixels(canvas)), { timeout: 10_000 }).toBeGreaterThan(0.02);
    const turned = await pixels(canvas);
    // An expression slider and the jaw (skinned in the browser). The geometry itself moves (not
    // only the shading): the turned head's jaw line, on its silhouette, drops. (From the front the
    // neck hides the chin; the open mouth is closed by the head's mouth interior, not a hole.)
    await page.getByTestId('expression-0').fill('3');
    await page.getByTestId('pose-jaw').fill('0.4');
    await expect.poll(async () => silhouetteChange(turned, await pixels(canvas)), { timeout: 10_000 }).toBeGreaterThan(0.002);
  });

  await test.step('an open mouth shows a mouth, never a hole through the head', async () => {
    // Jaw and expression 0 still open; face the viewer, where the mouth's slit looks into the head.
    const turned = await pixels(canvas);
    await page.getByTestId('pose-yaw').fill('0');
    await expect.poll(async () => silhouetteChange(turned, await pixels(canvas)), { timeout: 10_000 }).toBeGreaterThan(0.02);
    const front = await waitForHead(canvas);
    // A hole the size of the open mouth is thousands of pixels (2,600 with the mouth drawn open,
    // measured); a few dozen dark surface pixels (pupils, the hair's edge) read as background.
    expect(holes(front), 'background pixels seen through the head').toBeLessThan(300);
    await test.info().attach('viewport-open-mouth', { body: await canvas.screenshot(), contentType: 'image/png' });
  });

  await test.step('display modes recolour the head', async () => {
    const shaded = await pixels(canvas);
    await page.getByTestId('mode-normals').click();
    await expect.poll(async () => changed(shaded, await pixels(canvas)), { timeout: 10_000 }).toBeGreaterThan(0.05);
    await test.info().attach('viewport-edited', { body: await page.screenshot(), contentType: 'image/png' });
  });

  await test.step('the light gizmo relights without moving the head; landmarks overlay; orbit', async () => {
    await page.getByTestId('mode-shaded').click();
    const before = await pixels(canvas);
    const gizmo = (await page.getByTestId('light-gizmo').boundingBox())!;
    await page.mouse.move(gizmo.x + gizmo.width / 2, gizmo.y + gizmo.height / 2);
    await page.mouse.down();
    await page.mouse.move(gizmo.x + 10, gizmo.y + gizmo.height / 2, { steps: 4 });
    await page.mouse.up();
    await expect.poll(async () => changed(before, await pixels(canvas)), { timeout: 10_000 }).toBeGreaterThan(0.02);
    const relit = await pixels(canvas);
    expect(silhouetteChange(before, relit)).toBeLessThan(0.001);
    // The first-order light now points to −x (the viewer's left).
    await expect(page.getByLabel('light x R')).not.toHaveValue('0.000');

    await page.getByTestId('show-landmarks').check();
    await expect.poll(async () => changed(relit, await pixels(canvas)), { timeout: 10_000 }).toBeGreaterThan(0.0005);
    await page.getByTestId('show-landmarks').uncheck();

    const box = (await canvas.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 120, box.y + box.height / 2, { steps: 6 });
    await page.mouse.up();
    await expect.poll(async () => silhouetteChange(relit, await pixels(canvas)), { timeout: 10_000 }).toBeGreaterThan(0.02);

    await page.getByRole('button', { name: /Show all 50 components/ }).click();
    await expect(page.getByTestId('expression-49')).toBeVisible();
  });

  await test.step('the three DECA buffers arrive from the worker', async () => {
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
      // The head covers part of each buffer, not all of it.
      expect(share, `${name} buffer coverage`).toBeGreaterThan(0.05);
      expect(share, `${name} buffer coverage`).toBeLessThan(0.95);
    }
  });

  await test.step('reset brings the neutral head back', async () => {
    await page.getByTestId('mode-shaded').click();
    await page.getByTestId('viewport-reset').click();
    await expect.poll(async () => changed(first, await pixels(canvas)), { timeout: 10_000 }).toBeLessThan(0.002);
  });

  await test.step('codes load from an uploaded .npz and move the sliders', async () => {
    const neutral = await pixels(canvas);
    // flame-synthetic's reference codes, row 2: the head turned by 0.5 rad (28.6°) of yaw.
    await page.getByTestId('codes-row').fill('2');
    await page.getByTestId('codes-file').setInputFiles(sharedPath('fixtures', 'flame-synthetic', 'reference.npz'));
    await expect(page.getByTestId('codes-message')).toHaveText('reference.npz: row 2 of 4');
    await expect(page.getByTestId('pose-yaw-value')).toHaveText('28.6');
    await expect.poll(async () => silhouetteChange(neutral, await pixels(canvas)), { timeout: 10_000 }).toBeGreaterThan(0.02);
    await test.info().attach('viewport-codes', { body: await page.screenshot(), contentType: 'image/png' });
  });

  await test.step('codes entered as JSON apply to the rig', async () => {
    const loaded = await pixels(canvas);
    await page.getByText('Codes as JSON').click();
    await page.getByTestId('codes-json').fill('{"pose": [0, -0.5, 0, 0.2, 0, 0], "exp": [1.5]}');
    await page.getByTestId('codes-json-apply').click();
    await expect(page.getByTestId('codes-json-message')).toHaveText('applied');
    await expect(page.getByTestId('pose-yaw-value')).toHaveText('-28.6');
    await expect(page.getByTestId('pose-jaw-value')).toHaveText('0.200');
    await expect.poll(async () => silhouetteChange(loaded, await pixels(canvas)), { timeout: 10_000 }).toBeGreaterThan(0.02);
    // Bad input is refused with the reason, and the rig stays as it was.
    await page.getByTestId('codes-json').fill('{"cam": [9]}');
    await page.getByTestId('codes-json-apply').click();
    await expect(page.getByTestId('codes-json-message')).toHaveText("'cam' has 1 values; expected 3");
    await expect(page.getByTestId('pose-yaw-value')).toHaveText('-28.6');
  });

  await test.step('export downloads a valid OBJ of the model', async () => {
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
    expect(faces.length).toBe(drawnFaces);
    // One assertion over all lines (thousands of expect() calls would dominate the test's time).
    const badVertices = vertices.filter((v) => {
      const xyz = v.trim().split(/\s+/).slice(1).map(Number);
      return xyz.length < 3 || !xyz.slice(0, 3).every(Number.isFinite);
    });
    expect(badVertices, 'vertex lines without three finite coordinates').toEqual([]);
    const badFaces = faces.filter((f) => {
      const indices = f.trim().split(/\s+/).slice(1).map((corner) => Number(corner.split('/')[0]));
      return indices.length !== 3 || !indices.every((i) => Number.isInteger(i) && i >= 1 && i <= model.info.vertexCount);
    });
    expect(badFaces, 'face lines that are not triangles of existing vertices').toEqual([]);
  });

  await test.step('PLY and glTF downloads describe the same mesh', async () => {
    const save = async (testId: string) => {
      const downloadPromise = page.waitForEvent('download');
      await page.getByTestId(testId).click();
      const download = await downloadPromise;
      const file = join(scratch, download.suggestedFilename());
      await download.saveAs(file);
      return readFileSync(file);
    };
    const ply = await save('export-ply');
    const header = ply.subarray(0, ply.indexOf('end_header') + 'end_header'.length).toString('latin1');
    expect(header).toContain(`element vertex ${model.info.vertexCount}`);
    expect(header).toContain(`element face ${drawnFaces}`);
    const gltf = JSON.parse((await save('export-gltf')).toString('utf8')) as { asset: { version: string }; accessors: { count: number }[] };
    expect(gltf.asset.version).toBe('2.0');
    expect(gltf.accessors.at(-1)!.count).toBe(drawnFaces * 3);
  });
});

/** Runs the built CLI (the same Node as the server), failing the test with its output. */
function cli(dataDir: string, ...args: string[]): string {
  const run = spawnSync(process.execPath, [cliPath, ...args], { env: { ...process.env, RIG_STUDIO_DATA_DIR: dataDir }, encoding: 'utf8', timeout: 120_000 });
  expect(run.status, `rig-studio ${args.join(' ')}:\n${run.stdout}\n${run.stderr}`).toBe(0);
  return run.stdout;
}

test("over a photo, the head sits where the estimate's camera puts it", async ({ page, request, server, scratch }) => {
  // A project with one photo and its estimate (landmark fitting: fast, no checkpoint needed).
  const project = join(scratch, 'project');
  const photos = join(scratch, 'photos');
  mkdirSync(photos);
  copyFileSync(sharedPath('faces', 'expressions', '4.jpg'), join(photos, 'smile.jpg'));
  cli(server.dataDir, 'project', 'create', project, '--name', 'Photo e2e');
  cli(server.dataDir, 'album', 'create', '--project', project, 'A');
  cli(server.dataDir, 'import', '--project', project, '--album', 'A', photos);
  cli(server.dataDir, 'estimate', '--project', project, '--album', 'A', '--estimator', 'fit');
  const db = new Database(join(project, 'project.sqlite'), { readonly: true });
  const row = db.prepare('SELECT photoId, alignedLandmarks FROM estimates').get() as { photoId: number; alignedLandmarks: string };
  db.close();
  const detected = JSON.parse(row.alignedLandmarks) as [number, number][];
  await callApi(request, server, 'project.open', { dir: project });

  await page.setViewportSize({ width: 1400, height: 1000 });
  await page.goto(server.url);
  await page.evaluate((id) => ((globalThis as unknown as { location: { hash: string } }).location.hash = `#/viewport/photo/${id}`), row.photoId);
  // The first view of a head model loads three.js and the model's arrays (seconds on a busy machine).
  await expect(page.getByTestId('viewport-view')).toContainText('over smile.jpg', { timeout: 30_000 });
  const canvas = page.getByTestId('viewport-canvas').locator('canvas');
  await expect(canvas).toBeVisible({ timeout: 30_000 });
  await page.getByTestId('show-landmarks').check();
  await page.getByTestId('mode-wireframe').click();

  // The overlay's 68 green dots against the landmarks detected on the aligned crop (256 px):
  // landmark fitting put the model's landmarks on them, so the two sets must coincide.
  const box = (await canvas.boundingBox())!;
  const scale = box.width / 256;
  let centroid = { x: 0, y: 0, count: 0 };
  let dots: [number, number][] = [];
  await expect
    .poll(async () => {
      const png = await canvas.screenshot();
      const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
      centroid = { x: 0, y: 0, count: 0 };
      dots = [];
      for (let y = 0; y < info.height; y++) {
        for (let x = 0; x < info.width; x++) {
          const o = (y * info.width + x) * 3;
          // #39ff88: no photo or head pixel is this saturated a green.
          if (data[o + 1] > 220 && data[o] < 110 && data[o + 2] > 100 && data[o + 2] < 180) {
            centroid.x += x;
            centroid.y += y;
            centroid.count++;
            dots.push([x, y]);
          }
        }
      }
      return centroid.count;
    }, { timeout: 15_000 })
    .toBeGreaterThan(68 * 4);
  const expected = detected.reduce((a, [x, y]) => ({ x: a.x + (x * scale) / detected.length, y: a.y + (y * scale) / detected.length }), { x: 0, y: 0 });
  const offset = Math.hypot(centroid.x / centroid.count - expected.x, centroid.y / centroid.count - expected.y);
  test.info().annotations.push({ type: 'landmark centroid offset (px at 512)', description: offset.toFixed(2) });
  expect(offset).toBeLessThan(8);
  // Same size too: the RMS spread of the dots about their centre matches the detected landmarks'.
  const spread = (points: [number, number][], cx: number, cy: number) => Math.sqrt(points.reduce((a, [x, y]) => a + (x - cx) ** 2 + (y - cy) ** 2, 0) / points.length);
  const dotSpread = spread(dots, centroid.x / centroid.count, centroid.y / centroid.count);
  const detectedSpread = spread(detected.map(([x, y]) => [x * scale, y * scale]), expected.x, expected.y);
  test.info().annotations.push({ type: 'landmark spread ratio', description: (dotSpread / detectedSpread).toFixed(3) });
  expect(dotSpread / detectedSpread).toBeGreaterThan(0.9);
  expect(dotSpread / detectedSpread).toBeLessThan(1.1);
  await test.info().attach('viewport-photo', { body: await page.screenshot(), contentType: 'image/png' });

  // The picker lists the album's estimated photos; "No photo" goes back to plain codes.
  await expect(page.getByTestId('photo-estimated')).toHaveValue(String(row.photoId));
  await expect(page.getByTestId('photo-estimated').locator('option', { hasText: 'smile.jpg (fit)' })).toHaveCount(1);
  await page.getByRole('button', { name: 'No photo' }).click();
  await expect(page).toHaveURL(/#\/viewport$/);
  await expect(page.getByTestId('viewport-view')).not.toContainText('over smile.jpg');

  // Codes edited and saved in photo detail are what the head view shows (as editing and training use them), and it says so.
  await expect(page.getByTestId('viewport-view')).not.toContainText('codes as estimated');
  const view = (await callApi<PhotoEstimateView>(request, server, 'estimate.photo', { photoId: row.photoId }))!;
  const expression = view.codes.expression.map((v, i) => (i === 0 ? 1.75 : v));
  await callApi(request, server, 'estimate.saveCodes', { photoId: row.photoId, codes: { ...view.codes, expression } });
  await page.evaluate((id) => ((globalThis as unknown as { location: { hash: string } }).location.hash = `#/viewport/photo/${id}`), row.photoId);
  await expect(page.getByTestId('viewport-view')).toContainText('over smile.jpg · edited codes (saved in photo detail; estimated by fit', { timeout: 30_000 });
  await expect(page.getByTestId('expression-0-value')).toHaveText('1.75');
  await callApi(request, server, 'estimate.restore', { photoId: row.photoId });
  await page.getByRole('button', { name: 'No photo' }).click();
  await page.evaluate((id) => ((globalThis as unknown as { location: { hash: string } }).location.hash = `#/viewport/photo/${id}`), row.photoId);
  await expect(page.getByTestId('viewport-view')).toContainText('over smile.jpg · codes as estimated by fit', { timeout: 30_000 });
  await expect(page.getByTestId('expression-0-value')).toHaveText(view.original.expression[0].toFixed(2));
});
