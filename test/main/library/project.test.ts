import BetterSqlite3 from 'better-sqlite3';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { latestSchemaVersion } from '../../../src/main/db/database';
import { Project } from '../../../src/main/library/project';
import { tempDir } from './fixtures';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));
function folder(): string {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return t.dir;
}

describe('Project', () => {
  it('creates the folder layout and reopens with its name and counts', () => {
    const dir = join(folder(), 'study');
    const p = Project.create(dir, 'My study');
    for (const sub of ['project.sqlite', 'blobs', 'thumbs', 'derived', 'tmp']) expect(existsSync(join(dir, sub)), sub).toBe(true);
    p.close();
    const again = Project.open(dir);
    expect(again.info()).toMatchObject({ dir, name: 'My study', schemaVersion: latestSchemaVersion(), albumCount: 0, photoCount: 0 });
    again.close();
  });

  it('refuses to create a project in a non-empty folder or over an existing project', () => {
    const dir = folder();
    writeFileSync(join(dir, 'notes.txt'), 'x');
    expect(() => Project.create(dir, 'x')).toThrow(/is not empty/);
    const other = join(folder(), 'p');
    Project.create(other, 'p').close();
    expect(() => Project.create(other, 'p')).toThrow(/already a Rig Studio project/);
  });

  it('says clearly when a folder is not a project', () => {
    const dir = folder();
    expect(() => Project.open(dir)).toThrow(/is not a Rig Studio project \(it has no project.sqlite\)/);
    expect(() => Project.open(join(dir, 'missing'))).toThrow(/no such folder/);
    writeFileSync(join(dir, 'project.sqlite'), 'this is not sqlite at all, just some text that is long enough to be a header....');
    expect(() => Project.open(dir)).toThrow(/not a Rig Studio project database/);
  });

  it('refuses a SQLite file that is someone else\'s database', () => {
    const dir = folder();
    const db = new BetterSqlite3(join(dir, 'project.sqlite'));
    db.exec('CREATE TABLE t (x)');
    db.close();
    expect(() => Project.open(dir)).toThrow(/not a Rig Studio project database \(no schema\)/);
  });

  it('refuses a project written by a newer Rig Studio', () => {
    const dir = join(folder(), 'p');
    Project.create(dir, 'p').close();
    const db = new BetterSqlite3(join(dir, 'project.sqlite'));
    db.pragma(`user_version = ${latestSchemaVersion() + 1}`);
    db.close();
    expect(() => Project.open(dir)).toThrow(/newer than this Rig Studio supports/);
  });

  it('recreates missing sub-folders on open (a project copied without empty folders)', () => {
    const dir = join(folder(), 'p');
    Project.create(dir, 'p').close();
    const copy = join(folder(), 'copy');
    mkdirSync(copy);
    writeFileSync(join(copy, 'project.sqlite'), readFileSync(join(dir, 'project.sqlite')));
    Project.open(copy).close();
    expect(existsSync(join(copy, 'thumbs'))).toBe(true);
  });
});
