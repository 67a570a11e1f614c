import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { confinedFile, readableBlob, readableProjectFile, readableThumb, realFileInside } from '../../../src/main/library/confined';
import { blobPath, projectPaths, thumbPath } from '../../../src/main/library/paths';
import { tempDir } from './fixtures';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('project files are read only inside the project', () => {
  const paths = projectPaths(join(tmp.dir, 'received'));
  const secret = join(tmp.dir, 'secret.txt');
  const hash = 'ab'.repeat(32);
  const other = 'cd'.repeat(32);
  writeFileSync(secret, 'outside the project');
  for (const file of [blobPath(paths, hash), thumbPath(paths, hash), blobPath(paths, other)]) mkdirSync(join(file, '..'), { recursive: true });
  mkdirSync(join(paths.derived, 'aligned'), { recursive: true });
  // What a project folder received from someone else can carry.
  symlinkSync(secret, blobPath(paths, hash));
  symlinkSync(secret, thumbPath(paths, hash));
  symlinkSync(secret, join(paths.derived, 'aligned', '1.png'));
  writeFileSync(blobPath(paths, other), 'a real blob');

  it('refuses links that lead out, naming the file', async () => {
    expect(() => readableBlob(paths, hash)).toThrow(`${blobPath(paths, hash)} leads outside ${paths.blobs}`);
    expect(() => readableThumb(paths, hash)).toThrow(/leads outside/);
    expect(() => readableProjectFile(paths, 'derived/aligned/1.png')).toThrow(/derived.aligned.1\.png leads outside/);
    expect(await realFileInside(blobPath(paths, hash), paths.blobs)).toBeNull();
    expect(() => readableBlob(paths, hash)).toThrow(expect.objectContaining({ code: 'invalid-params' }));
  });

  it('refuses stored paths that climb out or name no project folder', () => {
    for (const stored of ['../secret.txt', 'derived/../../secret.txt', secret, 'project.sqlite', '']) {
      expect(() => readableProjectFile(paths, stored), stored).toThrow(/leads outside/);
    }
  });

  it('reads real files and links that stay inside, and passes a missing file through as missing', async () => {
    expect(readFileSync(readableBlob(paths, other), 'utf8')).toBe('a real blob');
    symlinkSync(blobPath(paths, other), join(paths.derived, 'aligned', '2.png'));
    expect(() => readableProjectFile(paths, 'derived/aligned/2.png')).toThrow(/leads outside/);
    symlinkSync(join(paths.derived, 'aligned', 'absent.png'), join(paths.derived, 'aligned', '3.png'));
    writeFileSync(join(paths.derived, 'aligned', '4.png'), 'aligned');
    symlinkSync('4.png', join(paths.derived, 'aligned', '5.png'));
    expect(readFileSync(readableProjectFile(paths, 'derived/aligned/5.png'), 'utf8')).toBe('aligned');
    expect(await realFileInside(blobPath(paths, other), paths.blobs)).toBe(blobPath(paths, other));
    const missing = join(paths.derived, 'aligned', '9.png');
    expect(readableProjectFile(paths, 'derived/aligned/9.png')).toBe(missing);
    // A dangling link cannot be checked (its target may appear later): refused, not passed on as missing.
    expect(() => confinedFile(join(paths.derived, 'aligned', '3.png'), paths.derived)).toThrow(/leads outside/);
  });
});
