import { z } from 'zod';
import { channel } from './channel';

// Long-running work (import now; estimation, training, sampling later). Jobs live in SQLite.

export type JobState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled' | 'interrupted';

export interface JobInfo {
  id: number;
  kind: string;
  title: string;
  state: JobState;
  /** 0..1, or null when the amount of work is not known yet. */
  progress: number | null;
  /** Seconds left, estimated from the rate so far; null until it can be estimated. */
  etaSeconds: number | null;
  message: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** Kind-specific result summary (e.g. an import's counts and per-file errors). */
  result: unknown;
  /** True while another process on the project (e.g. `rig-studio` in a terminal) runs or queues it: only that process can cancel it. */
  elsewhere?: boolean;
}

export interface JobLogLine {
  at: string;
  level: 'info' | 'warn' | 'error';
  text: string;
}

const id = z.number().int().positive();

export const jobsContract = {
  'job.list': channel<JobInfo[]>()(z.object({ limit: z.number().int().min(1).max(1000).default(100) })),
  'job.get': channel<JobInfo & { log: JobLogLine[] }>()(z.object({ jobId: id })),
  'job.cancel': channel<JobInfo>()(z.object({ jobId: id })),
  /** Continues an interrupted or cancelled job where it stopped, as a new attempt of the same job. */
  'job.resume': channel<JobInfo>()(z.object({ jobId: id })),
  /** Starts a new job with the same kind and parameters as a finished one (from scratch). */
  'job.rerun': channel<JobInfo>()(z.object({ jobId: id })),
};
