import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latestSchemaVersion } from '../../../src/main/db/database';
import { main } from '../../../src/main/cli/main';
import { dataDirEnv } from '../../../src/main/settings/dataDir';
import { tempDir } from '../library/fixtures';

// project and album commands in-process (they start no worker threads).
const tmp = tempDir();
const saved = process.env[dataDirEnv];
beforeAll(() => {
  process.env[dataDirEnv] = join(tmp.dir, 'data');
});
afterAll(() => {
  if (saved === undefined) delete process.env[dataDirEnv];
  else process.env[dataDirEnv] = saved;
  tmp.cleanup();
});

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('project and album commands', () => {
  const dir = join(tmp.dir, 'study');

  it('create a project, albums, and list them as JSON', async () => {
    const created = await cli('project', 'create', dir, '--name', 'Study', '--json');
    expect(created.code).toBe(0);
    expect(JSON.parse(created.out)).toMatchObject({ dir, name: 'Study', albumCount: 0 });
    expect((await cli('album', 'create', '--project', dir, 'Alice')).out).toBe('created album 1: Alice');
    expect((await cli('album', 'create', '--project', dir, 'Bob', '--json')).code).toBe(0);
    const list = await cli('album', 'list', '--project', dir, '--json');
    expect(JSON.parse(list.out).map((a: { name: string }) => a.name)).toEqual(['Alice', 'Bob']);
    const info = await cli('project', 'info', dir, '--json');
    expect(JSON.parse(info.out)).toMatchObject({ name: 'Study', albumCount: 2, photoCount: 0, schemaVersion: latestSchemaVersion() });
  });

  it('fail with exit 1 and a message naming the problem', async () => {
    const dup = await cli('album', 'create', '--project', dir, 'Alice');
    expect(dup).toMatchObject({ code: 1 });
    expect(dup.err).toContain('an album named "Alice" already exists');
    const plain = join(tmp.dir, 'plain');
    mkdirSync(plain);
    writeFileSync(join(plain, 'x.txt'), 'x');
    const notProject = await cli('project', 'info', plain);
    expect(notProject.code).toBe(1);
    expect(notProject.err).toContain(`${plain} is not a Rig Studio project`);
    expect((await cli('project', 'create', plain)).err).toContain('is not empty');
  });

  it('fail with exit 2 and the usage on wrong usage', async () => {
    const noProject = await cli('album', 'list');
    expect(noProject.code).toBe(2);
    expect(noProject.err).toContain('--project DIR is required');
    expect(noProject.err).toContain('rig-studio album list --project DIR [--json]');
    expect((await cli('project', 'create')).code).toBe(2);
    expect((await cli('serve', '--port', 'abc')).code).toBe(2);
    expect((await cli('import', '--project', dir, '--album', 'Alice')).err).toContain('give at least one file or folder');
    expect((await cli('album', 'list', '--project', dir, '--bogus')).code).toBe(2);
  });

  it('every command answers --help with exit 0', async () => {
    for (const words of [['serve'], ['project', 'create'], ['project', 'info'], ['album', 'create'], ['album', 'list'], ['import']]) {
      const r = await cli(...words, '--help');
      expect(r.code, words.join(' ')).toBe(0);
      expect(r.out).toContain(`rig-studio ${words.join(' ')}`);
    }
    expect((await cli('--help')).out).toMatch(/import[\s\S]*project create[\s\S]*serve/);
  });
});
