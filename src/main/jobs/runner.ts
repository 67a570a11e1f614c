import type { JobInfo, JobLogLine } from '../../common/contract';
import { AppError } from '../core/errors';
import type { EmitEvent } from '../core/events';
import type { Database } from '../db/database';
import { JobStore } from './store';
import type { JobContext, JobKind } from './types';

export interface JobRunnerOptions {
  /** This process; jobs record their owner so another process can tell dead from alive. */
  pid?: number;
  /** Minimum time between progress writes/events of one job. */
  progressIntervalMs?: number;
  /** A job whose owner has not written a heartbeat for this long counts as dead. */
  staleAfterMs?: number;
  /** How often the jobs table is read for jobs other processes (the CLI on the same project) create or update; 0 turns it off. */
  watchIntervalMs?: number;
}

/** Aborts with this reason are shutdowns (→ 'interrupted'), any other abort is a cancel. */
const shutdownReason = 'rig-studio:shutdown';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM';
  }
}

interface Running {
  id: number;
  controller: AbortController;
  done: Promise<void>;
}

/**
 * Runs jobs of the registered kinds in order, one at a time per lane (JobKind.lane; most kinds
 * share 'default', so the machine's cores go to the worker threads of the job that runs). Everything about a job is persisted as it happens,
 * so after a crash `recover()` marks what was running as 'interrupted' and `resume` continues
 * it: the kind's own tables say what is already done.
 */
export class JobRunner {
  private readonly store: JobStore;
  private readonly kinds = new Map<string, JobKind<unknown>>();
  private readonly queue: number[] = [];
  /** The running job of each lane. */
  private readonly running = new Map<string, Running>();
  private readonly waiters = new Map<number, ((info: JobInfo) => void)[]>();
  private readonly pid: number;
  private readonly progressIntervalMs: number;
  private readonly staleAfterMs: number;
  private readonly heartbeatTimer: NodeJS.Timeout;
  private readonly watchTimer: NodeJS.Timeout | null;
  /** What was last announced of each job (state, progress, message), so the watch only reports changes. */
  private readonly announced = new Map<number, string>();
  /** Jobs of other processes still queued or running: watched until they end. */
  private readonly foreign = new Set<number>();
  private maxSeenId: number;
  private closed = false;

  constructor(
    private readonly db: Database,
    private readonly emit: EmitEvent = () => undefined,
    options: JobRunnerOptions = {},
  ) {
    this.store = new JobStore(db);
    this.maxSeenId = (db.prepare('SELECT max(id) AS id FROM jobs').get() as { id: number | null }).id ?? 0;
    const watchMs = options.watchIntervalMs ?? 1000;
    this.watchTimer = watchMs > 0 ? setInterval(() => this.watch(), watchMs) : null;
    this.watchTimer?.unref();
    this.pid = options.pid ?? process.pid;
    this.progressIntervalMs = options.progressIntervalMs ?? 250;
    this.staleAfterMs = options.staleAfterMs ?? 30_000;
    this.heartbeatTimer = setInterval(() => this.beat(), Math.max(1000, this.staleAfterMs / 3));
    this.heartbeatTimer.unref();
  }

  /** Adds a kind; a second kind with the same name is a programming error. */
  register<P>(kind: JobKind<P>): void {
    if (this.kinds.has(kind.kind)) throw new Error(`job kind '${kind.kind}' registered twice`);
    this.kinds.set(kind.kind, kind as JobKind<unknown>);
  }

  /**
   * Marks jobs left 'running' or 'queued' by a process that is gone as 'interrupted'.
   * Call once after opening a project; returns how many were marked.
   */
  recover(): number {
    const staleBefore = Date.now() - this.staleAfterMs;
    let marked = 0;
    for (const j of this.store.inStates(['running', 'queued'])) {
      const ownerAlive = j.ownerPid !== null && j.ownerPid !== this.pid && isAlive(j.ownerPid);
      const fresh = j.heartbeatAt !== null && Date.parse(j.heartbeatAt) > staleBefore;
      if (ownerAlive && fresh) continue;
      this.store.setState(j.id, 'interrupted', 'interrupted: the app stopped while this job was running; resume to continue');
      this.store.addLog(j.id, 'warn', 'interrupted (the process running it stopped)');
      marked++;
    }
    return marked;
  }

  private kindOf(name: string): JobKind<unknown> {
    const kind = this.kinds.get(name);
    if (!kind) throw new AppError('conflict', `this Rig Studio cannot run jobs of kind '${name}'`);
    return kind;
  }

  /** Queues a new job; parameters are validated by the kind's schema. */
  start(kindName: string, rawParams: unknown): JobInfo {
    this.assertOpen();
    const kind = this.kindOf(kindName);
    const parsed = kind.params.safeParse(rawParams);
    if (!parsed.success) throw new AppError('invalid-params', `bad parameters for a '${kindName}' job: ${parsed.error.message}`);
    const id = this.store.insert(kindName, kind.title(parsed.data), parsed.data);
    this.store.setOwner(id, this.pid);
    return this.enqueue(id);
  }

