import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { migrate } from '../../../src/main/db/database';
import { type AppEngine, type HostTasks, hostTasks } from '../../../src/main/app/hostTasks';
import { InProcessEngine, WorkerEngine } from '../../../src/main/engine/client';
import { JobRunner } from '../../../src/main/jobs/runner';
import { defineJobKind } from '../../../src/main/jobs/types';
import { builtEngine, ensureBuilt } from '../cli/built';

// A job whose engine request blocks the engine's thread for longer than several heartbeat
// intervals (the stand-in for one long synchronous train step: a 256-px step is ~20 s on 2
// cores, the default heartbeat 10 s). With the compute host the job runner's thread stays free
// and keeps writing the job's heartbeat; with the engine in process (sessions on the runner's
// thread, as before the host) no heartbeat is written during the step, which is what let
// another process take a live job for interrupted.
const staleAfterMs = 3000; // heartbeat every 1 s
const blockMs = 3500;

interface Seen {
  /** The job's heartbeat right after the block, as the job itself reads it. */
  afterBlock: string;
  blockEnded: number;
}

function slowStepKind(engine: AppEngine, db: BetterSqlite3.Database, seen: Seen[]) {
  const heartbeat = (id: number) => (db.prepare('SELECT heartbeatAt FROM jobs WHERE id = @id').get({ id }) as { heartbeatAt: string }).heartbeatAt;
  return defineJobKind({
    kind: 'slow-step',
    params: z.object({}),
    title: () => 'one slow step',
    async run(ctx) {
      await engine.request('diagnostic', { action: 'block', ms: blockMs }, { signal: ctx.signal });
      // read before any timer of this thread runs (the continuation is a microtask)
      seen.push({ afterBlock: heartbeat(ctx.jobId), blockEnded: Date.now() });
      return {};
    },
  });
}

async function runOnce(engine: AppEngine) {
  const db = new BetterSqlite3(':memory:');
  migrate(db);
  const runner = new JobRunner(db, () => undefined, { staleAfterMs });
  const seen: Seen[] = [];
  runner.register(slowStepKind(engine, db, seen));
  const beats = new Set<string>();
  const job = runner.start('slow-step', {});
  const poll = setInterval(() => {
    const row = db.prepare('SELECT heartbeatAt FROM jobs WHERE id = @id').get({ id: job.id }) as { heartbeatAt: string | null };
    if (row.heartbeatAt) beats.add(row.heartbeatAt);
  }, 100);
  const done = await runner.wait(job.id);
  clearInterval(poll);
  await runner.close();
  db.close();
  return { done, beats: beats.size, staleness: seen[0].blockEnded - Date.parse(seen[0].afterBlock) };
}

describe('the job heartbeat during a long engine step', () => {
  let host: WorkerEngine<HostTasks>;
  beforeAll(() => {
    ensureBuilt();
    host = new WorkerEngine<HostTasks>(builtEngine);
  });
  afterAll(() => host.close());

  it('keeps beating while the compute host is blocked for several heartbeat intervals', async () => {
    await host.request('diagnostic', { action: 'ping' }); // the host is up, so the block is the step alone
    const { done, beats, staleness } = await runOnce(host);
    expect(done.state).toBe('done');
    // beats at about 1, 2 and 3 s into the step, seen from this thread while the step ran
    expect(beats).toBeGreaterThanOrEqual(3);
    expect(staleness).toBeLessThan(staleAfterMs / 3 + 700);
  }, 60_000);

  it('(control) stops beating when the same step runs on the job runner\'s thread', async () => {
    const inline = new InProcessEngine(hostTasks);
    try {
      const { done, staleness } = await runOnce(inline);
      expect(done.state).toBe('done');
      expect(staleness).toBeGreaterThanOrEqual(blockMs - 100);
    } finally {
      await inline.close();
    }
  }, 60_000);
});
