import type { Migration } from './types';

/**
 * Each estimator's codes of a photo, side by side (`estimatorCodes`): running EMOCA on a photo
 * no longer discards its DECA or fitted codes, so an edit can take the source's codes from one
 * estimator and the target's from another. One row per (photo, estimator): the packed 236-value
 * code (with the albedo code) and the camera in the aligned frame, as `estimates` stores them.
 * `estimates` keeps the last run's full record and `photoCodes` the codes the photo uses.
 * Filled from the existing estimates.
 */
export const migration0012: Migration = {
  version: 12,
  name: 'estimator-codes',
  up(db) {
    db.exec(`
      CREATE TABLE estimatorCodes (
        photoId INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
        estimator TEXT NOT NULL,
        version TEXT NOT NULL,
        code BLOB NOT NULL CHECK (length(code) = 944),
        camAligned TEXT NOT NULL,
        createdAt TEXT NOT NULL,
        PRIMARY KEY (photoId, estimator)
      ) STRICT;
      INSERT INTO estimatorCodes (photoId, estimator, version, code, camAligned, createdAt)
        SELECT photoId, estimator, estimatorVersion, code, camAligned, createdAt FROM estimates;
    `);
  },
};
