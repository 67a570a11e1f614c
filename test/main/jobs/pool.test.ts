import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkerTasks } from '../../../src/main/app/workerTasks';
import { ThreadPool } from '../../../src/main/jobs/pool';
import { builtWorker, ensureBuilt } from '../cli/built';
import { tempDir, writeImage } from '../library/fixtures';

// The real worker bundle (out/main/worker.js) in real threads: what the app and CLI run.
let pool: ThreadPool<WorkerTasks>;
const tmp = tempDir();
beforeAll(() => {
  ensureBuilt();
  pool = new ThreadPool(builtWorker, 2);
});
afterAll(async () => {
  await pool.close();
  tmp.cleanup();
});

describe('ThreadPool', () => {
  it('runs ingest tasks in worker threads, concurrently, with per-file outcomes', async () => {
    const dirs = { blobs: join(tmp.dir, 'blobs'), thumbs: join(tmp.dir, 'thumbs'), tmp: join(tmp.dir, 'tmp') };
    mkdirSync(dirs.blobs);
    const files = await Promise.all([1, 2, 3, 4].map(async (seed) => {
      const p = join(tmp.dir, `${seed}.jpg`);
      await writeImage(p, { seed });
      return p;
    }));
    const outcomes = await Promise.all([...files, join(tmp.dir, 'missing.jpg')].map((source) => pool.run('ingest', { source, ...dirs })));
    expect(outcomes.slice(0, 4).every((o) => o.ok)).toBe(true);
    expect(new Set(outcomes.slice(0, 4).map((o) => o.ok && o.hash)).size).toBe(4);
    expect(outcomes[4]).toEqual({ ok: false, reason: 'file not found' });
  });

  it('turns a task that throws into a rejected promise and keeps working', async () => {
    // A project folder that cannot be written (its blobs path is a file) is the job's error, not the file's.
    const file = join(tmp.dir, 'ok.jpg');
    await writeImage(file, { seed: 42 });
    const bad = { blobs: file, thumbs: join(tmp.dir, 't2'), tmp: join(tmp.dir, 'tmp2') };
    await expect(pool.run('ingest', { source: file, ...bad })).rejects.toThrow(/cannot store .*ok\.jpg in the project/);
    const good = await pool.run('ingest', { source: file, blobs: join(tmp.dir, 'b3'), thumbs: join(tmp.dir, 't3'), tmp: join(tmp.dir, 'tmp3') });
    expect(good.ok).toBe(true);
  });
});
