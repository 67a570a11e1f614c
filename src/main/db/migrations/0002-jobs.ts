import type { Migration } from './types';

/**
 * Jobs and their log. `ownerPid` + `heartbeatAt` let a process that opens the project tell a
 * job whose process died (→ 'interrupted') from one another live process is still running.
 */
export const migration0002: Migration = {
  version: 2,
  name: 'jobs',
  up(db) {
    db.exec(`
      CREATE TABLE jobs (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        title TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed', 'cancelled', 'interrupted')),
        params TEXT NOT NULL,
        progress REAL,
        etaSeconds REAL,
        message TEXT NOT NULL DEFAULT '',
        result TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        ownerPid INTEGER,
        heartbeatAt TEXT,
        createdAt TEXT NOT NULL,
        startedAt TEXT,
        finishedAt TEXT
      ) STRICT;
      CREATE INDEX jobs_byState ON jobs(state);

      CREATE TABLE jobLogs (
        id INTEGER PRIMARY KEY,
        jobId INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        at TEXT NOT NULL,
        level TEXT NOT NULL CHECK (level IN ('info', 'warn', 'error')),
        text TEXT NOT NULL
      ) STRICT;
      CREATE INDEX jobLogs_byJobId ON jobLogs(jobId, id);
    `);
  },
};
