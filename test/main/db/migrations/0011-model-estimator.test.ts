import { describe, expect, it } from 'vitest';
import { migrate } from '../../../../src/main/db/database';
import { migrations } from '../../../../src/main/db/migrations';
import { databaseAt, hashA } from './helpers';

describe('migration 0011 (a model keeps the estimator of its buffers and the albedo basis)', () => {
  it('adds estimator and albedoBasis, unknown for existing rows; the basis only with EMOCA', () => {
    const db = databaseAt(10);
    db.prepare(`INSERT INTO models (name, kind, sourcePath, filePath, format, sha256, sizeBytes, config, parameterCount, createdAt)
      VALUES ('m', 'base', '/m.pt', '/m.pt', 'torch-zip', ?, 1, '{}', 1, 't')`).run(hashA);
    migrate(db, migrations.slice(0, 11));
    expect(db.pragma('user_version', { simple: true })).toBe(11);
    expect(db.prepare('SELECT estimator, albedoBasis FROM models').get()).toEqual({ estimator: null, albedoBasis: null });
    db.prepare("UPDATE models SET estimator = 'emoca', albedoBasis = 'flame-texture'").run();
    expect(db.prepare('SELECT estimator, albedoBasis FROM models').get()).toEqual({ estimator: 'emoca', albedoBasis: 'flame-texture' });
    expect(() => db.prepare("UPDATE models SET estimator = 'deca'").run()).toThrow(/CHECK/);
    expect(() => db.prepare("UPDATE models SET estimator = 'mica', albedoBasis = NULL").run()).toThrow(/CHECK/);
    expect(() => db.prepare("UPDATE models SET albedoBasis = 'pca'").run()).toThrow(/CHECK/);
  });
});
