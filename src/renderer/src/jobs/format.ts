import type { JobInfo, JobState } from '../../../common/contract';

/** "2 h 5 min", "3 min 20 s", "45 s" — seconds left, rounded to what a person cares about. */
export function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return '';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s left`;
  if (s < 3600) {
    const rest = s % 60;
    return `${Math.floor(s / 60)} min${rest ? ` ${rest} s` : ''} left`;
  }
  const minutes = Math.round((s % 3600) / 60);
  return `${Math.floor(s / 3600)} h${minutes ? ` ${minutes} min` : ''} left`;
}

export const stateLabels: Record<JobState, string> = {
  queued: 'Queued',
  running: 'Running',
  done: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
  interrupted: 'Interrupted',
};

/** A job that still has work to do (counts in the top bar's indicator). */
export function isActive(job: Pick<JobInfo, 'state'>): boolean {
  return job.state === 'queued' || job.state === 'running';
}

/** Jobs newest first, with a job's latest update replacing its older copy. */
export function mergeJob(jobs: JobInfo[], update: JobInfo): JobInfo[] {
  const rest = jobs.filter((j) => j.id !== update.id);
  return [update, ...rest].sort((a, b) => b.id - a.id);
}

/** Overall progress of the active jobs (for the top bar), or null when none can say. */
export function overallProgress(jobs: JobInfo[]): number | null {
  const known = jobs.filter((j) => isActive(j) && j.progress !== null);
  if (known.length === 0) return null;
  return known.reduce((a, j) => a + (j.progress ?? 0), 0) / known.length;
}

/** Why a job ended without its result, in words for the place it failed ("" for done or active jobs). */
export function failureReason(job: Pick<JobInfo, 'state' | 'message'>): string {
  if (job.state !== 'failed' && job.state !== 'interrupted' && job.state !== 'cancelled') return '';
  const text = job.message.replace(/^failed:\s*/, '').trim();
  return text || (job.state === 'failed' ? 'failed without a message (see the job’s log in the jobs panel)' : job.state);
}

/**
 * Waits a moment after a start for the checks a job does first (model, image size, album):
 * resolves with the job once it has run `graceMs` without ending, or as soon as it ends.
 * The dialog that started it can then say why it failed instead of "started".
 */
export async function firstMoments(getJob: () => Promise<JobInfo>, graceMs = 2500, stepMs = 250): Promise<JobInfo> {
  const until = Date.now() + graceMs;
  for (;;) {
    const job = await getJob();
    if (!isActive(job) || Date.now() >= until) return job;
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

/** Whether a job update is a failure the user has not been told about yet (`before`: its last state seen here). */
export function isNewFailure(before: JobState | undefined, job: Pick<JobInfo, 'state'>): boolean {
  return job.state === 'failed' && before !== 'failed';
}
