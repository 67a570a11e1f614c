import BetterSqlite3 from 'better-sqlite3';
import { migrate } from '../../../../src/main/db/database';
import { migrations } from '../../../../src/main/db/migrations';

/** An in-memory database migrated up to and including `version`, foreign keys on. */
export function databaseAt(version: number): BetterSqlite3.Database {
  const db = new BetterSqlite3(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, migrations.slice(0, version));
  return db;
}

export const hashA = 'a'.repeat(64);
export const hashB = 'b'.repeat(64);
