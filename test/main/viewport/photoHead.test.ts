import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { EstimateViews } from '../../../src/main/estimate/views';
import { EstimateStore } from '../../../src/main/estimate/store';
import { estimatedPhotos, photoHead } from '../../../src/main/viewport/photoHead';
import { openTestProject, type TestProject } from '../library/harness';

let t: TestProject;
afterEach(async () => t?.close());

/** A stored estimate as the estimation job writes one (only the fields the viewport reads matter). */
function estimate(code: Float32Array) {
  return {
    estimator: 'deca' as const,
    version: 'deca_model.tar@test',
    faceIndex: 0,
    faceBoxes: [[0, 0, 10, 10]] as [number, number, number, number][],
    score: 0.9,
    landmarks: [] as [number, number][],
    alignedLandmarks: [] as [number, number][],
    alignTransform: [1, 0, 0, 0, 1, 0] as unknown as never,
    decaTransform: [1, 0, 0, 0, 1, 0] as unknown as never,
    code,
    camAligned: [7.5, 0.01, -0.02] as [number, number, number],
    emotion: { neutral: 1 },
    alreadyAligned: false,
    milliseconds: 1,
  };
}

/** A project with an album of two photos, the first ('face.png') estimated with `code`. */
async function estimatedFace(code: Float32Array) {
  t = openTestProject();
  const album = t.library.createAlbum('A');
  const source = join(t.root, 'in');
  mkdirSync(source);
  await sharp({ create: { width: 64, height: 48, channels: 3, background: '#884422' } }).png().toFile(join(source, 'face.png'));
  await sharp({ create: { width: 64, height: 48, channels: 3, background: '#224488' } }).png().toFile(join(source, 'other.png'));
  await t.importPaths(album.id, [source]);
  const photos = t.library.listPhotos(album.id, 0, 10).items;
  const face = photos.find((p) => p.fileName === 'face.png')!;

  mkdirSync(join(t.project.dir, 'derived', 'aligned'), { recursive: true });
  const crop = await sharp({ create: { width: 256, height: 256, channels: 3, background: '#ccaa88' } }).png().toBuffer();
  writeFileSync(join(t.project.dir, 'derived', 'aligned', `${face.id}.png`), crop);
  new EstimateStore(t.project.db).save(face.id, null, estimate(code), `derived/aligned/${face.id}.png`);
  return { album, photos, face, crop };
}

describe("the viewport over a photo's estimate", () => {
  it('returns the codes with the camera of the aligned crop, and the crop itself', async () => {
    const code = Float32Array.from({ length: 236 }, (_, i) => i / 100);
    const { album, photos, face, crop } = await estimatedFace(code);
    const head = await photoHead(t.project, face.id);
    expect(head.fileName).toBe('face.png');
    expect(head.albumId).toBe(album.id);
    expect(head.estimator).toBe('deca (deca_model.tar@test)');
    expect(head.codes.shape[0]).toBeCloseTo(0, 6);
    expect(head.codes.expression[0]).toBeCloseTo(1.5, 6); // DECA layout: exp starts at 150
    expect(head.codes.pose[0]).toBeCloseTo(2.0, 6);
    expect(head.codes.light[0]).toBeCloseTo(2.09, 6);
    expect(head.codes.camera).toEqual([7.5, 0.01, -0.02]);
    expect(head.edited).toBe(false);
    expect(head.image).toMatchObject({ mime: 'image/png', width: 256, height: 256 });
    expect(Buffer.from(head.image.base64, 'base64').equals(crop)).toBe(true);

    expect(estimatedPhotos(t.project, album.id)).toEqual([{ photoId: face.id, fileName: 'face.png', estimator: 'deca' }]);
    const other = photos.find((p) => p.fileName === 'other.png')!;
    await expect(photoHead(t.project, other.id)).rejects.toThrow('other.png has no FLAME estimate yet: estimate its album first');
    await expect(photoHead(t.project, 9999)).rejects.toThrow('photo 9999 does not exist');
    rmSync(join(t.project.dir, 'derived', 'aligned', `${face.id}.png`));
    await expect(photoHead(t.project, face.id)).rejects.toThrow(`face.png: the aligned crop of its estimate is missing (derived/aligned/${face.id}.png)`);
  });

  it('shows the codes saved in photo detail (what editing and training use), and says so', async () => {
    const code = Float32Array.from({ length: 236 }, (_, i) => i / 100);
    const { face } = await estimatedFace(code);
    const views = new EstimateViews(t.project);
    const estimated = (await photoHead(t.project, face.id)).codes;
    const edited = { ...estimated, expression: estimated.expression.map((v, i) => (i === 0 ? v + 0.75 : v)), pose: estimated.pose.map((v, i) => (i === 3 ? 0.2 : v)) };
    await views.saveCodes(face.id, edited);

    const head = await photoHead(t.project, face.id);
    expect(head.edited).toBe(true);
    expect(head.codes.expression[0]).toBeCloseTo(2.25, 6);
    expect(head.codes.pose[3]).toBeCloseTo(0.2, 6);
    expect(head.codes).toEqual(new EstimateStore(t.project.db).requireCodes(face.id).codes);
    expect(head.estimator).toBe('deca (deca_model.tar@test)');

    await views.restore(face.id);
    const restored = await photoHead(t.project, face.id);
    expect(restored.edited).toBe(false);
    expect(restored.codes.expression[0]).toBeCloseTo(1.5, 6);
    expect(restored.codes.pose[3]).toBeCloseTo(2.03, 6);
  });
});
