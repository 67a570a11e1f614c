import { describe, expect, it } from 'vitest';
import { migrate } from '../../../../src/main/db/database';
import { migrations } from '../../../../src/main/db/migrations';
import { databaseAt, hashA } from './helpers';

describe('migration 0009 (a model keeps the compute precision chosen for it)', () => {
  it("adds precision, 'auto' for existing rows, and refuses anything but auto, float32 and float16", () => {
    const db = databaseAt(8);
    db.prepare(`INSERT INTO models (name, kind, sourcePath, filePath, format, sha256, sizeBytes, config, parameterCount, createdAt)
      VALUES ('m', 'base', '/m.pt', '/m.pt', 'torch-zip', ?, 1, '{}', 1, 't')`).run(hashA);
    migrate(db, migrations.slice(0, 9));
    expect(db.pragma('user_version', { simple: true })).toBe(9);
    expect(db.prepare('SELECT name, precision FROM models').all()).toEqual([{ name: 'm', precision: 'auto' }]);
    db.prepare("UPDATE models SET precision = 'float32'").run();
    expect(db.prepare('SELECT precision FROM models').get()).toEqual({ precision: 'float32' });
    expect(() => db.prepare("UPDATE models SET precision = 'bfloat16'").run()).toThrow(/CHECK/);
    expect(() => db.prepare('UPDATE models SET precision = NULL').run()).toThrow(/NOT NULL/);
    expect(db.pragma('foreign_key_check')).toEqual([]);
  });
});
