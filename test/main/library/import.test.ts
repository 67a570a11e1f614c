import { chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { blobPath, thumbPath } from '../../../src/main/library/paths';
import { makeImage, pngHeaderClaiming, writeImage } from './fixtures';
import { openTestProject, type TestProject } from './harness';

let t: TestProject;
afterEach(async () => t?.close());

function sha(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

describe('import', () => {
  it('imports every supported format, detected by content whatever the extension', async () => {
    t = openTestProject();
    const src = join(t.root, 'in');
    mkdirSync(src);
    const formats = ['jpeg', 'png', 'webp', 'tiff', 'avif'] as const;
    for (const [i, format] of formats.entries()) await writeImage(join(src, `photo${i}.dat`), { format, seed: i });
    const album = t.library.createAlbum('Alice');
    const job = await t.importPaths(album.id, [src]);
    expect(job.state).toBe('done');
    expect(job.result).toMatchObject({ total: 5, imported: 5, duplicates: 0, failed: 0, errors: [] });
    const page = t.library.listPhotos(album.id, 0, 100);
    expect(page.total).toBe(5);
    const got = page.items.map((p) => t.library.getPhoto(p.id).format).sort();
    expect(got).toEqual([...formats].sort());
  });

  it('stores originals by content hash and writes upright 256-px thumbnails', async () => {
    t = openTestProject();
    const file = join(t.root, 'rotated.jpg');
    // 600×300 pixels tagged "rotate 90° clockwise": upright it is 300×600.
    const data = await writeImage(file, { width: 600, height: 300, orientation: 6 });
    const album = t.library.createAlbum('A');
    await t.importPaths(album.id, [file]);
    const photo = t.library.getPhoto(t.library.listPhotos(album.id, 0, 1).items[0].id);
    expect(photo.hash).toBe(sha(data));
    expect(photo).toMatchObject({ width: 300, height: 600, orientation: 6, format: 'jpeg', bytes: data.length, fileName: 'rotated.jpg', sourcePath: file });
    expect(readFileSync(blobPath(t.project.paths, photo.hash)).equals(data)).toBe(true);
    const thumb = await sharp(thumbPath(t.project.paths, photo.hash)).metadata();
    expect(thumb).toMatchObject({ format: 'webp', width: 128, height: 256 });
  });

  it('keeps camera EXIF fields in the photo metadata', async () => {
    t = openTestProject();
    const file = join(t.root, 'camera.jpg');
    const jpeg = await sharp(await makeImage({ seed: 12 })).withExif({ IFD0: { Make: 'Sony', Model: 'A7 IV' }, IFD2: { DateTimeOriginal: '2023:01:02 03:04:05' } }).jpeg().toBuffer();
    writeFileSync(file, jpeg);
    const album = t.library.createAlbum('Cam');
    await t.importPaths(album.id, [file]);
    const photo = t.library.getPhoto(t.library.listPhotos(album.id, 0, 1).items[0].id);
    expect(photo.metadata).toMatchObject({ cameraMake: 'Sony', cameraModel: 'A7 IV', takenAt: '2023:01:02 03:04:05' });
  });

  it('reports each bad file by name and reason while the rest imports', async () => {
    t = openTestProject();
    const src = join(t.root, 'mixed');
    mkdirSync(src);
    await writeImage(join(src, 'good1.jpg'), { seed: 1 });
    await writeImage(join(src, 'good2.png'), { seed: 2, format: 'png' });
    writeFileSync(join(src, 'empty.jpg'), Buffer.alloc(0));
    const whole = await makeImage({ width: 200, height: 200, seed: 3 });
    writeFileSync(join(src, 'truncated.jpg'), whole.subarray(0, Math.floor(whole.length / 2)));
    writeFileSync(join(src, 'garbage.png'), Buffer.from('definitely not a png, just text pretending to be one'));
    writeFileSync(join(src, 'huge.png'), pngHeaderClaiming(20_000, 20_000));
    writeFileSync(join(src, 'anim.gif'), await sharp({ create: { width: 4, height: 4, channels: 3, background: '#f00' } }).gif().toBuffer());
    writeFileSync(join(src, 'notes.txt'), 'skipped quietly: never an image');
    writeFileSync(join(src, '.hidden.jpg'), 'skipped: hidden');
    // Unreadable: a dangling link (chmod 000 does not stop root, which CI may be).
    symlinkSync(join(src, 'gone.jpg'), join(src, 'dangling.jpg'));
    let locked: string | null = null;
    if (process.getuid?.() !== 0) {
      locked = join(src, 'locked.jpg');
      await writeImage(locked, { seed: 9 });
      chmodSync(locked, 0o000);
    }
    const album = t.library.createAlbum('Mixed');
    const job = await t.importPaths(album.id, [src]);
    expect(job.state).toBe('done');
    const reasons = Object.fromEntries(job.result.errors.map((e) => [e.fileName, e.reason]));
    expect(reasons['empty.jpg']).toBe('empty file (zero bytes)');
    expect(reasons['truncated.jpg']).toMatch(/^corrupt or truncated image/);
    expect(reasons['garbage.png']).toMatch(/not an image in a supported format/);
    expect(reasons['huge.png']).toBe('too large: 20000×20000 is 400 megapixels (limit 100)');
    expect(reasons['anim.gif']).toMatch(/^unsupported format \(gif\)/);
    expect(reasons['dangling.jpg']).toBe('file not found');
    if (locked) expect(reasons['locked.jpg']).toBe('cannot read the file: permission denied');
    expect(job.result.imported).toBe(2);
    expect(job.result.failed).toBe(locked ? 7 : 6);
    expect(job.result.total).toBe(job.result.imported + job.result.failed);
    expect(t.library.listPhotos(album.id, 0, 10).items.map((p) => p.fileName).sort()).toEqual(['good1.jpg', 'good2.png']);
    // The log names each failure too.
    expect(t.runner.get(job.id).log.some((l) => l.level === 'warn' && l.text.startsWith('huge.png: too large'))).toBe(true);
  });

  it('reports duplicates (in the batch and already in the album) without storing them again', async () => {
    t = openTestProject();
    const src = join(t.root, 'd');
    mkdirSync(src);
    const data = await writeImage(join(src, 'a.jpg'), { seed: 5 });
    writeFileSync(join(src, 'copy-of-a.jpg'), data);
    await writeImage(join(src, 'b.jpg'), { seed: 6 });
    const album = t.library.createAlbum('D');
    const first = await t.importPaths(album.id, [src]);
    expect(first.result).toMatchObject({ total: 3, imported: 2, duplicates: 1 });
    const aId = t.library.listPhotos(album.id, 0, 10).items.find((p) => p.fileName === 'a.jpg')!.id;
    expect(first.result.duplicateFiles).toEqual([{ path: join(src, 'copy-of-a.jpg'), fileName: 'copy-of-a.jpg', photoId: aId }]);

    const second = await t.importPaths(album.id, [src]);
    expect(second.result).toMatchObject({ total: 3, imported: 0, duplicates: 3 });
    expect(t.library.listPhotos(album.id, 0, 10).total).toBe(2);
    expect(t.project.db.prepare('SELECT count(*) AS n FROM blobs').get()).toEqual({ n: 2 });

    // Another album may hold the same photo: a new row, the same blob.
    const other = t.library.createAlbum('Other');
    const third = await t.importPaths(other.id, [join(src, 'a.jpg')]);
    expect(third.result).toMatchObject({ imported: 1, duplicates: 0 });
    expect(t.project.db.prepare('SELECT count(*) AS n FROM blobs').get()).toEqual({ n: 2 });
  });

  it('announces progress and library changes while it runs', async () => {
    t = openTestProject();
    const src = join(t.root, 'p');
    mkdirSync(src);
    for (let i = 0; i < 6; i++) await writeImage(join(src, `${i}.jpg`), { seed: i });
    const album = t.library.createAlbum('P');
    const job = await t.importPaths(album.id, [src]);
    const updates = t.events.filter((e) => e.name === 'job.updated' && e.payload.id === job.id);
    expect(updates.map((u) => u.payload).some((p) => 'state' in p && p.state === 'running' && p.progress !== null && p.progress > 0 && p.progress < 1)).toBe(true);
    expect(updates.at(-1)!.payload).toMatchObject({ state: 'done', progress: 1 });
    expect(t.events.some((e) => e.name === 'library.changed' && e.payload.albumId === album.id)).toBe(true);
  });

  it('fails with a clear message when the album does not exist', async () => {
    t = openTestProject();
    const file = join(t.root, 'x.jpg');
    await writeImage(file);
    const job = await t.importPaths(4242, [file]);
    expect(job.state).toBe('failed');
    expect(job.message).toMatch(/album 4242 does not exist/);
    expect(existsSync(join(t.project.paths.blobs))).toBe(true);
  });

  it('an interrupted import resumes with the files not yet imported, each photo exactly once', async () => {
    t = openTestProject();
    const src = join(t.root, 'many');
    mkdirSync(src);
    for (let i = 0; i < 40; i++) await writeImage(join(src, `${String(i).padStart(2, '0')}.jpg`), { seed: 1000 + i });
    const album = t.library.createAlbum('Many');
    const job = t.runner.start('import', { albumId: album.id, paths: [src] });
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if ((t.runner.get(job.id).progress ?? 0) >= 0.25) {
          clearInterval(poll);
          resolve();
        }
      }, 2);
    });
    // Closing the project mid-import is what quitting the app does.
    await t.reopen();
    const stopped = t.runner.get(job.id);
    expect(stopped.state).toBe('interrupted');
    const partial = t.library.listPhotos(album.id, 0, 100).total;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(40);
    t.runner.resume(job.id);
    const finished = (await t.runner.wait(job.id)) as typeof stopped & { result: { imported: number; duplicates: number; total: number } };
    expect(finished.state).toBe('done');
    expect(finished.result).toMatchObject({ total: 40, imported: 40, duplicates: 0 });
    const names = t.library.listPhotos(album.id, 0, 100).items.map((p) => p.fileName);
    expect(names).toEqual(Array.from({ length: 40 }, (_, i) => `${String(i).padStart(2, '0')}.jpg`));
    expect(t.runner.get(job.id).log.some((l) => /continuing: \d+ of 40 already handled/.test(l.text))).toBe(true);
  });
});
