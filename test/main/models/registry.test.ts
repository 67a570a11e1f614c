import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../../src/main/db/database';
import { ModelRegistry } from '../../../src/main/models/registry';
import { tinyConfig } from '../../helpers/editFixture';

describe('ModelRegistry.uniqueName', () => {
  it('numbers a name another model already has, so two fine-tunes never share one', () => {
    const db = new BetterSqlite3(':memory:');
    migrate(db);
    const registry = new ModelRegistry(db);
    const add = (name: string, sha256: string) =>
      registry.add({ name, kind: 'personalized', sourcePath: `/m/${sha256}`, filePath: `/m/${sha256}`, format: 'safetensors', sha256: sha256.repeat(64), sizeBytes: 1, config: tinyConfig, parameterCount: 0, baseModelId: null, lineage: null }).model.name;
    expect(registry.uniqueName('Base · Person')).toBe('Base · Person');
    expect(add(registry.uniqueName('Base · Person'), 'a')).toBe('Base · Person');
    expect(add(registry.uniqueName('Base · Person'), 'b')).toBe('Base · Person (2)');
    expect(add(registry.uniqueName('Base · Person'), 'c')).toBe('Base · Person (3)');
    expect(registry.uniqueName('Other')).toBe('Other');
    db.close();
  });
});
