import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { writeFileAtomic } from '../../../src/main/library/atomicFile';
import { blobPath, thumbPath } from '../../../src/main/library/paths';
import { tempDir, writeImage } from './fixtures';
import { openTestProject, type TestProject } from './harness';

/** Every fsync, in order: the path of the handle and, when a probe is set, what it said then. */
const syncs: { path: string; probe: unknown }[] = [];
let probe: (() => unknown) | null = null;

vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  const open: typeof actual.open = async (...args) => {
    const handle = await actual.open(...args);
    const sync = handle.sync.bind(handle);
    handle.sync = async () => {
      syncs.push({ path: String(args[0]), probe: probe?.() });
      return sync();
    };
    return handle;
  };
  return { ...actual, open, default: { ...actual, open } };
});

let t: TestProject | null = null;
afterEach(async () => {
  syncs.length = 0;
  probe = null;
  await t?.close();
  t = null;
});

describe('durable writes', () => {
  it('writeFileAtomic fsyncs the data, then the target folder and the parents of every folder it created', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const target = join(dir, 'a', 'b', 'file.bin');
      await writeFileAtomic(target, new Uint8Array([1, 2, 3]), join(dir, 'tmp'));
      const paths = syncs.map((s) => s.path);
      expect(paths[0]).toMatch(/\.partial$/);
      // new folders a and a/b: their names live in dir and a; the file's name in a/b
      expect(paths.slice(1).sort()).toEqual([dir, join(dir, 'a'), join(dir, 'a', 'b')].sort());
      expect(paths[paths.length - 1]).toBe(join(dir, 'a', 'b'));
      expect(readdirSync(join(dir, 'tmp'))).toEqual([]);
    } finally {
      cleanup();
    }
  });

  it('import fsyncs each blob and thumbnail and their folders before the photo row is committed', async () => {
    t = openTestProject();
    const project = t.project;
    const file = join(t.root, 'face.jpg');
    await writeImage(file, { seed: 9 });
    const album = t.library.createAlbum('A');
    probe = () => (project.db.prepare('SELECT count(*) AS n FROM photos').get() as { n: number }).n;
    const job = await t.importPaths(album.id, [file]);
    expect(job.result.imported).toBe(1);
    const hash = t.library.listPhotos(album.id, 0, 1).items[0].hash;
    const blob = blobPath(project.paths, hash), thumb = thumbPath(project.paths, hash);
    const wanted = [join(blob, '..'), project.paths.blobs, join(thumb, '..'), project.paths.thumbs];
    for (const path of wanted) {
      const found = syncs.find((s) => s.path === path);
      expect(found, `fsync of ${path}`).toBeDefined();
      expect(found!.probe, `no photo row yet when ${path} was synced`).toBe(0);
    }
    // the data itself was synced (as a partial file in the job's own tmp folder) before its rename
    expect(syncs.filter((s) => s.path.includes(join('tmp', 'jobs', String(job.id))) && s.path.endsWith('.partial'))).toHaveLength(2);
    expect(existsSync(join(project.paths.tmp, 'jobs', String(job.id)))).toBe(false); // removed when the job ended
  });
});
