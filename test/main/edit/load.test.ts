import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCheckpoint } from '../../../src/main/checkpoint';
import { migrate } from '../../../src/main/db/database';
import { DiffusionRigRunner } from '../../../src/main/diffusion/runner';
import { ModelLoader } from '../../../src/main/edit/model';
import { InlinePool, ThreadPool } from '../../../src/main/jobs/pool';
import { loadDiffusionRig } from '../../../src/main/models/diffusionrig';
import { ModelRegistry } from '../../../src/main/models/registry';
import { OnnxBackend } from '../../../src/main/nn/backend';
import { sharedPath } from '../../helpers/shared';
import { builtWorker, ensureBuilt } from '../cli/built';

// Loading a model for editing: checkpoint read, graph build and ONNX serialisation happen in a
// worker thread; the event loop must stay responsive meanwhile (fixture config, 64 px).
const checkpointPath = sharedPath('fixtures', 'diffusionrig-a', 'model000000.pt');
const size = 64;

/**
 * How long the event loop was blocked while `work` ran, from the gaps between 1 ms timer ticks:
 * the largest block and the sum of blocks over 10 ms (the tail after the last tick counts too,
 * since a promise settled right after a block resolves before the next timer).
 */
async function loopBlocks(work: () => Promise<unknown>): Promise<{ max: number; total: number }> {
  let last = performance.now();
  let max = 0;
  let total = 0;
  const gap = (now: number) => {
    const d = now - last;
    max = Math.max(max, d);
    if (d > 10) total += d;
    last = now;
  };
  const ticker = setInterval(() => gap(performance.now()), 1);
  await new Promise((resolve) => setTimeout(resolve, 20));
  last = performance.now();
  max = 0;
  total = 0;
  try {
    await work();
  } finally {
    clearInterval(ticker);
  }
  gap(performance.now());
  return { max, total };
}

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

  it('keeps the event loop responsive while a model loads (worker) where building in-process blocks it', async () => {
    const threaded = new ModelLoader(new OnnxBackend({ providers: ['cpu'] }));
    const inline = new ModelLoader(new OnnxBackend({ providers: ['cpu'] }));
    try {
      // warm the worker thread (its module load is not part of a model load)
      await pool.run('inspectCheckpoint', { path: checkpointPath }).catch(() => null);
      const load = (loader: ModelLoader, p: Pick<ThreadPool, 'run'>) => async () => {
        const { loaded, release } = await loader.acquire(db, modelId);
        await loader.prepare(loaded, p, 1, size);
        release();
      };
      const inWorker = await loopBlocks(load(threaded, pool));
      const inProcess = await loopBlocks(load(inline, new InlinePool()));
      // reference measured in the same run: creating the same two sessions from ready ONNX bytes
      const built = await pool.run('buildDiffusionRigOnnx', { checkpointPath, config, batch: 1, imageSize: size });
      const reference = new OnnxBackend({ providers: ['cpu'] });
      let sessionOnly = 0;
      for (const [key, path] of [['unet', built.unetPath], ['encoder', built.encoderPath]]) {
        const bytes = new Uint8Array(readFileSync(path));
        rmSync(path);
        sessionOnly = Math.max(sessionOnly, (await loopBlocks(() => reference.load(key, () => bytes))).max);
      }
      await reference.disposeAll();
      console.log(
        `event-loop blocks during a model load (fixture, 64 px, UNet + encoder at batch 1): worker build: max ${inWorker.max.toFixed(0)} ms, total ${inWorker.total.toFixed(0)} ms; ` +
          `in-process build: max ${inProcess.max.toFixed(0)} ms, total ${inProcess.total.toFixed(0)} ms; ORT session creation alone: max ${sessionOnly.toFixed(0)} ms ` +
          `(worker timing: read ${built.timing.readMs.toFixed(0)}, check ${built.timing.checkMs.toFixed(0)}, build ${built.timing.buildMs.toFixed(0)}, serialise ${built.timing.serialiseMs.toFixed(0)} ms)`,
      );
      // what stays on the loop is onnxruntime-node's session creation (synchronous native code)
      // (one session at a time); reading, checking, building and serialising must not add to it
      expect(inWorker.max).toBeLessThan(1.5 * sessionOnly + 50);
      expect(inWorker.total).toBeLessThan(inProcess.total);
    } finally {
      await threaded.dispose();
      await inline.dispose();
    }
  }, 120_000);

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
