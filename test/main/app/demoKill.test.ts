import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoScenes } from '../../../src/main/app/demo/scenes';
import { ensureBuilt } from '../cli/built';
import { startCli } from '../cli/run';
import { tempDir } from '../library/fixtures';

// The built CLI killed (SIGKILL) while `serve --demo` fills the demo album, then started again.
const tmp = tempDir();
const data = join(tmp.dir, 'data');
const projectFile = join(data, 'demo', 'project.sqlite');
beforeAll(() => ensureBuilt());
afterAll(() => tmp.cleanup());

/** Rows the test reads back (a read-only connection beside the app's). */
function read<T>(sql: string): T[] {
  const db = new Database(projectFile, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

function demoPhotoCount(): number {
  try {
    return read<{ n: number }>("SELECT count(*) AS n FROM photos p JOIN albums a ON a.id = p.albumId WHERE a.name = 'Demo'")[0].n;
  } catch {
    return 0; // not created yet
  }
}

/** Starts `serve --demo` and resolves once it serves (the demo content is complete by then). */
function serveDemo() {
  const child = startCli(['serve', '--port', '0', '--demo'], data);
  let output = '';
  child.stderr!.on('data', (d) => (output += d));
  const serving = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      output += d;
      if (output.includes('serving at')) resolve();
    });
    child.on('close', (code, signal) => reject(new Error(`serve --demo ended (${code ?? signal}) before serving:\n${output}`)));
  });
  serving.catch(() => undefined);
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  return { child, serving, closed, output: () => output };
}

describe('demo content and a killed process', () => {
  it('SIGKILL while the demo photos are imported: the next start completes the album, each photo once, with its estimate', async () => {
    const first = serveDemo();
    let killedAt = -1;
    for (let i = 0; i < 6000 && killedAt < 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      const count = demoPhotoCount();
      if (count >= 1) {
        first.child.kill('SIGKILL');
        killedAt = count;
      }
    }
    await first.closed;
    expect(killedAt, first.output()).toBeGreaterThanOrEqual(1);
    const partial = demoPhotoCount();
    expect(partial).toBeLessThan(12);

    const second = serveDemo();
    await second.serving;
    second.child.kill('SIGTERM');
    await second.closed;

    const scenes = demoScenes();
    const photos = read<{ id: number; fileName: string }>("SELECT p.id, p.fileName FROM photos p JOIN albums a ON a.id = p.albumId WHERE a.name = 'Demo' ORDER BY p.fileName");
    expect(photos.map((p) => p.fileName)).toEqual(scenes.map((s) => s.fileName).sort());
    const estimates = read<{ photoId: number; estimator: string }>('SELECT photoId, estimator FROM photoCodes');
    expect(estimates.filter((e) => e.estimator === 'demo-ground-truth').map((e) => e.photoId).sort((a, b) => a - b)).toEqual(photos.map((p) => p.id).sort((a, b) => a - b));
    // the killed import was resumed, not started a second time
    expect(read<{ state: string }>("SELECT state FROM jobs WHERE kind = 'import'")).toEqual([{ state: 'done' }]);
    expect(read<{ n: number }>('SELECT count(*) AS n FROM blobs')[0].n).toBe(12);
  });
});
