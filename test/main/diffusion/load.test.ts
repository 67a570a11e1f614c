import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCheckpoint } from '../../../src/main/checkpoint';
import { migrate } from '../../../src/main/db/database';
import { DiffusionRigRunner } from '../../../src/main/diffusion/runner';
import { ModelLoader } from '../../../src/main/diffusion/kit';
import { ThreadPool } from '../../../src/main/jobs/pool';
import { loadDiffusionRig } from '../../../src/main/models/diffusionrig';
import { ModelRegistry } from '../../../src/main/models/registry';
import { OnnxBackend } from '../../../src/main/nn/backend';
import { sharedPath } from '../../helpers/shared';
import { builtWorker, ensureBuilt } from '../cli/built';

// Loading a model for editing: checkpoint read, graph build and ONNX serialisation happen in a
// worker thread (fixture config, 64 px). How long the event loop is blocked meanwhile is
// measured by bench/edit/load.bench.ts: timings on a shared 2-core CI machine are too noisy
// to gate on.
const checkpointPath = sharedPath('fixtures', 'diffusionrig-a', 'model000000.pt');
const size = 64;

describe('edit model loading off the event loop', () => {
  const db = new BetterSqlite3(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db);
  const config = loadDiffusionRig(readCheckpoint(checkpointPath).stateDict, checkpointPath).config;
  const modelId = new ModelRegistry(db).add({
    name: 'fixture', kind: 'base', sourcePath: checkpointPath, filePath: checkpointPath, format: 'torch-zip',
    sha256: createHash('sha256').update(readFileSync(checkpointPath)).digest('hex'), sizeBytes: statSync(checkpointPath).size,
    config, parameterCount: 0, baseModelId: null, lineage: { imageSize: size },
  }).model.id;
  let pool: ThreadPool;
  beforeAll(() => {
    ensureBuilt();
    pool = new ThreadPool(builtWorker, 1);
  });
  afterAll(async () => {
    await pool.close();
    db.close();
  });

  const conditioning = () => {
    const physical = new Float32Array(9 * size * size).map((_, i) => Math.sin(i * 0.01));
    return { batch: 1, imageSize: size, physical, latent: new Float32Array(config.unet.latentDim).fill(0.1) };
  };
  const x = () => new Float32Array(3 * size * size).map((_, i) => Math.cos(i * 0.003));

  it('the worker-built sessions compute what a runner built in process computes; unprepared use and temp files', async () => {
    const backend = new OnnxBackend({ providers: ['cpu'] });
    const loader = new ModelLoader(backend);
    try {
      const { loaded, release } = await loader.acquire(db, modelId);
      await expect(loaded.runner.predictNoise(x(), Float32Array.of(500), conditioning())).rejects.toThrow(/built in a worker; prepare its sessions/);
      await loader.prepare(loaded, pool, 1, size);
      const ours = await loaded.runner.predictNoise(x(), Float32Array.of(500), conditioning());
      const reference = new DiffusionRigRunner(loadDiffusionRig(readCheckpoint(checkpointPath).stateDict, checkpointPath, {}, config), backend, 'reference');
      const theirs = await reference.predictNoise(x(), Float32Array.of(500), conditioning());
      expect(Array.from(ours)).toEqual(Array.from(theirs));
      expect(readdirSync(tmpdir()).filter((f) => f.startsWith(`rig-studio-${process.pid}-`))).toEqual([]);
      await reference.dispose();
      release();
    } finally {
      await loader.dispose();
    }
  }, 120_000);
});
