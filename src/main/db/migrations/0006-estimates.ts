import type { Migration } from './types';

/**
 * FLAME estimates per photo and the estimation jobs' per-photo bookkeeping.
 *
 * `estimates` holds the current estimate of a photo (re-running replaces it): which face was
 * used, its 68 landmarks in the photo and in the FFHQ-aligned 256 image, the transforms, the
 * 236-value DECA-layout code (float32 little-endian), the camera in the aligned frame, the
 * emotion probabilities, and the estimator's name and version. The aligned crop itself is a
 * derived file (derived/aligned/<photoId>.png). `estimateItems` lists the photos of each job
 * with their outcome, so a job resumes where it stopped and reports per-photo problems
 * (no face, several faces with their boxes, face too small, failed).
 */
export const migration0006: Migration = {
  version: 6,
  name: 'estimates',
  up(db) {
    db.exec(`
      CREATE TABLE estimates (
        photoId INTEGER PRIMARY KEY REFERENCES photos(id) ON DELETE CASCADE,
        jobId INTEGER REFERENCES jobs(id) ON DELETE SET NULL,
        estimator TEXT NOT NULL CHECK (estimator IN ('deca', 'emoca', 'fit')),
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
      CREATE INDEX estimates_byJobId ON estimates(jobId);

      CREATE TABLE estimateItems (
        jobId INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        photoId INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('pending', 'done', 'no-face', 'several-faces', 'face-too-small', 'failed')),
        reason TEXT,
        faceBoxes TEXT,
        PRIMARY KEY (jobId, photoId)
      ) STRICT;
      CREATE INDEX estimateItems_byJobIdIdx ON estimateItems(jobId, idx);
      CREATE INDEX estimateItems_byPhotoId ON estimateItems(photoId);
    `);
  },
};
