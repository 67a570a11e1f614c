import type { Database } from 'better-sqlite3';

/**
 * One schema step. `version` equals the file's number (0001 → 1); `up` runs inside the
 * migration's transaction, so a failure leaves the schema at the previous version.
 */
export interface Migration {
  version: number;
  name: string;
  up(db: Database): void;
}
