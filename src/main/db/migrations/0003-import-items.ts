import type { Migration } from './types';

/**
 * The files of an import job, listed once when the job starts. Each file's outcome is written
 * in the same transaction as its photo row, so a resumed job continues exactly with the files
 * still 'pending' and the job's report (errors, duplicates) is rebuilt from here.
 */
export const migration0003: Migration = {
  version: 3,
  name: 'import-items',
  up(db) {
    db.exec(`
      CREATE TABLE importItems (
        jobId INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        path TEXT NOT NULL,
        fileName TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('pending', 'imported', 'duplicate', 'failed')),
        photoId INTEGER,
        reason TEXT,
        PRIMARY KEY (jobId, idx)
      ) STRICT;
      CREATE INDEX importItems_byJobIdState ON importItems(jobId, state);
    `);
  },
};
