import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { migrations as allMigrations, type Migration } from './migrations';

export type { Database };

/** The project was written by a newer Rig Studio; this one must not touch it. */
export class SchemaTooNewError extends Error {
  constructor(
    readonly file: string,
    readonly found: number,
    readonly supported: number,
  ) {
    super(`${file} has schema version ${found}, newer than this Rig Studio supports (${supported}); update Rig Studio to open it`);
  }
}

/** The schema version this build writes (the last migration's number). */
export function latestSchemaVersion(list: readonly Migration[] = allMigrations): number {
  return list.length === 0 ? 0 : list[list.length - 1].version;
}

/** Reads PRAGMA user_version: how many migrations the file has had. */
export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Brings the schema up to date, one transaction per migration (a failure leaves the file at the
 * last version that completed). Throws SchemaTooNewError for a file from a newer build.
 */
export function migrate(db: Database, list: readonly Migration[] = allMigrations): number {
  list.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration list broken: entry ${i} is version ${m.version} (${m.name}), expected ${i + 1}`);
  });
  const latest = latestSchemaVersion(list);
  const current = schemaVersion(db);
  if (current > latest) throw new SchemaTooNewError(db.name, current, latest);
  for (const m of list.slice(current)) {
    db.transaction(() => {
      m.up(db);
      // user_version lives in the file header and is part of the same transaction.
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  return latest;
}

/** How long a writer waits for another process's write to finish before failing. */
const busyTimeoutMs = 10_000;

/**
 * Makes `db.transaction(fn)` begin IMMEDIATE (take the write lock at BEGIN) rather than deferred.
 * A deferred transaction that reads and then writes while another process writes cannot wait:
 * SQLite answers SQLITE_BUSY ("database is locked") at once, without the busy timeout, since
 * waiting could deadlock. Taking the lock first makes a second writer wait its turn instead.
 */
function immediateTransactions(db: Database): void {
  const deferred = db.transaction.bind(db);
  db.transaction = ((fn: Parameters<Database['transaction']>[0]) => deferred(fn).immediate) as Database['transaction'];
}

/**
 * Opens (or creates) a SQLite file the way every part of the app expects it: WAL (readers do
 * not block the writer), foreign keys enforced, immediate transactions and a busy timeout so
 * a second process's writer waits its turn instead of failing, and the schema migrated.
 */
export function openDatabase(
  file: string,
  options: { migrations?: readonly Migration[]; readonly?: boolean; beforeMigrate?: (db: Database) => void } = {},
): Database {
  const db = new BetterSqlite3(file, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false, timeout: busyTimeoutMs });
  if (!options.readonly) immediateTransactions(db);
  try {
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    // Checks that must see the file as it was (e.g. "is this a project at all?").
    options.beforeMigrate?.(db);
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      // WAL + NORMAL survives a killed process (only power loss can drop the last commits).
      db.pragma('synchronous = NORMAL');
    }
    db.pragma('foreign_keys = ON');
    if (!options.readonly) migrate(db, options.migrations ?? allMigrations);
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

/** Current time as stored in every `...At` column (ISO 8601, UTC). */
export function now(): string {
  return new Date().toISOString();
}
