import { useEffect, useState } from 'react';
import type { JobInfo, JobLogLine } from '../../../common/contract';
import { useApi } from '../providers/BackendProvider';
import { useNotify } from '../providers/NoticesProvider';
import { ProgressBar } from '../components/ProgressBar';
import { ImportReport } from '../library/ImportReport';
import { asImportResult } from '../library/importResult';
import { LossCurve } from '../train/LossCurve';
import { asFinetuneResult } from '../train/lossCurve';
import { formatEta, isActive, stateLabels } from './format';
import { JobLog } from './JobLog';
import { useJobs } from './JobsProvider';

export interface JobRowProps {
  job: JobInfo;
  defaultExpanded?: boolean;
}

/** One job in the jobs panel: progress, ETA, message, actions, and an expandable log. */
export function JobRow({ job, defaultExpanded = false }: JobRowProps) {
  const api = useApi();
  const notify = useNotify();
  const { update } = useJobs();
  const [expanded, setExpanded] = useState(defaultExpanded);
  const [log, setLog] = useState<JobLogLine[] | null>(null);
  const [busy, setBusy] = useState(false);

  // The log is fetched when shown, and again whenever the job reports progress.
  useEffect(() => {
    if (!expanded) return;
    let live = true;
    api['job.get']({ jobId: job.id }).then(
      (full) => live && setLog(full.log),
      (e: unknown) => live && notify.error(e, `Could not load the log of job ${job.id}`),
    );
    return () => {
      live = false;
    };
  }, [api, notify, expanded, job.id, job.message, job.state]);

  const act = async (what: 'job.cancel' | 'job.resume' | 'job.rerun', verb: string) => {
    setBusy(true);
    try {
      update(await api[what]({ jobId: job.id }));
    } catch (e) {
      notify.error(e, `Could not ${verb} “${job.title}”`);
    } finally {
      setBusy(false);
    }
  };

  const active = isActive(job);
  const importResult = job.kind === 'import' ? asImportResult(job.result) : undefined;
  const finetuneResult = job.kind === 'finetune' || job.kind === 'train-base' ? asFinetuneResult(job.result) : undefined;
  const ended = !active;
  return (
    <li className={`job job-${job.state}`} aria-label={`${job.title}, ${stateLabels[job.state]}`}>
      <div className="job-head">
        <span className="job-title">{job.title}</span>
        <span className={`badge state-${job.state}`}>{stateLabels[job.state]}</span>
      </div>
      {active && <ProgressBar value={job.state === 'queued' ? null : job.progress} label={`Progress of ${job.title}`} />}
      <div className="job-meta">
        <span className="job-message">{job.message}</span>
        {active && <span className="job-eta">{formatEta(job.etaSeconds)}</span>}
      </div>
      {finetuneResult && <LossCurve result={finetuneResult} />}
      <div className="job-actions">
        <button type="button" className="link-button" aria-expanded={expanded} onClick={() => setExpanded((e) => !e)}>
          {expanded ? 'Hide details' : 'Details'}
        </button>
        {active && !job.elsewhere && (
          <button type="button" disabled={busy} onClick={() => void act('job.cancel', 'cancel')}>
            Cancel
          </button>
        )}
        {active && job.elsewhere && (
          <span className="muted small" data-testid="job-elsewhere">
            Run by another process (e.g. the command line): stop it there
          </span>
        )}
        {(job.state === 'interrupted' || job.state === 'cancelled') && (
          <button type="button" disabled={busy} onClick={() => void act('job.resume', 'resume')}>
            Resume
          </button>
        )}
        {ended && job.state !== 'done' && (
          <button type="button" disabled={busy} onClick={() => void act('job.rerun', 're-run')}>
            Re-run
          </button>
        )}
      </div>
      {expanded && (
        <div className="job-details">
          {importResult && <ImportReport result={importResult} state={job.state} maxRows={50} />}
          {log && <JobLog lines={log} />}
        </div>
      )}
    </li>
  );
}