  get(id: number): JobInfo & { log: JobLogLine[] } {
    return { ...this.info(id), log: this.store.log(id) };
  }

  list(limit: number): JobInfo[] {
    return this.store.list(limit).map((info) => this.marked(info));
  }

  /** A job's parameters as they were validated and stored when it was started. */
  params<P = unknown>(id: number): P {
    const job = this.store.get(id);
    if (!job) throw new AppError('not-found', `job ${id} does not exist`);
    return job.params as P;
  }

  /** Ids of the jobs of a kind that have not finished successfully (any state but 'done'), oldest first. */
  unfinished(kind: string): number[] {
    return this.store.unfinished(kind);
  }

  private info(id: number): JobInfo {
    const job = this.store.get(id);
    if (!job) throw new AppError('not-found', `job ${id} does not exist`);
    return this.marked(job.info);
  }

  /** Marks a queued or running job this runner does not hold as run elsewhere (another process). */
  private marked(info: JobInfo): JobInfo {
    const active = info.state === 'queued' || info.state === 'running';
    return active && !this.queue.includes(info.id) && !this.runningJob(info.id) ? { ...info, elsewhere: true } : info;
  }

  /** Cancels a queued or running job (a running one stops at its next check and stays resumable). */
  cancel(id: number): JobInfo {
    const info = this.info(id);
    if (info.state !== 'queued' && info.state !== 'running') {
      throw new AppError('conflict', `job ${id} is ${info.state}; only queued or running jobs can be cancelled`);
    }
    const running = this.runningJob(id);
    if (running) {
      running.controller.abort();
      return info;
    }
    const at = this.queue.indexOf(id);
    if (at >= 0) {
      this.queue.splice(at, 1);
      this.finish(id, 'cancelled', 'cancelled before it started');
      return this.info(id);
    }
    const owner = this.store.inStates(['queued', 'running']).find((j) => j.id === id)?.ownerPid;
    throw new AppError(
      'conflict',
      `“${info.title}” (job ${id}) is run by another Rig Studio process${owner ? ` (pid ${owner})` : ''}, e.g. the command line on this project: only that process can stop it. Stop it there (Ctrl+C in its terminal); it then shows as interrupted here and can be resumed.`,
    );
  }

  /** Continues an interrupted, cancelled or failed job where it stopped. */
  resume(id: number): JobInfo {
    this.assertOpen();
    const job = this.store.get(id);
    if (!job) throw new AppError('not-found', `job ${id} does not exist`);
    if (!['interrupted', 'cancelled', 'failed'].includes(job.info.state)) {
      throw new AppError('conflict', `job ${id} is ${job.info.state}; only interrupted, cancelled or failed jobs can be resumed`);
    }
    this.kindOf(job.info.kind);
    this.store.setState(id, 'queued', 'queued to resume');
    this.store.setOwner(id, this.pid);
    this.store.addLog(id, 'info', 'resumed');
    return this.enqueue(id);
  }

  /** Runs an ended job again from the start with the same parameters, as a new job. */
  rerun(id: number): JobInfo {
    const job = this.store.get(id);
    if (!job) throw new AppError('not-found', `job ${id} does not exist`);
    if (job.info.state === 'queued' || job.info.state === 'running') throw new AppError('conflict', `job ${id} has not ended yet`);
    return this.start(job.info.kind, job.params);
  }

  /** Resolves with the job's info once it has ended (done, failed, cancelled or interrupted). */
  wait(id: number): Promise<JobInfo> {
    const info = this.info(id);
    if (!['queued', 'running'].includes(info.state) || (!this.queue.includes(id) && !this.runningJob(id))) return Promise.resolve(info);
    return new Promise((resolve) => {
      const list = this.waiters.get(id) ?? [];
      list.push(resolve);
      this.waiters.set(id, list);
    });
  }

  /** Stops: the running job is aborted and left 'interrupted' (resumable), queued ones too. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeatTimer);
    if (this.watchTimer) clearInterval(this.watchTimer);
    for (const id of this.queue.splice(0)) this.finish(id, 'interrupted', 'interrupted: the app closed before it started');
    const running = [...this.running.values()];
    for (const r of running) r.controller.abort(shutdownReason);
    await Promise.all(running.map((r) => r.done));
  }

  private assertOpen(): void {
    if (this.closed) throw new AppError('conflict', 'the project is closing');
  }

  private enqueue(id: number): JobInfo {
    this.queue.push(id);
    const info = this.info(id);
    this.announce(info);
    queueMicrotask(() => this.pump());
    return info;
  }

  private signature(row: { state: string; progress: number | null; message: string }): string {
    return `${row.state}|${row.progress ?? ''}|${row.message}`;
  }

  /** Emits a job's update and remembers it (the watch then does not report it again). */
  private announce(info: JobInfo): void {
    this.announced.set(info.id, this.signature(info));
    this.emit('job.updated', info);
  }

