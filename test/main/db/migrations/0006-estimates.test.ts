import { describe, expect, it } from 'vitest';
import { databaseAt, hashA } from './helpers';

describe('migration 0006 (estimates)', () => {
  const setup = () => {
    const db = databaseAt(6);
    db.prepare("INSERT INTO blobs (hash, bytes, format, width, height, createdAt) VALUES (?, 1, 'jpeg', 10, 10, 't')").run(hashA);
    db.prepare("INSERT INTO albums (id, name, createdAt) VALUES (1, 'a', 't')").run();
    db.prepare("INSERT INTO photos (id, albumId, hash, fileName, sourcePath, importedAt) VALUES (1, 1, ?, 'p.jpg', '/p.jpg', 't')").run(hashA);
    db.prepare("INSERT INTO jobs (id, kind, title, state, params, createdAt) VALUES (1, 'estimate', 'x', 'running', '{}', 't')").run();
    return db;
  };
  const insert = (db: ReturnType<typeof setup>, values: Record<string, unknown> = {}) =>
    db.prepare(`INSERT INTO estimates (photoId, jobId, estimator, estimatorVersion, faceIndex, faceBoxes, score, landmarks, alignedLandmarks,
      alignTransform, decaTransform, code, camAligned, emotion, alignedPath, createdAt)
      VALUES (@photoId, 1, @estimator, 'v', 0, '[]', 0.9, '[]', '[]', '[]', '[]', @code, '[]', '{}', 'derived/aligned/1.png', 't')`)
      .run({ photoId: 1, estimator: 'deca', code: Buffer.alloc(944), ...values });

  it('keeps one estimate per photo with a 236-float code, removed with the photo', () => {
    const db = setup();
    insert(db);
    expect(() => insert(db)).toThrow(/UNIQUE|PRIMARY KEY/);
    db.prepare('DELETE FROM estimates').run();
    expect(() => insert(db, { estimator: 'magic' })).toThrow(/CHECK/);
    expect(() => insert(db, { code: Buffer.alloc(100) })).toThrow(/CHECK/);
    expect(() => insert(db, { photoId: 99 })).toThrow(/FOREIGN KEY/);
    insert(db, { estimator: 'fit' });
    db.prepare('DELETE FROM jobs').run();
    expect(db.prepare('SELECT jobId FROM estimates').get()).toEqual({ jobId: null });
    db.prepare('DELETE FROM photos').run();
    expect(db.prepare('SELECT count(*) AS n FROM estimates').get()).toEqual({ n: 0 });
  });

  it('tracks per-photo outcomes of a job, checked states, dropped with the job', () => {
    const db = setup();
    const add = db.prepare('INSERT INTO estimateItems (jobId, photoId, idx, state, reason) VALUES (1, 1, 0, @state, NULL)');
    expect(() => add.run({ state: 'maybe' })).toThrow(/CHECK/);
    add.run({ state: 'several-faces' });
    expect(() => add.run({ state: 'pending' })).toThrow(/UNIQUE|PRIMARY KEY/);
    db.prepare('DELETE FROM jobs').run();
    expect(db.prepare('SELECT count(*) AS n FROM estimateItems').get()).toEqual({ n: 0 });
  });

  it('does not exist before version 6', () => {
    const db = databaseAt(5);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name IN ('estimates', 'estimateItems')").get()).toEqual({ n: 0 });
  });
});
