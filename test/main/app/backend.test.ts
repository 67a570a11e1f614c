import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ImportResult } from '../../../src/common/contract';
import { Backend } from '../../../src/main/app/backend';
import { tempDir, writeImage } from '../library/fixtures';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('Backend', () => {
  it('on open: marks a dead process\'s job interrupted, keeps its staged uploads, clears other leftovers; resume finishes it', async () => {
    const dir = join(tmp.dir, 'p');
    const backend = new Backend({ mode: 'serve', dataDir: join(tmp.dir, 'data'), workerScript: 'inline' });
    await backend.createProject(dir, 'P');
    const { project, library } = backend.require();
    const album = library.createAlbum('A');
    // A browser upload staged for an import that a process started and then died in.
    const staged = join(project.paths.uploads, 'batch1', '1', 'face.jpg');
    mkdirSync(join(staged, '..'), { recursive: true });
    await writeImage(staged, { seed: 3 });
    const jobId = Number(
      project.db
        .prepare("INSERT INTO jobs (kind, title, state, params, createdAt, ownerPid, heartbeatAt) VALUES ('import', 'Import', 'running', @params, 't', @pid, 't')")
        .run({ params: JSON.stringify({ albumId: album.id, paths: [staged] }), pid: 2 ** 22 + 4321 }).lastInsertRowid,
    );
    mkdirSync(join(project.paths.uploads, 'abandoned'), { recursive: true });
    const longAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    utimesSync(join(project.paths.uploads, 'abandoned'), longAgo, longAgo);
    utimesSync(join(project.paths.uploads, 'batch1'), longAgo, longAgo);
    writeFileSync(join(project.paths.tmp, 'x.partial'), 'x');
    utimesSync(join(project.paths.tmp, 'x.partial'), longAgo, longAgo); // a crash's leftover, not a write in flight
    await backend.closeProject();

    await backend.open(dir);
    const open = backend.require();
    expect(open.jobs.get(jobId).state).toBe('interrupted');
    expect(existsSync(staged)).toBe(true);
    expect(existsSync(join(open.project.paths.uploads, 'abandoned'))).toBe(false);
    expect(existsSync(join(open.project.paths.tmp, 'x.partial'))).toBe(false);

    open.jobs.resume(jobId);
    const done = await open.jobs.wait(jobId);
    expect(done.state).toBe('done');
    expect((done.result as ImportResult).imported).toBe(1);
    expect(open.library.listPhotos(album.id, 0, 10).items.map((p) => p.fileName)).toEqual(['face.jpg']);
    // Once imported, the staged copy is no longer needed.
    expect(existsSync(join(open.project.paths.uploads, 'batch1'))).toBe(false);
    await backend.close();
  });

  it('refuses requests that need a project when none is open, and reports app info', async () => {
    const backend = new Backend({ mode: 'electron', dataDir: join(tmp.dir, 'data2'), workerScript: 'inline' });
    expect(() => backend.require()).toThrow('no project is open; create or open one first');
    expect(backend.appInfo()).toMatchObject({ mode: 'electron', dataDir: join(tmp.dir, 'data2'), platform: process.platform });
    expect(backend.appInfo().version).toMatch(/^\d+\.\d+\.\d+/);
    await expect(backend.open(join(tmp.dir, 'nowhere'))).rejects.toThrow(/no such folder/);
    expect(backend.current).toBeNull();
    await backend.close();
  });
});