  /**
   * Reports jobs this runner does not run: new rows (e.g. `rig-studio transfer` started on the
   * same project) and the progress and end of other processes' jobs, as job.updated events, so
   * the jobs panel shows them live. Reads only new rows and queued/running ones (cheap).
   */
  private watch(): void {
    if (this.closed) return;
    let rows: { id: number; state: string; progress: number | null; message: string }[];
    try {
      const ids = [...this.foreign];
      rows = this.db
        .prepare(`SELECT id, state, progress, message FROM jobs WHERE id > @maxId OR state IN ('queued', 'running')${ids.length ? ` OR id IN (${ids.map(Number).join(',')})` : ''}`)
        .all({ maxId: this.maxSeenId }) as typeof rows;
    } catch {
      return; // the database is closing; the next project's runner takes over
    }
    for (const row of rows) {
      this.maxSeenId = Math.max(this.maxSeenId, row.id);
      if (this.queue.includes(row.id) || this.runningJob(row.id)) continue;
      if (row.state === 'queued' || row.state === 'running') this.foreign.add(row.id);
      else this.foreign.delete(row.id);
      if (this.announced.get(row.id) === this.signature(row)) continue;
      this.announce(this.info(row.id));
    }
  }

  private beat(): void {
    if (this.closed) return;
    for (const r of this.running.values()) this.store.heartbeat(r.id);
    for (const id of this.queue) this.store.heartbeat(id);
  }

  private runningJob(id: number): Running | undefined {
    return [...this.running.values()].find((r) => r.id === id);
  }

  private laneOf(id: number): string {
    const job = this.store.get(id);
    return (job && this.kinds.get(job.info.kind)?.lane) ?? 'default';
  }

  /** Starts the oldest queued job of every lane that is free. */
  private pump(): void {
    if (this.closed) return;
    for (const id of [...this.queue]) {
      const lane = this.laneOf(id);
      if (this.running.has(lane)) continue;
      this.queue.splice(this.queue.indexOf(id), 1);
      const controller = new AbortController();
      const running: Running = { id, controller, done: Promise.resolve() };
      this.running.set(lane, running);
      running.done = this.execute(id, controller.signal).finally(() => {
        this.running.delete(lane);
        this.pump();
      });
    }
  }

  private async execute(id: number, signal: AbortSignal): Promise<void> {
    const job = this.store.get(id)!;
    const kind = this.kindOf(job.info.kind);
    const attempt = this.store.markStarted(id, this.pid);
    this.store.addLog(id, 'info', attempt === 1 ? 'started' : `attempt ${attempt} started`);
    this.announce(this.info(id));

    let last = { progress: job.info.progress, message: job.info.message, result: undefined as unknown };
    let lastWrite = 0;
    let baseline: { at: number; fraction: number } | null = null;
    let eta: number | null = null;
    let completed = false;
    const write = (force: boolean) => {
      if (this.closed && !force) return;
      const t = Date.now();
      if (!force && t - lastWrite < this.progressIntervalMs) return;
      lastWrite = t;
      this.store.saveProgress(id, { progress: last.progress, etaSeconds: eta, message: last.message, result: last.result });
      last.result = undefined;
      this.announce(this.info(id));
    };
    const ctx: JobContext<unknown> = {
      jobId: id,
      params: kind.params.parse(job.params),
      attempt,
      signal,
      progress: (fraction, message) => {
        const t = Date.now();
        if (fraction !== null) {
          if (!baseline) baseline = { at: t, fraction };
          const gained = fraction - baseline.fraction;
          eta = gained > 0 && t - baseline.at > 500 ? Math.round(((t - baseline.at) / 1000) * ((1 - fraction) / gained)) : eta;
        }
        last = { ...last, progress: fraction, message: message ?? last.message };
        write(fraction === 1);
      },
      setResult: (result) => {
        last.result = result;
        write(false);
      },
      log: (level, text) => this.store.addLog(id, level, text),
      complete: () => {
        completed = true;
      },
    };

    try {
      const result = await kind.run(ctx);
      if (last.result !== undefined) write(true);
      if (signal.aborted && !completed) throw signal.reason ?? new Error('aborted');
      if (signal.aborted) this.store.addLog(id, 'info', 'the cancel came after the work was complete: the job is done');
      this.store.saveProgress(id, { progress: 1, etaSeconds: null, message: last.message, result });
      this.finish(id, 'done', last.message || 'done');
    } catch (e) {
      if (last.result !== undefined) write(true);
      if (signal.aborted && !completed) {
        const shutdown = signal.reason === shutdownReason;
        this.finish(id, shutdown ? 'interrupted' : 'cancelled', shutdown ? 'interrupted: the app closed; resume to continue' : 'cancelled; resume to continue');
      } else {
        const message = e instanceof Error ? e.message : String(e);
        this.store.addLog(id, 'error', message);
        this.finish(id, 'failed', `failed: ${message}`);
      }
    }
  }

  private finish(id: number, state: 'done' | 'failed' | 'cancelled' | 'interrupted', message: string): void {
    this.store.setState(id, state, message, true);
    if (state !== 'failed') this.store.addLog(id, state === 'done' ? 'info' : 'warn', message);
    const info = this.info(id);
    this.announce(info);
    for (const resolve of this.waiters.get(id) ?? []) resolve(info);
    this.waiters.delete(id);
  }
}
