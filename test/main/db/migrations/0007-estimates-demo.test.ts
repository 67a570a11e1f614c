import { describe, expect, it } from 'vitest';
import { migrate } from '../../../../src/main/db/database';
import { migrations } from '../../../../src/main/db/migrations';
import { databaseAt, hashA, hashB } from './helpers';

describe('migration 0007 (estimates accept demo-ground-truth)', () => {
  const setup = (version: number) => {
    const db = databaseAt(version);
    db.prepare("INSERT INTO albums (id, name, createdAt) VALUES (1, 'a', 't')").run();
    for (const [id, hash] of [[1, hashA], [2, hashB], [3, 'c'.repeat(64)]] as const) {
      db.prepare("INSERT INTO blobs (hash, bytes, format, width, height, createdAt) VALUES (?, 1, 'jpeg', 10, 10, 't')").run(hash);
      db.prepare("INSERT INTO photos (id, albumId, hash, fileName, sourcePath, importedAt) VALUES (?, 1, ?, 'p.jpg', '/p.jpg', 't')").run(id, hash);
    }
    db.prepare("INSERT INTO jobs (id, kind, title, state, params, createdAt) VALUES (1, 'estimate', 'x', 'done', '{}', 't')").run();
    return db;
  };
  const insert = (db: ReturnType<typeof setup>, values: Record<string, unknown> = {}) =>
    db.prepare(`INSERT INTO estimates (photoId, jobId, estimator, estimatorVersion, faceIndex, faceBoxes, score, landmarks, alignedLandmarks,
      alignTransform, decaTransform, code, camAligned, emotion, alignedPath, details, createdAt)
      VALUES (@photoId, @jobId, @estimator, 'v1', 0, '[[1,2,3,4]]', 0.9, '[]', '[]', '[]', '[]', @code, '[1,0,0]', '{}', 'derived/aligned/1.png', '{"x":1}', 't')`)
      .run({ photoId: 1, jobId: 1, estimator: 'deca', code: Buffer.alloc(944, 7), ...values });

  it('rejects demo-ground-truth before, accepts it after, and keeps the rows and their references', () => {
    const db = setup(6);
    expect(() => insert(db, { photoId: 2, estimator: 'demo-ground-truth' })).toThrow(/CHECK/);
    insert(db, { photoId: 1, estimator: 'deca' });
    insert(db, { photoId: 2, estimator: 'fit', jobId: null });
    const before = db.prepare('SELECT * FROM estimates ORDER BY photoId').all();

    migrate(db, migrations.slice(0, 7));
    expect(db.pragma('user_version', { simple: true })).toBe(7);
    expect(db.prepare('SELECT * FROM estimates ORDER BY photoId').all()).toEqual(before);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'estimatesNew'").get()).toEqual({ n: 0 });
    expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'estimates' AND sql IS NOT NULL").all()).toEqual([{ name: 'estimates_byJobId' }]);
    expect((db.prepare("SELECT sql FROM sqlite_master WHERE name = 'estimates'").get() as { sql: string }).sql).toMatch(/STRICT/);

    insert(db, { photoId: 3, estimator: 'demo-ground-truth', jobId: null });
    expect(db.prepare('SELECT estimator FROM estimates WHERE photoId = 3').get()).toEqual({ estimator: 'demo-ground-truth' });
    // the other constraints are as they were
    db.prepare('DELETE FROM estimates WHERE photoId = 3').run();
    expect(() => insert(db, { photoId: 3, estimator: 'magic' })).toThrow(/CHECK/);
    expect(() => insert(db, { photoId: 3, code: Buffer.alloc(100) })).toThrow(/CHECK/);
    expect(() => insert(db, { photoId: 99 })).toThrow(/FOREIGN KEY/);
    expect(() => insert(db, { photoId: 1 })).toThrow(/UNIQUE|PRIMARY KEY/);
    expect(() => db.prepare("UPDATE estimates SET faceIndex = 'x' WHERE photoId = 1").run()).toThrow(/datatype|STRICT|cannot store/i);
    // ON DELETE actions still work on the rebuilt table
    db.prepare('DELETE FROM jobs').run();
    expect(db.prepare('SELECT jobId FROM estimates WHERE photoId = 1').get()).toEqual({ jobId: null });
    db.prepare('DELETE FROM photos WHERE id = 1').run();
    expect(db.prepare('SELECT photoId FROM estimates ORDER BY photoId').all()).toEqual([{ photoId: 2 }]);
    expect(db.pragma('foreign_key_check')).toEqual([]);
  });
});
