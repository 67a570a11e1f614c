import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { blobPath, thumbPath } from '../../../src/main/library/paths';
import { writeImage } from './fixtures';
import { openTestProject, type TestProject } from './harness';

let t: TestProject;
afterEach(async () => t?.close());

describe('albums', () => {
  it('creates, renames, lists and deletes albums with clear conflicts', () => {
    t = openTestProject();
    const b = t.library.createAlbum('  Bob ');
    const a = t.library.createAlbum('alice');
    expect(b.name).toBe('Bob');
    expect(t.library.listAlbums().map((x) => x.name)).toEqual(['alice', 'Bob']);
    expect(() => t.library.createAlbum('Bob')).toThrow('an album named "Bob" already exists');
    expect(() => t.library.renameAlbum(a.id, 'Bob')).toThrow(/already exists/);
    expect(t.library.renameAlbum(a.id, 'Alice').name).toBe('Alice');
    expect(t.library.renameAlbum(a.id, 'Alice').name).toBe('Alice'); // same name is not a clash
    expect(() => t.library.renameAlbum(999, 'X')).toThrow('album 999 does not exist');
    t.library.deleteAlbum(b.id);
    expect(t.library.listAlbums().map((x) => x.name)).toEqual(['Alice']);
    expect(t.project.info()).toMatchObject({ albumCount: 1, photoCount: 0 });
  });
});

describe('photos', () => {
  async function albumWith(n: number) {
    const src = join(t.root, `src${n}`);
    mkdirSync(src);
    for (let i = 0; i < n; i++) await writeImage(join(src, `p${String(i).padStart(2, '0')}.jpg`), { seed: 100 + i + n * 1000 });
    const album = t.library.createAlbum(`A${n}`);
    await t.importPaths(album.id, [src]);
    return album;
  }

  it('pages an album in import order with sizes, and counts it', async () => {
    t = openTestProject();
    const album = await albumWith(7);
    const first = t.library.listPhotos(album.id, 0, 3);
    const rest = t.library.listPhotos(album.id, 3, 10);
    expect(first.total).toBe(7);
    expect([...first.items, ...rest.items].map((p) => p.fileName)).toEqual(['p00.jpg', 'p01.jpg', 'p02.jpg', 'p03.jpg', 'p04.jpg', 'p05.jpg', 'p06.jpg']);
    expect(first.items[0]).toMatchObject({ albumId: album.id, width: 64, height: 48 });
    const listed = t.library.listAlbums()[0];
    expect(listed).toMatchObject({ photoCount: 7, coverHash: first.items[0].hash });
    expect(() => t.library.listPhotos(999, 0, 1)).toThrow(/album 999/);
  });

  it('deleting photos removes blobs and thumbnails nobody else uses', async () => {
    t = openTestProject();
    const album = await albumWith(3);
    const [p0, p1] = t.library.listPhotos(album.id, 0, 3).items;
    // p1's bytes also live in a second album: its blob must survive.
    const other = t.library.createAlbum('Other');
    await t.importPaths(other.id, [t.library.getPhoto(p1.id).sourcePath]);
    const result = t.library.deletePhotos([p0.id, p1.id, 424242]);
    expect(result).toEqual({ deleted: 2, blobsRemoved: 1 });
    expect(existsSync(blobPath(t.project.paths, p0.hash))).toBe(false);
    expect(existsSync(thumbPath(t.project.paths, p0.hash))).toBe(false);
    expect(existsSync(blobPath(t.project.paths, p1.hash))).toBe(true);
    expect(t.library.listPhotos(album.id, 0, 10).total).toBe(1);
    expect(() => t.library.getPhoto(p0.id)).toThrow(`photo ${p0.id} does not exist`);
  });

  it('deleting an album removes its photos and their unshared blobs', async () => {
    t = openTestProject();
    const album = await albumWith(2);
    const hashes = t.library.listPhotos(album.id, 0, 2).items.map((p) => p.hash);
    expect(t.library.deleteAlbum(album.id)).toEqual({ deleted: 2, blobsRemoved: 2 });
    for (const h of hashes) expect(existsSync(blobPath(t.project.paths, h))).toBe(false);
    expect(t.project.db.prepare('SELECT count(*) AS n FROM blobs').get()).toEqual({ n: 0 });
  });

  it('photo detail carries format, size, source and metadata', async () => {
    t = openTestProject();
    const album = await albumWith(1);
    const detail = t.library.getPhoto(t.library.listPhotos(album.id, 0, 1).items[0].id);
    expect(detail).toMatchObject({ format: 'jpeg', orientation: 1, fileName: 'p00.jpg' });
    expect(detail.bytes).toBeGreaterThan(100);
    expect(detail.metadata).toMatchObject({ colorSpace: 'srgb', channels: 3 });
  });
});
