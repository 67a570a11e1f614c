import type { JobInfo } from '../../common/contract';
import type { Backend } from '../app/backend';

/** How `followJob` reports on a job while it runs. */
export interface FollowOptions {
  /** Called for each progress update of the job while it runs (with a message). */
  onProgress?: (job: JobInfo) => void;
  /**
   * Called on Ctrl-C / kill (SIGINT, SIGTERM) while waiting; without it the signals keep their
   * default effect.
   */
  onSignal?: () => void;
}

/**
 * Waits for job `jobId` of the backend's open project to end, reporting progress on the way,
 * and returns its final state. Listeners are removed however the wait ends.
 */
export async function followJob(backend: Backend, jobId: number, { onProgress, onSignal }: FollowOptions = {}): Promise<JobInfo> {
  const unsubscribe = backend.events.on((name, payload) => {
    const job = payload as JobInfo;
    if (name === 'job.updated' && job.id === jobId && job.state === 'running' && job.message) onProgress?.(job);
  });
  if (onSignal) {
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  try {
    return await backend.require().jobs.wait(jobId);
  } finally {
    if (onSignal) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    unsubscribe();
  }
}
