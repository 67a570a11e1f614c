import { describe, expect, it } from 'vitest';
import { databaseAt } from './helpers';

describe('migration 0003 (import items)', () => {
  it('lists each file of a job once, with a checked outcome', () => {
    const db = databaseAt(3);
    db.prepare("INSERT INTO jobs (id, kind, title, state, params, createdAt) VALUES (1, 'import', 'x', 'running', '{}', 't')").run();
    const add = db.prepare("INSERT INTO importItems (jobId, idx, path, fileName, state) VALUES (1, @idx, '/a', 'a', @state)");
    add.run({ idx: 0, state: 'pending' });
    expect(() => add.run({ idx: 0, state: 'pending' })).toThrow(/UNIQUE|PRIMARY KEY/);
    expect(() => add.run({ idx: 1, state: 'lost' })).toThrow(/CHECK/);
    db.prepare('DELETE FROM jobs WHERE id = 1').run();
    expect(db.prepare('SELECT count(*) AS n FROM importItems').get()).toEqual({ n: 0 });
  });

  it('does not exist before version 3', () => {
    const db = databaseAt(2);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'importItems'").get()).toEqual({ n: 0 });
  });
});
