import type { Migration } from './types';

/**
 * Albums, photos and the content-addressed blobs they point at. A blob row is inserted only
 * after its file is safely renamed into blobs/ (see library/blobs.ts), so a row never points
 * at a missing file. Column names are camelCase like the TypeScript that reads them.
 */
export const migration0001: Migration = {
  version: 1,
  name: 'library',
  up(db) {
    db.exec(`
      CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;

      CREATE TABLE blobs (
        hash TEXT PRIMARY KEY CHECK (length(hash) = 64),
        bytes INTEGER NOT NULL,
        format TEXT NOT NULL,
        width INTEGER NOT NULL,
        height INTEGER NOT NULL,
        orientation INTEGER NOT NULL DEFAULT 1,
        metadata TEXT NOT NULL DEFAULT '{}',
        createdAt TEXT NOT NULL
      ) STRICT;

      CREATE TABLE albums (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        createdAt TEXT NOT NULL
      ) STRICT;
      CREATE UNIQUE INDEX albums_byName ON albums(name);

      CREATE TABLE photos (
        id INTEGER PRIMARY KEY,
        albumId INTEGER NOT NULL REFERENCES albums(id) ON DELETE CASCADE,
        hash TEXT NOT NULL REFERENCES blobs(hash),
        fileName TEXT NOT NULL,
        sourcePath TEXT NOT NULL,
        importedAt TEXT NOT NULL
      ) STRICT;
      -- One copy of given bytes per album: re-importing them is reported as a duplicate.
      CREATE UNIQUE INDEX photos_byAlbumIdHash ON photos(albumId, hash);
      -- The grid pages through an album in id order.
      CREATE INDEX photos_byAlbumIdId ON photos(albumId, id);
      -- Garbage collection asks whether any photo still uses a blob.
      CREATE INDEX photos_byHash ON photos(hash);
    `);
  },
};
