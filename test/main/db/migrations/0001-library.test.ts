import { describe, expect, it } from 'vitest';
import { databaseAt, hashA } from './helpers';

function seed(db: ReturnType<typeof databaseAt>) {
  db.prepare("INSERT INTO albums (id, name, createdAt) VALUES (1, 'Alice', 't')").run();
  db.prepare("INSERT INTO blobs (hash, bytes, format, width, height, createdAt) VALUES (@h, 10, 'jpeg', 4, 3, 't')").run({ h: hashA });
  db.prepare("INSERT INTO photos (albumId, hash, fileName, sourcePath, importedAt) VALUES (1, @h, 'a.jpg', '/x/a.jpg', 't')").run({ h: hashA });
}

describe('migration 0001 (library)', () => {
  it('creates albums, blobs and photos with enforced relations', () => {
    const db = databaseAt(1);
    seed(db);
    // A photo must point at an existing album and blob.
    expect(() => db.prepare("INSERT INTO photos (albumId, hash, fileName, sourcePath, importedAt) VALUES (99, @h, 'b', 'b', 't')").run({ h: hashA })).toThrow(/FOREIGN KEY/);
    expect(() => db.prepare("INSERT INTO photos (albumId, hash, fileName, sourcePath, importedAt) VALUES (1, @h, 'b', 'b', 't')").run({ h: 'c'.repeat(64) })).toThrow(/FOREIGN KEY/);
    // The same bytes only once per album.
    expect(() => db.prepare("INSERT INTO photos (albumId, hash, fileName, sourcePath, importedAt) VALUES (1, @h, 'again', 'x', 't')").run({ h: hashA })).toThrow(/UNIQUE/);
    // Deleting an album deletes its photos.
    db.prepare('DELETE FROM albums WHERE id = 1').run();
    expect(db.prepare('SELECT count(*) AS n FROM photos').get()).toEqual({ n: 0 });
  });

  it('is STRICT: wrong types and malformed hashes are refused', () => {
    const db = databaseAt(1);
    expect(() => db.prepare("INSERT INTO blobs (hash, bytes, format, width, height, createdAt) VALUES (@h, 'many', 'jpeg', 1, 1, 't')").run({ h: hashA })).toThrow(/cannot store TEXT value in INTEGER/);
    expect(() => db.prepare("INSERT INTO blobs (hash, bytes, format, width, height, createdAt) VALUES ('short', 1, 'jpeg', 1, 1, 't')").run()).toThrow(/CHECK/);
  });

  it('keeps album names unique', () => {
    const db = databaseAt(1);
    db.prepare("INSERT INTO albums (name, createdAt) VALUES ('Bob', 't')").run();
    expect(() => db.prepare("INSERT INTO albums (name, createdAt) VALUES ('Bob', 't')").run()).toThrow(/UNIQUE/);
  });

  it('pages an album through its index, not a table scan', () => {
    const db = databaseAt(1);
    const plan = db.prepare('EXPLAIN QUERY PLAN SELECT id FROM photos WHERE albumId = 1 ORDER BY id LIMIT 100 OFFSET 0').all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/USING (COVERING )?INDEX photos_byAlbumId/);
  });
});
