import BetterSqlite3 from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { latestSchemaVersion, migrate, openDatabase, SchemaTooNewError, schemaVersion } from '../../../src/main/db/database';
import { migrations } from '../../../src/main/db/migrations';
import { tempDir } from '../library/fixtures';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));
function dbFile(): string {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return join(t.dir, 'x.sqlite');
}

describe('openDatabase', () => {
  it('uses WAL, enforces foreign keys and migrates to the latest version', () => {
    const db = openDatabase(dbFile());
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(schemaVersion(db)).toBe(latestSchemaVersion());
    expect(latestSchemaVersion()).toBe(migrations.length);
    db.close();
  });

  it('refuses a file written by a newer schema and leaves it untouched', () => {
    const file = dbFile();
    const raw = new BetterSqlite3(file);
    raw.pragma(`user_version = ${latestSchemaVersion() + 5}`);
    raw.close();
    expect(() => openDatabase(file)).toThrow(SchemaTooNewError);
    expect(() => openDatabase(file)).toThrow(/newer than this Rig Studio supports/);
    const again = new BetterSqlite3(file);
    expect(again.pragma('user_version', { simple: true })).toBe(latestSchemaVersion() + 5);
    again.close();
  });

  it('rolls a failing migration back completely and keeps the previous version', () => {
    const db = new BetterSqlite3(':memory:');
    const broken = [
      migrations[0],
      { version: 2, name: 'broken', up: (d: typeof db) => d.exec('CREATE TABLE half (x INTEGER) STRICT; CREATE TABLE half (y INTEGER) STRICT;') },
    ];
    expect(() => migrate(db, broken)).toThrow(/already exists/);
    expect(schemaVersion(db)).toBe(1);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'half'").get()).toEqual({ n: 0 });
  });

  it('rejects a migration list with a gap', () => {
    const db = new BetterSqlite3(':memory:');
    expect(() => migrate(db, [migrations[0], migrations[2]])).toThrow(/expected 2/);
  });

  it('every migration file declares the version its position says, and indexes follow table_byColumn', () => {
    migrations.forEach((m, i) => expect(m.version).toBe(i + 1));
    const db = new BetterSqlite3(':memory:');
    migrate(db);
    const indexes = db.prepare("SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%'").all() as { name: string; tbl_name: string }[];
    expect(indexes.length).toBeGreaterThan(0);
    for (const ix of indexes) expect(ix.name).toMatch(new RegExp(`^${ix.tbl_name}_by[A-Z]\\w*$`));
    const tables = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table'").all() as { name: string; sql: string }[];
    for (const t of tables) expect(t.sql, t.name).toMatch(/\)\s*STRICT$/);
  });
});
