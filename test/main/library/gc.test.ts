import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { Backend } from '../../../src/main/app/backend';
import { collectOrphanFiles, jobStaleAfterMs } from '../../../src/main/library/gc';
import { blobPath, thumbPath } from '../../../src/main/library/paths';
import { writeImage } from './fixtures';
import { openTestProject, type TestProject } from './harness';

let t: TestProject | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
});

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
    writeFileSync(join(t.project.paths.tmp, 'writing.partial'), 'x'); // fresh: may be in flight in another process
    mkdirSync(join(t.project.paths.uploads, 'claimed'), { recursive: true });
    mkdirSync(join(t.project.paths.uploads, 'abandoned'), { recursive: true });
    mkdirSync(join(t.project.paths.uploads, 'uploading'), { recursive: true });
    const longAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    utimesSync(join(t.project.paths.uploads, 'abandoned'), longAgo, longAgo);
    utimesSync(join(t.project.paths.tmp, 'abc.partial'), longAgo, longAgo);

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
    expect(existsSync(join(t.project.paths.tmp, 'writing.partial'))).toBe(true);
  });
});

describe('the project-open sweep and live jobs in other processes', () => {
  it("keeps the tmp files of a job another process is running (and that process's new blobs), removes those of dead jobs", async () => {
    t = openTestProject();
    const { project } = t;
    const dir = project.dir;
    const child = spawn(process.execPath, [join(__dirname, 'other-process-job.mjs'), project.paths.database, project.paths.tmp], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const { jobId } = await new Promise<{ jobId: number }>((resolve, reject) => {
        let out = '';
        child.stdout!.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('\n')) resolve(JSON.parse(out) as { jobId: number });
        });
        child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
        child.once('exit', (code) => reject(new Error(`helper exited ${code}: ${out}`)));
      });
      const live = join(project.paths.tmp, 'jobs', String(jobId), 'abc.partial');
      // A dead job's folder (it finished long ago), a folder no job row names, and a blob file the
      // other process wrote but has not committed a row for yet.
      const dead = Number(project.db.prepare("INSERT INTO jobs (kind, title, state, params, createdAt) VALUES ('import', 'old', 'done', '{}', '2020-01-01T00:00:00.000Z')").run().lastInsertRowid);
      mkdirSync(join(project.paths.tmp, 'jobs', String(dead)), { recursive: true });
      writeFileSync(join(project.paths.tmp, 'jobs', String(dead), 'x.partial'), 'x');
      mkdirSync(join(project.paths.tmp, 'jobs', '424242'), { recursive: true });
      // Training run state written beside its target: a killed write's staging file, per job.
      const trainDir = (id: number) => join(project.paths.derived, 'train', `job-${id}`);
      for (const id of [jobId, dead]) {
        mkdirSync(trainDir(id), { recursive: true });
        writeFileSync(join(trainDir(id), 'state.safetensors'), 'state');
        writeFileSync(join(trainDir(id), 'state.safetensors.0123456789abcdef.partial'), 'half');
      }
      const pending = 'e'.repeat(64);
      mkdirSync(join(project.paths.blobs, 'ee'), { recursive: true });
      writeFileSync(blobPath(project.paths, pending), 'x');
      await t.runner.close();
      project.close();

      // This process opens the project (recover + sweep) while the other one works.
      const backend = new Backend({ mode: 'serve', dataDir: join(t.root, 'data'), workerScript: 'inline' });
      await backend.open(dir);
      const open = backend.require();
      expect(open.jobs.get(jobId).state).toBe('running'); // not mistaken for a crashed job
      expect(existsSync(live)).toBe(true);
      expect(existsSync(blobPath(project.paths, pending))).toBe(true);
      expect(existsSync(join(project.paths.tmp, 'jobs', String(dead)))).toBe(false);
      expect(existsSync(join(project.paths.tmp, 'jobs', '424242'))).toBe(false);
      expect(existsSync(join(trainDir(jobId), 'state.safetensors.0123456789abcdef.partial'))).toBe(true);
      expect(existsSync(join(trainDir(dead), 'state.safetensors.0123456789abcdef.partial'))).toBe(false);
      expect(existsSync(join(trainDir(dead), 'state.safetensors'))).toBe(true);

      // Once that process is gone its heartbeat goes stale: the next sweep removes its files.
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      await collectOrphanFiles(open.project, { now: Date.now() + jobStaleAfterMs + 1000 });
      expect(existsSync(live)).toBe(false);
      expect(existsSync(join(trainDir(jobId), 'state.safetensors.0123456789abcdef.partial'))).toBe(false);
      expect(existsSync(join(trainDir(jobId), 'state.safetensors'))).toBe(true);
      await backend.close();
      t = null;
    } finally {
      child.kill('SIGKILL');
    }
  }, 60_000);
});
