import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { collectOrphanFiles } from '../../../src/main/library/gc';
import { blobPath, thumbPath } from '../../../src/main/library/paths';
import { writeImage } from './fixtures';
import { openTestProject, type TestProject } from './harness';

let t: TestProject;
afterEach(async () => t?.close());

describe('collectOrphanFiles', () => {
  it('removes blob and thumbnail files without a row, tmp leftovers and old unclaimed uploads, keeping the rest', async () => {
    t = openTestProject();
    const file = join(t.root, 'keep.jpg');
    await writeImage(file);
    const album = t.library.createAlbum('A');
    await t.importPaths(album.id, [file]);
    const kept = t.library.listPhotos(album.id, 0, 1).items[0].hash;

    // What a crash between writing a blob and committing its row leaves behind:
    const orphan = 'f'.repeat(64);
    mkdirSync(join(t.project.paths.blobs, 'ff'), { recursive: true });
    mkdirSync(join(t.project.paths.thumbs, 'ff'), { recursive: true });
    writeFileSync(blobPath(t.project.paths, orphan), 'x');
    writeFileSync(thumbPath(t.project.paths, orphan), 'x');
    writeFileSync(join(t.project.paths.blobs, 'ff', 'not-a-hash'), 'x');
    writeFileSync(join(t.project.paths.tmp, 'abc.partial'), 'x');
    mkdirSync(join(t.project.paths.uploads, 'claimed'), { recursive: true });
    mkdirSync(join(t.project.paths.uploads, 'abandoned'), { recursive: true });
    mkdirSync(join(t.project.paths.uploads, 'uploading'), { recursive: true });
    const longAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    utimesSync(join(t.project.paths.uploads, 'abandoned'), longAgo, longAgo);

    const report = await collectOrphanFiles(t.project, new Set(['claimed']));
    expect(report).toEqual({ blobFiles: 2, thumbFiles: 1, tmpEntries: 2 });
    expect(existsSync(blobPath(t.project.paths, orphan))).toBe(false);
    expect(existsSync(thumbPath(t.project.paths, orphan))).toBe(false);
    expect(existsSync(blobPath(t.project.paths, kept))).toBe(true);
    expect(existsSync(thumbPath(t.project.paths, kept))).toBe(true);
    expect(existsSync(join(t.project.paths.uploads, 'claimed'))).toBe(true);
    expect(existsSync(join(t.project.paths.uploads, 'abandoned'))).toBe(false);
    expect(existsSync(join(t.project.paths.uploads, 'uploading'))).toBe(true); // recent: may be in flight
    expect(existsSync(join(t.project.paths.tmp, 'abc.partial'))).toBe(false);
  });
});
