import { useEffect, useRef } from 'react';
import { JobRow } from './JobRow';
import { useJobs } from './JobsProvider';

export type JobsDrawerProps = Record<never, never>;

/** The jobs panel: a drawer on the right listing the project's jobs, newest first. */
export function JobsDrawer(_props: JobsDrawerProps) {
  const { jobs, panelOpen, setPanelOpen } = useJobs();
  const ref = useRef<HTMLElement>(null);
  useEffect(() => {
    if (panelOpen) ref.current?.focus();
  }, [panelOpen]);
  if (!panelOpen) return null;
  return (
    <aside
      ref={ref}
      className="jobs-drawer"
      aria-label="Jobs"
      tabIndex={-1}
      onKeyDown={(event) => {
        if (event.key === 'Escape') setPanelOpen(false);
      }}
    >
      <header className="drawer-header">
        <h2>Jobs</h2>
        <button type="button" className="icon-button" aria-label="Close jobs panel" onClick={() => setPanelOpen(false)}>
          ×
        </button>
      </header>
      {jobs.length === 0 ? (
        <p className="muted drawer-empty">No jobs yet. Imports and other long tasks appear here.</p>
      ) : (
        <ul className="job-list">
          {jobs.map((job) => (
            <JobRow key={job.id} job={job} />
          ))}
        </ul>
      )}
    </aside>
  );
}
