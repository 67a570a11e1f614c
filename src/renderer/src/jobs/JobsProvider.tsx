import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { JobInfo } from '../../../common/contract';
import { useApi, useEvent, useReconnected } from '../app/BackendProvider';
import { useNotify } from '../app/NoticesProvider';
import { mergeJob } from './format';

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

  const refetch = useCallback(() => {
    api['job.list']({ limit: 100 }).then(
      (list) => setJobs([...list].sort((a, b) => b.id - a.id)),
      (e: unknown) => notify.error(e, 'Could not load the jobs'),
    );
  }, [api, notify]);

  useEffect(refetch, [refetch, projectDir]);
  // Events missed while the connection was down are caught up by a refetch.
  useReconnected(refetch);
  useEvent('job.updated', (job) => setJobs((list) => mergeJob(list, job)));

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
