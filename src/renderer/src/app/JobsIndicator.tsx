import { useJobs } from '../jobs/JobsProvider';
import { isActive, overallProgress } from '../jobs/format';
import { ProgressBar } from '../components/ProgressBar';
import { Icon } from '../components/Icon';

export type JobsIndicatorProps = Record<never, never>;

/** Top-bar button opening the jobs panel; shows how many jobs are running and their progress. */
export function JobsIndicator(_props: JobsIndicatorProps) {
  const { jobs, panelOpen, setPanelOpen } = useJobs();
  const active = jobs.filter(isActive);
  const failed = jobs.filter((j) => j.state === 'interrupted').length;
  const label = active.length ? `Jobs (${active.length} running)` : failed ? `Jobs (${failed} interrupted)` : 'Jobs';
  return (
    <button type="button" className={`jobs-indicator ${active.length ? 'busy' : ''}`} aria-label={label} aria-expanded={panelOpen} onClick={() => setPanelOpen((open) => !open)}>
      <Icon name="jobs" />
      <span>Jobs</span>
      {active.length > 0 && <span className="badge">{active.length}</span>}
      {active.length === 0 && failed > 0 && <span className="badge state-interrupted">{failed}</span>}
      {active.length > 0 && <ProgressBar value={overallProgress(jobs)} label="Progress of all running jobs" className="mini" />}
    </button>
  );
}
