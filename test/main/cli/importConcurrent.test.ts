import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/main/db/database';
import { tempDir, writeImage } from '../library/fixtures';
import { ensureBuilt } from './built';
import { runCli } from './run';

// Two processes writing one project: the second waits its turn (immediate transactions and a
// busy timeout) instead of failing with "database is locked".
const tmp = tempDir();
const data = join(tmp.dir, 'data');
beforeAll(() => ensureBuilt());
afterAll(() => tmp.cleanup());

describe('two CLI imports into one album at once', () => {
  it('both succeed, every file once', async () => {
    const project = join(tmp.dir, 'p');
    const folders = [join(tmp.dir, 'a'), join(tmp.dir, 'b')];
    for (const [k, folder] of folders.entries()) {
      mkdirSync(folder);
      for (let i = 0; i < 30; i++) await writeImage(join(folder, `face${i}.jpg`), { width: 16, height: 12, seed: 100 + 30 * k + i });
    }
    expect((await runCli(['project', 'create', project], data)).code).toBe(0);
    expect((await runCli(['album', 'create', '--project', project, 'Both'], data)).code).toBe(0);

    const runs = await Promise.all(folders.map((folder) => runCli(['import', '--project', project, '--album', 'Both', '--json', folder], data)));
    for (const run of runs) {
      expect(run.stderr).not.toMatch(/locked|busy/i);
      expect(run.code, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ state: 'done', total: 30, imported: 30, failed: 0 });
    }
    const db = openDatabase(join(project, 'project.sqlite'), { readonly: true });
    try {
      expect((db.prepare('SELECT count(*) AS n FROM photos').get() as { n: number }).n).toBe(60);
    } finally {
      db.close();
    }
  }, 60_000);
});
