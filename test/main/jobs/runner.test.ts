import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { JobInfo } from '../../../src/common/contract';
import { migrate } from '../../../src/main/db/database';
import { JobRunner } from '../../../src/main/jobs/runner';
import { defineJobKind } from '../../../src/main/jobs/types';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A kind that counts to n, remembering (like a real kind's tables) how far each job got. */
function countingKind(progressOf: Map<number, number>, stepMs = 5) {
  return defineJobKind({
    kind: 'count',
    params: z.object({ n: z.number().int().min(1), failAt: z.number().int().optional() }),
    title: (p) => `Count to ${p.n}`,
    async run(ctx) {
      for (let i = progressOf.get(ctx.jobId) ?? 0; i < ctx.params.n; i++) {
        ctx.signal.throwIfAborted();
        if (i === ctx.params.failAt) throw new Error(`cannot count past ${i}`);
        await sleep(stepMs);
        progressOf.set(ctx.jobId, i + 1);
        ctx.progress((i + 1) / ctx.params.n, `${i + 1} of ${ctx.params.n}`);
      }
      ctx.log('info', `attempt ${ctx.attempt} finished`);
      return { counted: ctx.params.n, attempt: ctx.attempt };
    },
  });
}

let runners: JobRunner[] = [];
afterEach(async () => {
  for (const r of runners) await r.close();
  runners = [];
});

function setup(options: ConstructorParameters<typeof JobRunner>[2] = {}) {
  const db = new BetterSqlite3(':memory:');
  migrate(db);
  const events: JobInfo[] = [];
  const progressOf = new Map<number, number>();
  const runner = new JobRunner(db, (name, payload) => name === 'job.updated' && events.push(payload as JobInfo), { progressIntervalMs: 0, ...options });
  runner.register(countingKind(progressOf));
  runners.push(runner);
  return { db, runner, events, progressOf };
}

/** Resolves when the job has reported at least `fraction` progress. */
async function until(runner: JobRunner, id: number, fraction: number) {
  for (let i = 0; i < 400; i++) {
    if ((runner.get(id).progress ?? 0) >= fraction) return;
    await sleep(5);
  }
  throw new Error('job made no progress');
}

describe('JobRunner', () => {
  it('hands back a job\'s validated parameters and lists a kind\'s unfinished jobs', async () => {
    const { runner } = setup();
    const a = runner.start('count', { n: 2 });
    const b = runner.start('count', { n: 1, failAt: 0 });
    expect(runner.params(a.id)).toEqual({ n: 2 });
    expect(runner.params<{ n: number; failAt?: number }>(b.id).failAt).toBe(0);
    await runner.wait(a.id);
    await runner.wait(b.id);
    expect(runner.unfinished('count')).toEqual([b.id]);
    expect(() => runner.params(999)).toThrow(/job 999 does not exist/);
  });

  it('runs jobs one at a time in order and keeps result, progress and log', async () => {
    const { runner, events } = setup();
    const a = runner.start('count', { n: 3 });
    const b = runner.start('count', { n: 2 });
    expect(a).toMatchObject({ state: 'queued', title: 'Count to 3', kind: 'count' });
    const doneB = await runner.wait(b.id);
    const doneA = runner.get(a.id);
    expect(doneA).toMatchObject({ state: 'done', progress: 1, result: { counted: 3, attempt: 1 } });
    expect(doneB.state).toBe('done');
    expect(Date.parse(doneA.finishedAt!)).toBeLessThanOrEqual(Date.parse(doneB.startedAt!));
    expect(doneA.log.map((l) => l.text)).toEqual(['started', 'attempt 1 finished', '3 of 3']);
    expect(events.filter((e) => e.id === a.id).map((e) => e.state)).toEqual(['queued', 'running', 'running', 'running', 'running', 'done']);
    expect(runner.list(10).map((j) => j.id)).toEqual([b.id, a.id]);
  });

  it('estimates the time left from the rate so far', async () => {
    const db = new BetterSqlite3(':memory:');
    migrate(db);
    const etas: { at: number; eta: number }[] = [];
    const runner = new JobRunner(db, (_, p) => {
      const eta = (p as JobInfo).etaSeconds;
      if (eta !== null) etas.push({ at: Date.now(), eta });
    }, { progressIntervalMs: 0 });
    runners.push(runner);
    runner.register(countingKind(new Map(), 100));
    const job = runner.start('count', { n: 20 });
    await runner.wait(job.id);
    const end = Date.now();
    expect(etas.length).toBeGreaterThan(5);
    // Each estimate is close to the time that really was left (whole seconds, so within ~1 s).
    for (const { at, eta } of etas) expect(Math.abs(eta - (end - at) / 1000)).toBeLessThan(1.2);
    expect(Math.max(...etas.map((e) => e.eta))).toBeGreaterThanOrEqual(1);
    expect(runner.get(job.id).etaSeconds).toBeNull();
  });

  it('marks a throwing job failed with its message in the job and the log', async () => {
    const { runner } = setup();
    const job = runner.start('count', { n: 5, failAt: 2 });
    const info = await runner.wait(job.id);
    expect(info).toMatchObject({ state: 'failed', message: 'failed: cannot count past 2' });
    expect(runner.get(job.id).log.at(-1)).toMatchObject({ level: 'error', text: 'cannot count past 2' });
  });

  it('cancels a running job, which can then be resumed where it stopped', async () => {
    const { runner, progressOf } = setup();
    const job = runner.start('count', { n: 100 });
    await until(runner, job.id, 0.05);
    runner.cancel(job.id);
    const cancelled = await runner.wait(job.id);
    expect(cancelled.state).toBe('cancelled');
    const reached = progressOf.get(job.id)!;
    expect(reached).toBeGreaterThan(0);
    expect(reached).toBeLessThan(100);
    runner.resume(job.id);
    const resumed = await runner.wait(job.id);
    expect(resumed).toMatchObject({ state: 'done', result: { counted: 100, attempt: 2 } });
    expect(runner.get(job.id).log.map((l) => l.text)).toContain('resumed');
  });

  it('ends a job done, not cancelled, when the cancel comes after it said its work was complete', async () => {
    const { runner } = setup();
    let release = () => {};
    runner.register(defineJobKind({
      kind: 'register',
      params: z.object({ complete: z.boolean() }),
      title: () => 'Register',
      async run(ctx) {
        if (ctx.params.complete) ctx.complete();
        await new Promise<void>((r) => (release = r)); // a cancel lands here: after the work (complete) or during it (not)
        return { registered: ctx.params.complete };
      },
    }));
    const completed = runner.start('register', { complete: true });
    await expect.poll(() => runner.get(completed.id).state).toBe('running');
    runner.cancel(completed.id);
    release();
    expect(await runner.wait(completed.id)).toMatchObject({ state: 'done', result: { registered: true } });

    const unfinished = runner.start('register', { complete: false });
    await expect.poll(() => runner.get(unfinished.id).state).toBe('running');
    runner.cancel(unfinished.id);
    release();
    expect((await runner.wait(unfinished.id)).state).toBe('cancelled');
  });

  it('cancels a queued job without running it', async () => {
    const { runner, progressOf } = setup();
    const first = runner.start('count', { n: 20 });
    const second = runner.start('count', { n: 20 });
    expect(runner.cancel(second.id).state).toBe('cancelled');
    await runner.wait(first.id);
    expect(progressOf.has(second.id)).toBe(false);
    expect(() => runner.cancel(first.id)).toThrow(/only queued or running jobs can be cancelled/);
  });

  it('close() leaves the running and queued jobs interrupted and resumable', async () => {
    const { db, runner, progressOf } = setup();
    const a = runner.start('count', { n: 150 });
    const b = runner.start('count', { n: 5 });
    await until(runner, a.id, 0.01);
    await runner.close();
    const next = new JobRunner(db, undefined, { progressIntervalMs: 0 });
    runners.push(next);
    next.register(countingKind(progressOf));
    expect(next.get(a.id).state).toBe('interrupted');
    expect(next.get(b.id).state).toBe('interrupted');
    next.resume(a.id);
    expect(await next.wait(a.id)).toMatchObject({ state: 'done', result: { counted: 150, attempt: 2 } });
  });

  it('recover() marks jobs of dead processes interrupted and leaves a live owner alone', () => {
    const { db, runner } = setup();
    const fresh = new Date().toISOString();
    const insert = db.prepare("INSERT INTO jobs (kind, title, state, params, createdAt, ownerPid, heartbeatAt) VALUES ('count', 't', @state, '{\"n\":1}', @t, @pid, @hb)");
    const dead = Number(insert.run({ state: 'running', t: fresh, pid: 2 ** 22 + 12345, hb: fresh }).lastInsertRowid);
    const stale = Number(insert.run({ state: 'running', t: fresh, pid: process.ppid, hb: '2000-01-01T00:00:00.000Z' }).lastInsertRowid);
    const live = Number(insert.run({ state: 'running', t: fresh, pid: process.ppid, hb: fresh }).lastInsertRowid);
    const queued = Number(insert.run({ state: 'queued', t: fresh, pid: null, hb: null }).lastInsertRowid);
    expect(runner.recover()).toBe(3);
    expect(runner.get(dead)).toMatchObject({ state: 'interrupted', message: expect.stringMatching(/resume to continue/) });
    expect(runner.get(stale).state).toBe('interrupted');
    expect(runner.get(live).state).toBe('running');
    expect(runner.get(queued).state).toBe('interrupted');
  });

  it('re-runs an ended job from scratch as a new job', async () => {
    const { runner } = setup();
    const job = runner.start('count', { n: 3 });
    await runner.wait(job.id);
    const again = runner.rerun(job.id);
    expect(again.id).not.toBe(job.id);
    expect(await runner.wait(again.id)).toMatchObject({ state: 'done', result: { counted: 3, attempt: 1 } });
  });

  it('validates parameters and refuses what cannot be done', async () => {
    const { runner } = setup();
    expect(() => runner.start('count', { n: 0 })).toThrow(/bad parameters for a 'count' job/);
    expect(() => runner.start('teleport', {})).toThrow(/cannot run jobs of kind 'teleport'/);
    expect(() => runner.register(countingKind(new Map()))).toThrow(/registered twice/);
    const job = runner.start('count', { n: 1 });
    await runner.wait(job.id);
    expect(() => runner.resume(job.id)).toThrow(/is done; only interrupted, cancelled or failed/);
    expect(() => runner.get(9999)).toThrow('job 9999 does not exist');
  });

  it('runs jobs of different lanes side by side, one per lane', async () => {
    const { runner } = setup();
    const log: string[] = [];
    const sleeper = (kind: string, lane: string | undefined) =>
      defineJobKind({
        kind,
        lane,
        params: z.object({ name: z.string() }),
        title: (p) => p.name,
        async run(ctx) {
          log.push(`start ${ctx.params.name}`);
          await sleep(60);
          log.push(`end ${ctx.params.name}`);
        },
      });
    runner.register(sleeper('short', undefined));
    runner.register(sleeper('long', 'train'));
    const train = runner.start('long', { name: 'train' });
    const a = runner.start('short', { name: 'a' });
    const b = runner.start('short', { name: 'b' });
    await Promise.all([train, a, b].map((j) => runner.wait(j.id)));
    // 'train' and 'a' overlap (different lanes); 'b' waits for 'a' (same lane).
    expect(log.indexOf('start a')).toBeLessThan(log.indexOf('end train'));
    expect(log.indexOf('start b')).toBeGreaterThan(log.indexOf('end a'));
  });
});
