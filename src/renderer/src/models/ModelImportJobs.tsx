import { formatRoute } from '../navigation/route';
import { ProgressBar } from '../components/ProgressBar';
import { useJobs } from '../jobs/JobsProvider';
import { formatEta, isActive, stateLabels } from '../jobs/format';
import { importedModelId, importJobs } from './format';

export interface ModelImportJobsProps {
  /** The import jobs started from this view. */
  jobIds: ReadonlySet<number>;
  onDismiss: (jobId: number) => void;
}

/** Imports started here: live progress, then the model they registered or why they failed. */
export function ModelImportJobs({ jobIds, onDismiss }: ModelImportJobsProps) {
  const { jobs } = useJobs();
  const shown = importJobs(jobs, jobIds);
  if (shown.length === 0) return null;
  return (
    <ul className="model-import-jobs" aria-label="Model imports">
      {shown.map((job) => {
        const active = isActive(job);
        const modelId = importedModelId(job);
        return (
          <li key={job.id} className={`import-status job-${job.state}`} aria-busy={active}>
            <header className="import-status-head">
              <strong>{job.title}</strong>
              <span className="muted">{active ? job.message : stateLabels[job.state]}</span>
              {active && <span className="muted">{formatEta(job.etaSeconds)}</span>}
              <span className="spacer" />
              {!active && (
                <button type="button" className="icon-button" aria-label={`Dismiss ${job.title}`} onClick={() => onDismiss(job.id)}>
                  ×
                </button>
              )}
            </header>
            {active && <ProgressBar value={job.progress} label={`${job.title} progress`} />}
            {job.state === 'done' && modelId !== null && (
              <p>
                {job.message} — <a href={formatRoute('models', modelId)}>show</a>
              </p>
            )}
            {(job.state === 'failed' || job.state === 'interrupted' || job.state === 'cancelled') && (
              <p className={job.state === 'failed' ? 'form-error' : 'muted'} role={job.state === 'failed' ? 'alert' : undefined}>
                {job.message}
              </p>
            )}
          </li>
        );
      })}
    </ul>
  );
}
