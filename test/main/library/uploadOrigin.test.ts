import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeImage } from './fixtures';
import { openTestProject, type TestProject } from './harness';

let t: TestProject | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
});

describe('where a photo came from', () => {
  it('a browser upload keeps its original file name in the record after its staged copy is gone; a disk import keeps its path', async () => {
    t = openTestProject();
    const album = t.library.createAlbum('A');
    // As the server stages an upload: tmp/uploads/<batch>/<n>/<original name>
    const staged = join(t.project.paths.uploads, 'b1', '1', 'Holiday shot 1.jpg');
    mkdirSync(join(staged, '..'), { recursive: true });
    await writeImage(staged, { seed: 21 });
    const onDisk = join(t.root, 'from-disk.jpg');
    await writeImage(onDisk, { seed: 22 });
    const job = await t.importPaths(album.id, [staged, onDisk]);
    expect(job.result.imported).toBe(2);
    expect(existsSync(join(t.project.paths.uploads, 'b1'))).toBe(false); // the staged copy is deleted after the import
    const [uploaded, disk] = t.library.listPhotos(album.id, 0, 10).items.map((p) => t!.library.getPhoto(p.id));
    expect(uploaded).toMatchObject({ fileName: 'Holiday shot 1.jpg', origin: 'upload', sourcePath: 'Holiday shot 1.jpg' });
    expect(disk).toMatchObject({ fileName: 'from-disk.jpg', origin: 'disk', sourcePath: onDisk });
    const row = t.project.db.prepare('SELECT sourcePath FROM photos WHERE id = @id').get({ id: uploaded.id }) as { sourcePath: string };
    expect(row.sourcePath).toBe('upload:Holiday shot 1.jpg');
  });

  it('a photo uploaded before this was recorded (its staged path stored) still shows as an upload with its name', async () => {
    t = openTestProject();
    const album = t.library.createAlbum('A');
    const file = join(t.root, 'x.jpg');
    await writeImage(file, { seed: 23 });
    await t.importPaths(album.id, [file]);
    const id = t.library.listPhotos(album.id, 0, 1).items[0].id;
    const old = join(t.project.paths.uploads, 'b9', '3', 'old name.jpg');
    t.project.db.prepare('UPDATE photos SET sourcePath = @old WHERE id = @id').run({ old, id });
    expect(t.library.getPhoto(id)).toMatchObject({ origin: 'upload', sourcePath: 'old name.jpg' });
  });
});
