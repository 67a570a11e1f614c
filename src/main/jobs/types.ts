import type { z } from 'zod';
import type { JobLogLine } from '../../common/contract';

/** What a running job can do besides its work. */
export interface JobContext<P> {
  jobId: number;
  params: P;
  /** 1 on the first run; resume and retries count up. Work already done is in the kind's own tables. */
  attempt: number;
  /** Aborted by cancel or shutdown: stop soon, leave state resumable, and return or throw. */
  signal: AbortSignal;
  /**
   * Reports progress (0..1, null if unknown) and a short message. Cheap to call per item:
   * writes and events are throttled; the ETA is computed from the rate of this attempt.
   */
  progress(fraction: number | null, message?: string): void;
  /** Kind-specific summary shown while running and kept at the end (JobInfo.result). */
  setResult(result: unknown): void;
  log(level: JobLogLine['level'], text: string): void;
  /**
   * Says the work is complete and about to take effect (e.g. a trained model about to be
   * registered): a cancel that arrives after this no longer ends the job 'cancelled', so the
   * job's state never contradicts what it left behind.
   */
  complete(): void;
}

/**
 * A kind of job (import; later estimate, train, sample). Domain modules define one and list
 * it in src/main/app/jobKinds.ts. `run` is called on the backend's event loop: it must keep
 * CPU-heavy steps in worker threads (src/main/jobs/pool.ts) and await them.
 */
export interface JobKind<P = unknown> {
  kind: string;
  /**
   * Jobs run one at a time per lane, lanes side by side. Kinds share 'default' unless they
   * name their own: a long training run in lane 'train' does not hold imports back.
   */
  lane?: string;
  /** Validates parameters when the job is created and when it is resumed from the database. */
  params: z.ZodType<P>;
  title(params: P): string;
  /** Does (or continues) the work; returns the final result. Must be safe to call again after an interruption. */
  run(ctx: JobContext<P>): Promise<unknown>;
}

/** Identity helper that keeps a kind's parameter type when it is put in a list. */
export function defineJobKind<P>(kind: JobKind<P>): JobKind<P> {
  return kind;
}
