import { describe, expect, it } from 'vitest';
import { databaseAt, hashA, hashB } from './helpers';

function seed(db: ReturnType<typeof databaseAt>) {
  db.prepare("INSERT INTO albums (id, name, createdAt) VALUES (1, 'Alice', 't')").run();
  db.prepare("INSERT INTO blobs (hash, bytes, format, width, height, createdAt) VALUES (@h, 10, 'png', 4, 4, 't')").run({ h: hashA });
  db.prepare("INSERT INTO photos (id, albumId, hash, fileName, sourcePath, importedAt) VALUES (1, 1, @h, 'a.png', '/x/a.png', 't')").run({ h: hashA });
  db.prepare("INSERT INTO jobs (id, kind, title, state, params, createdAt) VALUES (1, 'edit', 'x', 'running', '{}', 't')").run();
}

const insertResult = `INSERT INTO editResults (id, jobId, albumId, sourcePhotoId, targetPhotoId, modes, imageHash, sampleHash, buffersHash, provenance, createdAt)
  VALUES (@id, 1, 1, 1, 1, 'exp', @h, @h, @h, '{}', 't')`;

describe('migration 0005 (edits)', () => {
  it('keeps one estimate per photo and drops it with the photo', () => {
    const db = databaseAt(5);
    seed(db);
    db.prepare("INSERT INTO photoEstimates (photoId, estimator, version, codes, createdAt) VALUES (1, 'deca', '1', '{}', 't')").run();
    expect(() => db.prepare("INSERT INTO photoEstimates (photoId, estimator, version, codes, createdAt) VALUES (1, 'fit', '1', '{}', 't')").run()).toThrow(/UNIQUE|PRIMARY KEY/);
    expect(() => db.prepare("INSERT INTO photoEstimates (photoId, estimator, version, codes, createdAt) VALUES (9, 'fit', '1', '{}', 't')").run()).toThrow(/FOREIGN KEY/);
    db.prepare('DELETE FROM photos WHERE id = 1').run();
    expect(db.prepare('SELECT count(*) AS n FROM photoEstimates').get()).toEqual({ n: 0 });
  });

  it('keeps results when their photos or job go (provenance stays), and drops them with the album', () => {
    const db = databaseAt(5);
    seed(db);
    db.prepare(insertResult).run({ id: 1, h: hashB });
    expect(() => db.prepare(insertResult).run({ id: 2, h: 'short' })).toThrow(/CHECK/);
    db.prepare('DELETE FROM jobs WHERE id = 1').run();
    db.prepare('DELETE FROM photos WHERE id = 1').run();
    expect(db.prepare('SELECT jobId, sourcePhotoId, targetPhotoId FROM editResults').get()).toEqual({ jobId: null, sourcePhotoId: null, targetPhotoId: null });
    db.prepare('DELETE FROM albums WHERE id = 1').run();
    expect(db.prepare('SELECT count(*) AS n FROM editResults').get()).toEqual({ n: 0 });
  });

  it('lists cells per job with a checked state; deleting a result leaves its cell without one', () => {
    const db = databaseAt(5);
    seed(db);
    db.prepare(insertResult).run({ id: 1, h: hashB });
    db.prepare("INSERT INTO editCells (jobId, idx, sourcePhotoId, targetPhotoId, modes, state, resultId) VALUES (1, 0, 1, 1, 'exp', 'done', 1)").run();
    expect(() => db.prepare("INSERT INTO editCells (jobId, idx, sourcePhotoId, modes, state) VALUES (1, 1, 1, 'exp', 'sleeping')").run()).toThrow(/CHECK/);
    expect(() => db.prepare("INSERT INTO editCells (jobId, idx, sourcePhotoId, modes, state) VALUES (1, 0, 1, 'exp', 'pending')").run()).toThrow(/UNIQUE|PRIMARY KEY/);
    db.prepare('DELETE FROM editResults WHERE id = 1').run();
    expect(db.prepare('SELECT resultId, state FROM editCells').get()).toEqual({ resultId: null, state: 'done' });
    db.prepare('DELETE FROM jobs WHERE id = 1').run();
    expect(db.prepare('SELECT count(*) AS n FROM editCells').get()).toEqual({ n: 0 });
  });
});
