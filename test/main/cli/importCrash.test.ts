import BetterSqlite3 from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blobPath } from '../../../src/main/library/paths';
import { tempDir, writeImage } from '../library/fixtures';
import { ensureBuilt } from './built';
import { runCli, startCli } from './run';

// Integration: a 200-photo import killed with SIGKILL half-way must leave a consistent
// project, and resuming it must end with all 200 photos exactly once.
const tmp = tempDir();
const data = join(tmp.dir, 'data');
const project = join(tmp.dir, 'project');
const src = join(tmp.dir, 'photos');
const count = 200;

beforeAll(async () => {
  ensureBuilt();
  mkdirSync(src);
  // Large enough that the import takes a few seconds, so the kill lands in the middle.
  for (let i = 0; i < count; i++) await writeImage(join(src, `p${String(i).padStart(3, '0')}.jpg`), { width: 640, height: 480, seed: i });
}, 120_000);
afterAll(() => tmp.cleanup());

function photoCount(): number {
  if (!existsSync(join(project, 'project.sqlite'))) return 0;
  const db = new BetterSqlite3(join(project, 'project.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM photos').get() as { n: number }).n;
  } catch {
    return 0;
  } finally {
    db.close();
  }
}

describe('import killed with SIGKILL', () => {
  it('leaves a DB that opens with no rows pointing at missing blobs, and resumes to all 200 exactly once', async () => {
    expect((await runCli(['project', 'create', project], data)).code).toBe(0);
    expect((await runCli(['album', 'create', '--project', project, 'Crash'], data)).code).toBe(0);

    const child = startCli(['import', '--project', project, '--album', 'Crash', src], data);
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, signal) => resolve(signal)));
    let before = 0;
    for (let i = 0; i < 3000 && before < 30; i++) {
      await new Promise((r) => setTimeout(r, 10));
      before = photoCount();
    }
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const atKill = photoCount();
    expect(atKill).toBeGreaterThanOrEqual(30);
    expect(atKill).toBeLessThan(count);

    // The database as the killed process left it (before any reopen repairs anything).
    const db = new BetterSqlite3(join(project, 'project.sqlite'), { fileMustExist: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.pragma('foreign_key_check')).toEqual([]);
    const blobs = db.prepare('SELECT hash FROM blobs').all() as { hash: string }[];
    for (const { hash } of blobs) {
      const file = blobPath({ blobs: join(project, 'blobs') }, hash);
      expect(existsSync(file), `blob ${hash}`).toBe(true);
      expect(createHash('sha256').update(readFileSync(file)).digest('hex')).toBe(hash);
    }
    const job = db.prepare("SELECT id, state FROM jobs WHERE kind = 'import'").get() as { id: number; state: string };
    expect(job.state).toBe('running'); // nobody could mark it: the process is gone
    db.close();

    const info = await runCli(['project', 'info', project, '--json'], data);
    expect(JSON.parse(info.stdout).jobs[0]).toMatchObject({ id: job.id, state: 'interrupted' });

    const resumed = await runCli(['import', '--project', project, '--resume', String(job.id), '--json'], data);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ state: 'done', total: count, imported: count, duplicates: 0, failed: 0 });

    const after = new BetterSqlite3(join(project, 'project.sqlite'), { readonly: true });
    const rows = after.prepare('SELECT fileName, hash FROM photos ORDER BY id').all() as { fileName: string; hash: string }[];
    after.close();
    expect(rows.length).toBe(count);
    expect(new Set(rows.map((r) => r.fileName)).size).toBe(count);
    expect(new Set(rows.map((r) => r.hash)).size).toBe(count);
    // Every blob file on disk belongs to a row (orphans of the kill were collected on reopen).
    const files = readdirSync(join(project, 'blobs')).flatMap((shard) => readdirSync(join(project, 'blobs', shard)));
    expect(files.length).toBe(count);
    expect(readdirSync(join(project, 'tmp')).filter((n) => n !== 'uploads')).toEqual([]);
  });
});
