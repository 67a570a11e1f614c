import { describe, expect, it } from 'vitest';
import { databaseAt } from './helpers';

const sha = (c: string) => c.repeat(64);

describe('migration 0004 (models)', () => {
  it('registers each checkpoint once by content hash, with checked kind and format', () => {
    const db = databaseAt(4);
    const add = db.prepare(`INSERT INTO models (name, kind, sourcePath, filePath, format, sha256, sizeBytes, config, parameterCount, baseModelId, createdAt)
      VALUES (@name, @kind, '/m.pt', '/m.pt', @format, @sha, 10, '{}', 5, @base, 't')`);
    const base = add.run({ name: 'base', kind: 'base', format: 'torch-zip', sha: sha('a'), base: null }).lastInsertRowid;
    expect(() => add.run({ name: 'again', kind: 'base', format: 'torch-zip', sha: sha('a'), base: null })).toThrow(/UNIQUE/);
    expect(() => add.run({ name: 'x', kind: 'ema', format: 'torch-zip', sha: sha('b'), base: null })).toThrow(/CHECK/);
    expect(() => add.run({ name: 'x', kind: 'base', format: 'onnx', sha: sha('b'), base: null })).toThrow(/CHECK/);
    expect(() => add.run({ name: 'x', kind: 'base', format: 'npz', sha: 'short', base: null })).toThrow(/CHECK/);
    add.run({ name: 'personal', kind: 'personalized', format: 'safetensors', sha: sha('c'), base });
    expect(() => add.run({ name: 'orphan', kind: 'personalized', format: 'safetensors', sha: sha('d'), base: 999 })).toThrow(/FOREIGN KEY/);
    db.prepare('DELETE FROM models WHERE id = ?').run(base);
    expect(db.prepare("SELECT baseModelId FROM models WHERE name = 'personal'").get()).toEqual({ baseModelId: null });
  });

  it('does not exist before version 4', () => {
    const db = databaseAt(3);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'models'").get()).toEqual({ n: 0 });
  });
});
