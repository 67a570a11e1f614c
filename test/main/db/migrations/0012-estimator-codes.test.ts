import { describe, expect, it } from 'vitest';
import { migrate } from '../../../../src/main/db/database';
import { migrations } from '../../../../src/main/db/migrations';
import { databaseAt, hashA } from './helpers';

describe('migration 0012 (every estimator’s codes of a photo, side by side)', () => {
  it('fills estimatorCodes from the estimates, keeps one row per photo and estimator, and drops them with the photo', () => {
    const db = databaseAt(11);
    db.prepare("INSERT INTO blobs (hash, bytes, format, width, height, createdAt) VALUES (?, 1, 'jpeg', 10, 10, 't')").run(hashA);
    db.prepare("INSERT INTO albums (id, name, createdAt) VALUES (1, 'a', 't')").run();
    db.prepare("INSERT INTO photos (id, albumId, hash, fileName, sourcePath, importedAt) VALUES (1, 1, ?, 'p.jpg', '/p.jpg', 't')").run(hashA);
    db.prepare(`INSERT INTO estimates (photoId, jobId, estimator, estimatorVersion, faceIndex, faceBoxes, score, landmarks, alignedLandmarks,
      alignTransform, decaTransform, code, camAligned, emotion, alignedPath, createdAt)
      VALUES (1, NULL, 'deca', 'v1', 0, '[]', 0.9, '[]', '[]', '[]', '[]', @code, '[1,2,3]', '{}', 'derived/aligned/1.png', 't')`).run({ code: Buffer.alloc(944, 1) });
    migrate(db, migrations.slice(0, 12));
    expect(db.pragma('user_version', { simple: true })).toBe(12);
    expect(db.prepare('SELECT photoId, estimator, version, camAligned, length(code) AS bytes FROM estimatorCodes').all()).toEqual([{ photoId: 1, estimator: 'deca', version: 'v1', camAligned: '[1,2,3]', bytes: 944 }]);
    db.prepare("INSERT INTO estimatorCodes (photoId, estimator, version, code, camAligned, createdAt) VALUES (1, 'emoca', 'v2', ?, '[1,2,3]', 't')").run(Buffer.alloc(944));
    expect(() => db.prepare("INSERT INTO estimatorCodes (photoId, estimator, version, code, camAligned, createdAt) VALUES (1, 'emoca', 'v3', ?, '[]', 't')").run(Buffer.alloc(944))).toThrow(/UNIQUE|PRIMARY/);
    expect(() => db.prepare("INSERT INTO estimatorCodes (photoId, estimator, version, code, camAligned, createdAt) VALUES (1, 'fit', 'v', ?, '[]', 't')").run(Buffer.alloc(10))).toThrow(/CHECK/);
    db.prepare('DELETE FROM photos').run();
    expect(db.prepare('SELECT COUNT(*) AS n FROM estimatorCodes').get()).toEqual({ n: 0 });
  });
});
