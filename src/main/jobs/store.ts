import type { JobInfo, JobLogLine, JobState } from '../../common/contract';
import type { Database } from '../db/database';
import { now } from '../db/database';

interface JobRow {
  id: number;
  kind: string;
  title: string;
  state: JobState;
  params: string;
  progress: number | null;
  etaSeconds: number | null;
  message: string;
  result: string | null;
  attempts: number;
  ownerPid: number | null;
  heartbeatAt: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface StoredJob {
  info: JobInfo;
  params: unknown;
  attempts: number;
}

function toInfo(r: JobRow): JobInfo {
  return {
    id: r.id,
    kind: r.kind,
    title: r.title,
    state: r.state,
    progress: r.progress,
    etaSeconds: r.etaSeconds,
    message: r.message,
    createdAt: r.createdAt,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    result: r.result === null ? null : JSON.parse(r.result),
  };
}

/** SQL for the jobs tables; the runner holds the logic. */
export class JobStore {
  constructor(private readonly db: Database) {}

  insert(kind: string, title: string, params: unknown): number {
    return Number(
      this.db
        .prepare("INSERT INTO jobs (kind, title, state, params, createdAt) VALUES (@kind, @title, 'queued', @params, @createdAt)")
        .run({ kind, title, params: JSON.stringify(params), createdAt: now() }).lastInsertRowid,
    );
  }

  get(id: number): StoredJob | undefined {
    const r = this.db.prepare('SELECT * FROM jobs WHERE id = @id').get({ id }) as JobRow | undefined;
    return r && { info: toInfo(r), params: JSON.parse(r.params), attempts: r.attempts };
  }

  list(limit: number): JobInfo[] {
    return (this.db.prepare('SELECT * FROM jobs ORDER BY id DESC LIMIT @limit').all({ limit }) as JobRow[]).map(toInfo);
  }

  /** Jobs in these states, oldest first. */
  inStates(states: JobState[]): { id: number; kind: string; state: JobState; ownerPid: number | null; heartbeatAt: string | null; params: string }[] {
    const marks = states.map((_, i) => `@s${i}`).join(', ');
    const args = Object.fromEntries(states.map((s, i) => [`s${i}`, s]));
    return this.db.prepare(`SELECT id, kind, state, ownerPid, heartbeatAt, params FROM jobs WHERE state IN (${marks}) ORDER BY id`).all(args) as never;
  }

  /** Ids of a kind's jobs in any state but 'done', oldest first. */
  unfinished(kind: string): number[] {
    return (this.db.prepare("SELECT id FROM jobs WHERE kind = @kind AND state != 'done' ORDER BY id").all({ kind }) as { id: number }[]).map((r) => r.id);
  }

  markStarted(id: number, pid: number): number {
    const t = now();
    this.db
      .prepare(
        `UPDATE jobs SET state = 'running', attempts = attempts + 1, ownerPid = @pid, heartbeatAt = @t,
           startedAt = coalesce(startedAt, @t), finishedAt = NULL, etaSeconds = NULL WHERE id = @id`,
      )
      .run({ id, pid, t });
    return (this.db.prepare('SELECT attempts FROM jobs WHERE id = @id').get({ id }) as { attempts: number }).attempts;
  }

  saveProgress(id: number, fields: { progress: number | null; etaSeconds: number | null; message: string; result?: unknown }): void {
    this.db
      .prepare(
        `UPDATE jobs SET progress = @progress, etaSeconds = @etaSeconds, message = @message, heartbeatAt = @t,
           result = CASE WHEN @hasResult THEN @result ELSE result END WHERE id = @id`,
      )
      .run({
        id,
        progress: fields.progress,
        etaSeconds: fields.etaSeconds,
        message: fields.message,
        t: now(),
        hasResult: fields.result === undefined ? 0 : 1,
        result: fields.result === undefined ? null : JSON.stringify(fields.result),
      });
  }

  setOwner(id: number, pid: number): void {
    this.db.prepare('UPDATE jobs SET ownerPid = @pid, heartbeatAt = @t WHERE id = @id').run({ id, pid, t: now() });
  }

  heartbeat(id: number): void {
    this.db.prepare('UPDATE jobs SET heartbeatAt = @t WHERE id = @id').run({ id, t: now() });
  }

  /** Moves a job to a state; `finished` stamps finishedAt. */
  setState(id: number, state: JobState, message?: string, finished = false): void {
    this.db
      .prepare(
        `UPDATE jobs SET state = @state, message = coalesce(@message, message), etaSeconds = NULL, ownerPid = CASE WHEN @state IN ('running', 'queued') THEN ownerPid ELSE NULL END,
           finishedAt = CASE WHEN @finished THEN @t ELSE finishedAt END WHERE id = @id`,
      )
      .run({ id, state, message: message ?? null, finished: finished ? 1 : 0, t: now() });
  }

  addLog(jobId: number, level: JobLogLine['level'], text: string): void {
    this.db.prepare('INSERT INTO jobLogs (jobId, at, level, text) VALUES (@jobId, @at, @level, @text)').run({ jobId, at: now(), level, text });
  }

  log(jobId: number): JobLogLine[] {
    return this.db.prepare('SELECT at, level, text FROM jobLogs WHERE jobId = @jobId ORDER BY id').all({ jobId }) as JobLogLine[];
  }
}
