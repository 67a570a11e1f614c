import type { Migration } from './types';

/**
 * The Edit studio's tables.
 * - `photoEstimates`: one FLAME code set per photo (DECA layout, in the photo's own image frame:
 *   the camera maps the head onto the photo as it is stored), with the estimator that made it.
 *   The estimation job writes it; editing and the album mean shape read it.
 * - `editResults`: every generated image with its full provenance (model, photos, modes, exact
 *   codes, buffers' hash, sampler settings, seed, provider, timing) and scores. Images live as
 *   content-addressed PNGs under derived/edits/.
 * - `editCells`: the sources × targets × modes cells of an 'edit' job, listed when the job
 *   starts; each finished cell is written with its result in one transaction, so a cancelled or
 *   interrupted job keeps what it finished and resumes with the rest.
 */
export const migration0005: Migration = {
  version: 5,
  name: 'edits',
  up(db) {
    db.exec(`
      CREATE TABLE photoEstimates (
        photoId INTEGER PRIMARY KEY REFERENCES photos(id) ON DELETE CASCADE,
        estimator TEXT NOT NULL,
        version TEXT NOT NULL,
        codes TEXT NOT NULL,
        createdAt TEXT NOT NULL
      ) STRICT;

      CREATE TABLE editResults (
        id INTEGER PRIMARY KEY,
        jobId INTEGER REFERENCES jobs(id) ON DELETE SET NULL,
        albumId INTEGER NOT NULL REFERENCES albums(id) ON DELETE CASCADE,
        modelId INTEGER REFERENCES models(id) ON DELETE SET NULL,
        sourcePhotoId INTEGER REFERENCES photos(id) ON DELETE SET NULL,
        targetPhotoId INTEGER REFERENCES photos(id) ON DELETE SET NULL,
        modes TEXT NOT NULL,
        imageHash TEXT NOT NULL CHECK (length(imageHash) = 64),
        sampleHash TEXT NOT NULL CHECK (length(sampleHash) = 64),
        buffersHash TEXT NOT NULL CHECK (length(buffersHash) = 64),
        provenance TEXT NOT NULL,
        scores TEXT,
        createdAt TEXT NOT NULL
      ) STRICT;
      CREATE INDEX editResults_byAlbumId ON editResults(albumId, id);
      CREATE INDEX editResults_byJobId ON editResults(jobId);

      CREATE TABLE editCells (
        jobId INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        sourcePhotoId INTEGER NOT NULL,
        targetPhotoId INTEGER,
        modes TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('pending', 'done', 'failed', 'cancelled')),
        resultId INTEGER REFERENCES editResults(id) ON DELETE SET NULL,
        error TEXT,
        PRIMARY KEY (jobId, idx)
      ) STRICT;
      CREATE INDEX editCells_byJobIdState ON editCells(jobId, state);
    `);
  },
};
