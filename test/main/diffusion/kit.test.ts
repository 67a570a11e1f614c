import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate } from '../../../src/main/db/database';
import { kitModel, ModelKit, modelImageSize } from '../../../src/main/diffusion/kit';
import { defaultConfig } from '../../../src/main/models/config';
import { ModelRegistry, type ModelRecord } from '../../../src/main/models/registry';
import { OnnxBackend } from '../../../src/main/nn/backend';
import { tinyConfig, writeTinyCheckpoint } from '../../helpers/editFixture';

describe('the DiffusionRig kit loads registered models', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rig-edit-model-'));
  const db = new BetterSqlite3(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db);
  const registry = new ModelRegistry(db);
  const ids = [1, 2, 3].map((seed) => {
    const path = writeTinyCheckpoint(dir, seed);
    return registry.add({
      name: `tiny-${seed}`, kind: 'base', sourcePath: path, filePath: path, format: 'safetensors',
      sha256: createHash('sha256').update(readFileSync(path)).digest('hex'), sizeBytes: statSync(path).size,
      config: tinyConfig, parameterCount: 0, baseModelId: null, lineage: null,
    }).model.id;
  });
  const kit = new ModelKit(new OnnxBackend({ providers: ['cpu'] }), 2);
  const model = (id: number) => kitModel(registry.get(id));
  afterAll(async () => {
    await kit.releaseIdle();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps a model in use loaded while others come and go, and evicts the least recently used idle one', async () => {
    const a = await kit.acquire(model(ids[0]));
    const b = await kit.acquire(model(ids[1]));
    b.release();
    const c = await kit.acquire(model(ids[2]));
    c.release();
    // three models, room for two: b (idle, least recent) went; a (in use) stayed
    expect((await kit.acquire(model(ids[0]))).runner).toBe(a.runner);
    const b2 = await kit.acquire(model(ids[1]));
    expect(b2.runner).not.toBe(b.runner);
    expect(b2.runner.weights.config).toEqual(tinyConfig);
    // a damaged or missing checkpoint is named, and not kept (a later acquire tries again)
    const missing = { ...model(ids[0]), sha256: 'f'.repeat(64), filePath: join(dir, 'missing.safetensors') };
    await expect(kit.acquire(missing)).rejects.toThrow(/missing\.safetensors/);
    expect(kit.size).toBeLessThanOrEqual(3);
  }, 60_000);

  it('runs a model at the precision stored with it: a changed choice gets its own runner and session keys', async () => {
    expect(model(ids[2]).precision).toBe('auto');
    registry.setPrecision(ids[2], 'float32');
    const chosen = model(ids[2]);
    expect(chosen.precision).toBe('float32');
    const held = await kit.acquire(chosen);
    try {
      expect(held.runner.options.precision).toBe('float32');
      expect(held.runner.sessionKey('unet', 16)).toMatch(/:float32$/);
      const auto = await kit.acquire({ ...chosen, precision: 'auto' });
      expect(auto.runner).not.toBe(held.runner);
      expect(auto.runner.sessionKey('unet', 16)).not.toMatch(/float/);
      auto.release();
    } finally {
      held.release();
    }
    expect(() => registry.setPrecision(ids[2], 'bfloat16' as 'float16')).toThrow(/CHECK/);
  }, 60_000);

  it('tells the image size from the lineage, an override, or upstream channel multipliers', () => {
    const record = (config = tinyConfig, lineage: Record<string, unknown> | null = null) => ({ config, lineage }) as ModelRecord;
    expect(modelImageSize(record(defaultConfig(256)))).toBe(256);
    expect(modelImageSize(record(defaultConfig(64)))).toBe(64);
    expect(modelImageSize(record(tinyConfig))).toBeNull();
    expect(modelImageSize(record(tinyConfig, { imageSize: 32 }))).toBe(32);
    expect(modelImageSize(record(defaultConfig(256)), 128)).toBe(128);
  });
});
