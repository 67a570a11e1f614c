import { describe, expect, it } from 'vitest';
import { migrate } from '../../../../src/main/db/database';
import { migrations } from '../../../../src/main/db/migrations';
import { databaseAt, hashA, hashB } from './helpers';

describe('migration 0010 (photoEstimates becomes photoCodes)', () => {
  it('keeps every row, the STRICT columns, the key and the cascade from photos under the new name', () => {
    const db = databaseAt(9);
    db.prepare("INSERT INTO albums (id, name, createdAt) VALUES (1, 'a', 't')").run();
    for (const [id, hash] of [[1, hashA], [2, hashB]] as const) {
      db.prepare("INSERT INTO blobs (hash, bytes, format, width, height, createdAt) VALUES (?, 1, 'jpeg', 10, 10, 't')").run(hash);
      db.prepare("INSERT INTO photos (id, albumId, hash, fileName, sourcePath, importedAt) VALUES (?, 1, ?, 'p.jpg', '/p.jpg', 't')").run(id, hash);
    }
    db.prepare("INSERT INTO photoEstimates (photoId, estimator, version, codes, createdAt) VALUES (1, 'deca', 'v1', '{\"shape\":[1]}', 't1')").run();
    db.prepare("INSERT INTO photoEstimates (photoId, estimator, version, codes, createdAt) VALUES (2, 'fit', 'v2 (edited)', '{}', 't2')").run();
    const before = db.prepare('SELECT * FROM photoEstimates ORDER BY photoId').all();

    migrate(db, migrations.slice(0, 10));
    expect(db.pragma('user_version', { simple: true })).toBe(10);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'photoEstimates'").get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT * FROM photoCodes ORDER BY photoId').all()).toEqual(before);
    expect((db.prepare("SELECT sql FROM sqlite_master WHERE name = 'photoCodes'").get() as { sql: string }).sql).toMatch(/STRICT/);
    expect(db.pragma('foreign_key_check')).toEqual([]);

    const insert = db.prepare("INSERT INTO photoCodes (photoId, estimator, version, codes, createdAt) VALUES (@photoId, 'deca', '1', '{}', 't')");
    expect(() => insert.run({ photoId: 1 })).toThrow(/UNIQUE|PRIMARY KEY/);
    expect(() => insert.run({ photoId: 9 })).toThrow(/FOREIGN KEY/);
    expect(() => db.prepare("UPDATE photoCodes SET createdAt = x'00' WHERE photoId = 1").run()).toThrow(/datatype|STRICT|cannot store/i);
    db.prepare('DELETE FROM photos WHERE id = 1').run();
    expect(db.prepare('SELECT photoId FROM photoCodes').all()).toEqual([{ photoId: 2 }]);
  });
});
