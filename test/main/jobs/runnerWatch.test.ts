import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { JobInfo } from '../../../src/common/contract';
import { migrate } from '../../../src/main/db/database';
import { JobRunner } from '../../../src/main/jobs/runner';
import { defineJobKind } from '../../../src/main/jobs/types';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const slowKind = defineJobKind({
  kind: 'slow',
  params: z.object({ steps: z.number().int().min(1) }),
  title: (p) => `Slow ${p.steps}`,
  async run(ctx) {
    for (let i = 0; i < ctx.params.steps; i++) {
      ctx.signal.throwIfAborted();
      await sleep(40);
      ctx.progress((i + 1) / ctx.params.steps, `step ${i + 1}`);
    }
    return { ok: true };
  },
});

let runners: JobRunner[] = [];
afterEach(async () => {
  for (const r of runners) await r.close();
  runners = [];
});

/** Two runners on one database file, as the app and `rig-studio` on the same project (two processes). */
function twoProcesses(watchIntervalMs: number) {
  const db = new BetterSqlite3(':memory:');
  migrate(db);
  const appEvents: JobInfo[] = [];
  const app = new JobRunner(db, (name, payload) => name === 'job.updated' && appEvents.push(payload as JobInfo), { progressIntervalMs: 0, pid: process.pid, watchIntervalMs });
  // the other "process" has a pid that is alive (this test's parent) but is not the app's
  const cli = new JobRunner(db, () => undefined, { progressIntervalMs: 0, pid: process.ppid, watchIntervalMs: 0 });
  app.register(slowKind);
  cli.register(slowKind);
  runners.push(app, cli);
  return { app, cli, appEvents };
}

describe('JobRunner watch (jobs of other processes)', () => {
  it('reports a job another process creates, its progress and its end, without a reload', async () => {
    const { app, cli, appEvents } = twoProcesses(20);
    const job = cli.start('slow', { steps: 5 });
    await cli.wait(job.id);
    await sleep(80);
    const mine = appEvents.filter((e) => e.id === job.id);
    expect(mine.length).toBeGreaterThan(0);
    expect(mine[mine.length - 1]).toMatchObject({ id: job.id, state: 'done', title: 'Slow 5' });
    // the app's own jobs are not reported twice by the watch
    const own = app.start('slow', { steps: 1 });
    await app.wait(own.id);
    await sleep(80);
    const states = appEvents.filter((e) => e.id === own.id).map((e) => e.state);
    expect(states.filter((s) => s === 'done')).toHaveLength(1);
  });

  it('reports nothing with the watch off, and refuses to cancel another process’s job with a message that says what to do', async () => {
    const { app, cli, appEvents } = twoProcesses(0);
    const job = cli.start('slow', { steps: 20 });
    await sleep(60);
    expect(appEvents.filter((e) => e.id === job.id)).toEqual([]);
    // the app lists it as run elsewhere (its UI offers no Cancel); the owner does not
    expect(app.list(10).find((j) => j.id === job.id)).toMatchObject({ state: 'running', elsewhere: true });
    expect(cli.list(10).find((j) => j.id === job.id)?.elsewhere).toBeUndefined();
    expect(() => app.cancel(job.id)).toThrow(/run by another Rig Studio process \(pid \d+\).*Ctrl\+C/);
    cli.cancel(job.id);
    expect((await cli.wait(job.id)).state).toBe('cancelled');
  });
});
