import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { migrate } from '../../../src/main/db/database';
import type { HostTasks } from '../../../src/main/app/hostTasks';
import { WorkerEngine } from '../../../src/main/engine/client';
import { JobRunner } from '../../../src/main/jobs/runner';
import { defineJobKind } from '../../../src/main/jobs/types';
import { builtEngine, ensureBuilt } from '../cli/built';
import { sampleInput, tinyModel } from './workload';

// The compute host dies in the middle of a job's sampling request (process.exit in the host
// thread): the job fails with a message that says the engine stopped, the runner and this
// process carry on, and the next job's request starts a fresh host.
const dir = mkdtempSync(join(tmpdir(), 'rig-engine-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a compute host crash during a job', () => {
  it('fails the job clearly; the next job runs on a new host', async () => {
    ensureBuilt();
    const engine = new WorkerEngine<HostTasks>(builtEngine, { backend: { providers: ['cpu'] } });
    const model = tinyModel(dir);
    const db = new BetterSqlite3(':memory:');
    migrate(db);
    const runner = new JobRunner(db, () => undefined, { progressIntervalMs: 0 });
    runner.register(
      defineJobKind({
        kind: 'sample',
        params: z.object({ steps: z.number().int() }),
        title: (p) => `DDIM-${p.steps}`,
        async run(ctx) {
          const out = await engine.request('sample', sampleInput(model, 16, ctx.params.steps), {
            signal: ctx.signal,
            onEvent: (e) => ctx.progress(e.step / e.total, `step ${e.step}/${e.total}`),
          });
          return { samples: out.samples.length };
        },
      }),
    );
    try {
      const doomed = runner.start('sample', { steps: 500 });
      for (let i = 0; i < 600 && !(runner.get(doomed.id).progress ?? 0); i++) await new Promise((r) => setTimeout(r, 20));
      expect(runner.get(doomed.id).progress).toBeGreaterThan(0);
      const exit = engine.request('diagnostic', { action: 'exit', code: 7 }).catch((e: Error) => e);
      const failed = await runner.wait(doomed.id);
      expect(failed.state).toBe('failed');
      expect(failed.message).toContain('the compute engine stopped: the host thread exited with code 7');
      expect(await exit).toBeInstanceOf(Error);
      const next = await runner.wait(runner.start('sample', { steps: 2 }).id);
      expect(next.state).toBe('done');
      expect(next.result).toEqual({ samples: 1 });
      expect(engine.status().hostsStarted).toBe(2);
    } finally {
      await runner.close();
      db.close();
      await engine.close();
    }
  }, 120_000);
});
