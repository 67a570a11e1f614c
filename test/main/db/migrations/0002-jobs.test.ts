import { describe, expect, it } from 'vitest';
import { databaseAt } from './helpers';

describe('migration 0002 (jobs)', () => {
  it('stores jobs with a checked state and deletes their log with them', () => {
    const db = databaseAt(2);
    db.prepare("INSERT INTO jobs (id, kind, title, state, params, createdAt) VALUES (1, 'import', 'x', 'queued', '{}', 't')").run();
    expect(() => db.prepare("INSERT INTO jobs (kind, title, state, params, createdAt) VALUES ('import', 'x', 'sleeping', '{}', 't')").run()).toThrow(/CHECK/);
    db.prepare("INSERT INTO jobLogs (jobId, at, level, text) VALUES (1, 't', 'info', 'hello')").run();
    expect(() => db.prepare("INSERT INTO jobLogs (jobId, at, level, text) VALUES (1, 't', 'debug', 'x')").run()).toThrow(/CHECK/);
    expect(() => db.prepare("INSERT INTO jobLogs (jobId, at, level, text) VALUES (7, 't', 'info', 'x')").run()).toThrow(/FOREIGN KEY/);
    db.prepare('DELETE FROM jobs WHERE id = 1').run();
    expect(db.prepare('SELECT count(*) AS n FROM jobLogs').get()).toEqual({ n: 0 });
  });
});
