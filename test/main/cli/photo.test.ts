import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PhotoDetail } from '../../../src/common/contract';
import { openTestProject, type TestProject } from '../library/harness';
import { writeImage } from '../library/fixtures';
import { ensureBuilt } from './built';
import { runCli } from './run';

describe('rig-studio photo list / info', () => {
  let t: TestProject;
  let dataDir: string;
  beforeAll(async () => {
    ensureBuilt();
    t = openTestProject();
    dataDir = join(t.root, 'data');
    const album = t.library.createAlbum('Trip');
    const staged = join(t.project.paths.uploads, 'b1', '1', 'beach.jpg');
    mkdirSync(join(staged, '..'), { recursive: true });
    await writeImage(staged, { seed: 31 });
    await writeImage(join(t.root, 'disk.jpg'), { seed: 32 });
    await t.importPaths(album.id, [staged, join(t.root, 'disk.jpg')]);
    await t.runner.close();
    t.project.close();
  }, 60_000);
  afterAll(() => t.close().catch(() => undefined));

  it('shows an upload by its original name and a disk import by its path, in text and JSON', async () => {
    const list = await runCli(['photo', 'list', '--project', t.project.dir, '--album', 'Trip', '--json'], dataDir);
    expect(list.code).toBe(0);
    const photos = JSON.parse(list.stdout) as PhotoDetail[];
    expect(photos.map((p) => [p.fileName, p.origin, p.sourcePath])).toEqual([
      ['beach.jpg', 'upload', 'beach.jpg'],
      ['disk.jpg', 'disk', join(t.root, 'disk.jpg')],
    ]);
    const info = await runCli(['photo', 'info', '--project', t.project.dir, String(photos[0].id)], dataDir);
    expect(info.code).toBe(0);
    expect(info.stdout).toContain('source:   uploaded from a browser as beach.jpg');
    const text = await runCli(['photo', 'list', '--project', t.project.dir, '--album', 'Trip'], dataDir);
    expect(text.stdout).toContain(join(t.root, 'disk.jpg'));
    const missing = await runCli(['photo', 'info', '--project', t.project.dir, '999'], dataDir);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('photo 999 does not exist');
  }, 60_000);
});
