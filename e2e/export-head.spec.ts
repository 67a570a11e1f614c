// Textured head export in Chromium against `rig-studio serve --demo`: from a demo photo's
// detail, "Export textured head" downloads a valid binary glTF with the photo texture embedded,
// and the OBJ choice downloads a zip of OBJ + MTL + PNG that name each other.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import type { Page, TestInfo } from '@playwright/test';
import { expect, test } from './support/fixtures';
import { startDemoServer } from './support/demo';

async function snap(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

/** Zip entries by name (local headers; deflate or stored). */
function unzip(bytes: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  let at = 0;
  while (bytes.readUInt32LE(at) === 0x04034b50) {
    const method = bytes.readUInt16LE(at + 8), size = bytes.readUInt32LE(at + 18);
    const nameLength = bytes.readUInt16LE(at + 26), extra = bytes.readUInt16LE(at + 28);
    const name = bytes.subarray(at + 30, at + 30 + nameLength).toString('utf8');
    const start = at + 30 + nameLength + extra;
    const raw = bytes.subarray(start, start + size);
    out.set(name, method === 8 ? inflateRawSync(raw) : raw);
    at = start + size;
  }
  return out;
}

const isPng = (b: Buffer) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));

test('photo detail and the 3D head view export the textured head as .glb and as an OBJ zip', async ({ page, scratch }, testInfo) => {
  const server = await startDemoServer({}, join(scratch, 'data'));
  try {
    await page.goto(server.url);
    await page.getByRole('link', { name: /Demo\s*12 photos/ }).click();
    await page.getByRole('option', { name: 'synthetic-demo-head-05-pucker.png' }).dblclick();
    const detail = page.getByRole('dialog');
    const group = detail.getByRole('group', { name: 'Export textured head' });
    await expect(group).toBeVisible({ timeout: 30_000 });

    await test.step('glb: header, JSON chunk, buffer views inside the BIN chunk, the PNG texture embedded', async () => {
      const downloading = page.waitForEvent('download', { timeout: 120_000 });
      await group.getByTestId('export-textured-head').click();
      const download = await downloading;
      expect(download.suggestedFilename()).toBe('synthetic-demo-head-05-pucker-head.glb');
      const file = join(scratch, download.suggestedFilename());
      await download.saveAs(file);
      const glb = readFileSync(file);
      expect(glb.readUInt32LE(0)).toBe(0x46546c67);
      expect(glb.readUInt32LE(8)).toBe(glb.length);
      const jsonLength = glb.readUInt32LE(12);
      expect(glb.readUInt32LE(16)).toBe(0x4e4f534a);
      const json = JSON.parse(glb.subarray(20, 20 + jsonLength).toString('utf8')) as {
        bufferViews: { byteOffset: number; byteLength: number }[];
        images: { bufferView: number; mimeType: string }[];
        materials: { pbrMetallicRoughness: { baseColorTexture: { index: number } } }[];
        meshes: { primitives: { attributes: Record<string, number> }[] }[];
      };
      const bin = glb.subarray(20 + jsonLength + 8);
      expect(glb.readUInt32LE(20 + jsonLength + 4)).toBe(0x004e4942);
      for (const v of json.bufferViews) expect(v.byteOffset + v.byteLength).toBeLessThanOrEqual(bin.length);
      expect(json.meshes[0].primitives[0].attributes).toHaveProperty('TEXCOORD_0');
      expect(json.materials[0].pbrMetallicRoughness.baseColorTexture.index).toBe(0);
      const image = json.bufferViews[json.images[0].bufferView];
      expect(json.images[0].mimeType).toBe('image/png');
      expect(isPng(bin.subarray(image.byteOffset, image.byteOffset + image.byteLength))).toBe(true);
      await expect(group.getByTestId('export-head-status')).toContainText('from the photo');
      await snap(page, testInfo, 'export-head-glb');
    });

    await test.step('OBJ: a zip of OBJ + MTL + PNG that name each other', async () => {
      await group.getByLabel('Textured head format').selectOption('obj');
      const downloading = page.waitForEvent('download', { timeout: 120_000 });
      await group.getByTestId('export-textured-head').click();
      const download = await downloading;
      expect(download.suggestedFilename()).toBe('synthetic-demo-head-05-pucker-head.zip');
      const file = join(scratch, download.suggestedFilename());
      await download.saveAs(file);
      const entries = unzip(readFileSync(file));
      const stem = 'synthetic-demo-head-05-pucker-head';
      expect([...entries.keys()]).toEqual([`${stem}.obj`, `${stem}.mtl`, `${stem}.png`]);
      const obj = entries.get(`${stem}.obj`)!.toString('utf8');
      expect(obj).toContain(`mtllib ${stem}.mtl`);
      expect(obj).toMatch(/^f \d+\/\d+\/\d+ /m);
      expect(entries.get(`${stem}.mtl`)!.toString('utf8')).toContain(`map_Kd ${stem}.png`);
      expect(isPng(entries.get(`${stem}.png`)!)).toBe(true);
    });

    await test.step('the 3D head view over the photo exports the head posed as the sliders set it', async () => {
      await detail.getByRole('link', { name: /Open in the 3D head view/ }).click();
      const viewportGroup = page.getByRole('group', { name: 'Export textured head' });
      await expect(viewportGroup).toBeVisible({ timeout: 60_000 });
      const downloading = page.waitForEvent('download', { timeout: 120_000 });
      await viewportGroup.getByTestId('export-textured-head').click();
      const download = await downloading;
      expect(download.suggestedFilename()).toBe('synthetic-demo-head-05-pucker-head.glb');
      const file = join(scratch, 'viewport.glb');
      await download.saveAs(file);
      expect(readFileSync(file).readUInt32LE(0)).toBe(0x46546c67);
      await expect(viewportGroup.getByTestId('export-head-status')).toContainText('Saved');
      await snap(page, testInfo, 'export-head-viewport');
    });
  } finally {
    await testInfo.attach('server-output', { body: server.output(), contentType: 'text/plain' });
    await server.stop();
  }
});
