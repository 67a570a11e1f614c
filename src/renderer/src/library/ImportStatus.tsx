import { ProgressBar } from '../components/ProgressBar';
import { useJobs } from '../jobs/JobsProvider';
import { formatEta, isActive, stateLabels } from '../jobs/format';
import { ImportReport } from './ImportReport';
import { asImportResult } from './importResult';
import type { ImportPhase } from './useImport';

export interface ImportStatusProps {
  state: ImportPhase;
  onDismiss: () => void;
}

/** The album's current or last import: upload progress, job progress, then the outcome. */
export function ImportStatus({ state, onDismiss }: ImportStatusProps) {
  const { jobs } = useJobs();
  if (state.phase === 'idle') return null;
  if (state.phase === 'uploading') {
    const { done, total, bytesDone, bytesTotal } = state.progress;
    return (
      <section className="import-status" aria-label="Import">
        <p>
          Uploading {done} of {total} files…
        </p>
        <ProgressBar value={bytesTotal ? bytesDone / bytesTotal : null} label="Upload progress" />
      </section>
    );
  }
  if (state.phase === 'starting') {
    return (
      <section className="import-status" aria-label="Import">
        <p>Starting the import…</p>
      </section>
    );
  }
  const job = jobs.find((j) => j.id === state.jobId);
  const result = job ? asImportResult(job.result) : undefined;
  const active = !job || isActive(job);
  return (
    <section className={`import-status ${job ? `job-${job.state}` : ''}`} aria-label="Import" aria-busy={active}>
      <header className="import-status-head">
        <strong>{active ? 'Importing…' : `Import ${stateLabels[job.state].toLowerCase()}`}</strong>
        {job && active && <span className="muted">{job.message}</span>}
        {job && active && <span className="muted">{formatEta(job.etaSeconds)}</span>}
        {job && !active && !result && <span className="muted">{job.message}</span>}
        <span className="spacer" />
        {!active && (
          <button type="button" className="icon-button" aria-label="Dismiss import result" onClick={onDismiss}>
            ×
          </button>
        )}
      </header>
      {active && <ProgressBar value={job?.progress ?? null} label="Import progress" />}
      {job && result && <ImportReport result={result} state={job.state} />}
    </section>
  );
}
