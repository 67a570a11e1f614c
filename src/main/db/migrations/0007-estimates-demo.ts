import type { Migration } from './types';

/**
 * Lets `estimates` hold the demo's known codes: the estimator may also be 'demo-ground-truth'
 * (the exact render inputs of the demo photos), so the viewport over a photo and photo detail
 * read them like any estimate.
 *
 * SQLite cannot change a CHECK constraint in place, so the table is rebuilt: a new table with the
 * wider CHECK, the rows copied, the old table dropped, the new one renamed and its index made
 * again. No table references `estimates`, and its own references (photos, jobs) are copied
 * unchanged, so foreign keys stay valid with enforcement on (the migration's transaction).
 */
export const migration0007: Migration = {
  version: 7,
  name: 'estimates-demo',
  up(db) {
    db.exec(`
      CREATE TABLE estimatesNew (
        photoId INTEGER PRIMARY KEY REFERENCES photos(id) ON DELETE CASCADE,
        jobId INTEGER REFERENCES jobs(id) ON DELETE SET NULL,
        estimator TEXT NOT NULL CHECK (estimator IN ('deca', 'emoca', 'fit', 'demo-ground-truth')),
        estimatorVersion TEXT NOT NULL,
        faceIndex INTEGER NOT NULL CHECK (faceIndex >= 0),
        faceBoxes TEXT NOT NULL,
        score REAL NOT NULL,
        landmarks TEXT NOT NULL,
        alignedLandmarks TEXT NOT NULL,
        alignTransform TEXT NOT NULL,
        decaTransform TEXT NOT NULL,
        code BLOB NOT NULL CHECK (length(code) = 944),
        camAligned TEXT NOT NULL,
        emotion TEXT NOT NULL,
        alignedPath TEXT NOT NULL,
        details TEXT NOT NULL DEFAULT '{}',
        createdAt TEXT NOT NULL
      ) STRICT;
      INSERT INTO estimatesNew (photoId, jobId, estimator, estimatorVersion, faceIndex, faceBoxes, score, landmarks, alignedLandmarks,
        alignTransform, decaTransform, code, camAligned, emotion, alignedPath, details, createdAt)
      SELECT photoId, jobId, estimator, estimatorVersion, faceIndex, faceBoxes, score, landmarks, alignedLandmarks,
        alignTransform, decaTransform, code, camAligned, emotion, alignedPath, details, createdAt
      FROM estimates;
      DROP TABLE estimates;
      ALTER TABLE estimatesNew RENAME TO estimates;
      CREATE INDEX estimates_byJobId ON estimates(jobId);
    `);
  },
};
