import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFlameModel } from '../../../src/main/flame/loadModel';
import { FlameRenderService, renderFlameTask } from '../../../src/main/flame/renderTask';
import type { WorkerTasks } from '../../../src/main/app/workerTasks';
import { ThreadPool } from '../../../src/main/jobs/pool';
import { builtWorker, ensureBuilt } from '../cli/built';

// DECA buffers rendered in a real worker thread of the built bundle, as the app does it.
let pool: ThreadPool<WorkerTasks>;
beforeAll(() => {
  ensureBuilt();
  pool = new ThreadPool(builtWorker, 1);
});
afterAll(() => pool.close());

describe('render worker', () => {
  it('renders the same buffers off the main thread as in process', async () => {
    const model = await loadFlameModel(resolve(__dirname, '..', '..', '..', 'resources', 'demo-head', 'demo_head.npz'));
    const codes = { pose: [0, 0.2, 0, 0.1, 0, 0], expression: [0, 1], camera: [7, 0, 0] };
    const threaded = await new FlameRenderService(pool).render('worker-test', model, codes, { size: 64 });
    const local = await renderFlameTask({ modelKey: 'worker-test-local', model, codes, size: 64 });
    if (local.needModel) throw new Error('the in-process task did not take the model');
    expect(Array.from(threaded.buffers.mask)).toEqual(Array.from(local.buffers.mask));
    expect(Array.from(threaded.buffers.rendered)).toEqual(Array.from(local.buffers.rendered));
    expect(threaded.buffers.mask.reduce((a, b) => a + b, 0)).toBeGreaterThan(500);
  });
});
