import { useCallback, useEffect, useState } from 'react';
import type { EditJobView } from '../../../common/contract';
import { useApi, useEvent } from '../providers/BackendProvider';

/** An edit job's grid, refreshed as its cells finish ('edit.cell') and as its state changes. */
export function useEditJob(jobId: number | null): { view: EditJobView | null; reload: () => void; error: unknown } {
  const api = useApi();
  const [view, setView] = useState<EditJobView | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const reload = useCallback(() => {
    if (jobId === null) return;
    api['edit.job']({ jobId }).then(
      (v) => {
        setView(v);
        setError(undefined);
      },
      (e: unknown) => setError(e),
    );
  }, [api, jobId]);
  useEffect(() => {
    setView(null);
    reload();
  }, [reload]);
  useEvent('edit.cell', (event) => {
    if (event.jobId === jobId) reload();
  });
  useEvent('job.updated', (job) => {
    if (job.id === jobId && job.state !== view?.state) reload();
  });
  return { view, reload, error };
}
