import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { JobInfo } from '../../../common/contract';
import { useApi, useEvent, useReconnected } from '../providers/BackendProvider';
import { useNotify } from '../providers/NoticesProvider';
import { failureReason, isNewFailure, mergeJob } from './format';

interface JobsState {
  jobs: JobInfo[];
  /** Replaces one job's copy (e.g. with the answer of job.cancel). */
  update: (job: JobInfo) => void;
  panelOpen: boolean;
  setPanelOpen: (open: boolean | ((open: boolean) => boolean)) => void;
}

const JobsContext = createContext<JobsState | null>(null);

export interface JobsProviderProps {
  /** Jobs live in the project's database: a different project means a different list. */
  projectDir: string;
  children?: ReactNode;
}

/** The open project's jobs, kept live from job.updated events (and refetched after reconnects). */
export function JobsProvider({ projectDir, children }: JobsProviderProps) {
  const api = useApi();
  const notify = useNotify();
  const [jobs, setJobs] = useState<JobInfo[]>([]);
  const [panelOpen, setPanelOpen] = useState(false);

  // the last state seen of each job, so a job that fails while the app watches is announced once
  const states = useRef(new Map<number, JobInfo['state']>());
  const refetch = useCallback(() => {
    api['job.list']({ limit: 100 }).then(
      (list) => {
        for (const job of list) states.current.set(job.id, job.state);
        setJobs([...list].sort((a, b) => b.id - a.id));
      },
      (e: unknown) => notify.error(e, 'Could not load the jobs'),
    );
  }, [api, notify]);

  useEffect(refetch, [refetch, projectDir]);
  // Events missed while the connection was down are caught up by a refetch.
  useReconnected(refetch);
  useEvent('job.updated', (job) => {
    const before = states.current.get(job.id);
    states.current.set(job.id, job.state);
    // every failure reaches the user, also when the view that started the job is gone
    if (isNewFailure(before, job)) notify.error(new Error(failureReason(job)), `“${job.title}” failed`);
    setJobs((list) => mergeJob(list, job));
  });

  const update = useCallback((job: JobInfo) => setJobs((list) => mergeJob(list, job)), []);
  const value = useMemo(() => ({ jobs, update, panelOpen, setPanelOpen }), [jobs, update, panelOpen]);
  return <JobsContext.Provider value={value}>{children}</JobsContext.Provider>;
}

/** The jobs of the open project and the jobs panel's open state. */
export function useJobs(): JobsState {
  const state = useContext(JobsContext);
  if (!state) throw new Error('useJobs() outside <JobsProvider>');
  return state;
}
