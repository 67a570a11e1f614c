import { createHash } from 'node:crypto';
import { readFileSync, rmSync, statSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { readCheckpoint } from '../../src/main/checkpoint';
import { migrate } from '../../src/main/db/database';
import { ModelLoader } from '../../src/main/diffusion/kit';
import { InlinePool, ThreadPool } from '../../src/main/jobs/pool';
import { loadDiffusionRig } from '../../src/main/models/diffusionrig';
import { ModelRegistry } from '../../src/main/models/registry';
import { OnnxBackend } from '../../src/main/nn/backend';
import { sharedPath } from '../../test/helpers/shared';
import { builtWorker, ensureBuilt } from '../../test/main/cli/built';

// Event-loop blocks while the Edit studio loads a model (fixture config, 64 px): checkpoint read,
// graph build and ONNX serialisation run in a worker thread, so what remains on the loop should
// be onnxruntime-node's synchronous session creation. Prints ratios against session creation
// alone and against building in process, measured in the same run; asserts nothing.
//   npx vitest run --config bench/edit/vitest.config.ts
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
      // what stays on the loop is onnxruntime-node's session creation (synchronous native code,
      // one session at a time); reading, checking, building and serialising should not add to it
      console.log(
        `longest block, worker build / session creation alone: ${(inWorker.max / sessionOnly).toFixed(2)}×; ` +
          `total blocked, worker build / in-process build: ${(inWorker.total / inProcess.total).toFixed(2)}×`,
      );
    } finally {
      await threaded.dispose();
      await inline.dispose();
    }
  }, 120_000);

});
