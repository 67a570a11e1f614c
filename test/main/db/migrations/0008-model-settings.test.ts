import { describe, expect, it } from 'vitest';
import { migrate } from '../../../../src/main/db/database';
import { migrations } from '../../../../src/main/db/migrations';
import { databaseAt, hashA } from './helpers';

describe('migration 0008 (a model keeps the image size chosen for it)', () => {
  const insert = (db: ReturnType<typeof databaseAt>, sha = hashA) =>
    db.prepare(`INSERT INTO models (name, kind, sourcePath, filePath, format, sha256, sizeBytes, config, parameterCount, createdAt)
      VALUES ('m', 'base', '/m.pt', '/m.pt', 'torch-zip', ?, 1, '{}', 1, 't')`).run(sha);

  it('adds a nullable imageSize, keeps existing rows (NULL: not chosen) and refuses sizes out of range', () => {
    const db = databaseAt(7);
    insert(db);
    migrate(db, migrations.slice(0, 8));
    expect(db.pragma('user_version', { simple: true })).toBe(8);
    expect(db.prepare('SELECT name, imageSize FROM models').all()).toEqual([{ name: 'm', imageSize: null }]);
    db.prepare('UPDATE models SET imageSize = 64').run();
    expect(db.prepare('SELECT imageSize FROM models').get()).toEqual({ imageSize: 64 });
    expect(() => db.prepare('UPDATE models SET imageSize = 8').run()).toThrow(/CHECK/);
    expect(() => db.prepare("UPDATE models SET imageSize = 'big'").run()).toThrow();
    expect(db.pragma('foreign_key_check')).toEqual([]);
  });
});
