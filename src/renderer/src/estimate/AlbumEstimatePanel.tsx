import { useState } from 'react';
import type { Album, PhotoOutcome } from '../../../common/contract';
import { errorMessage } from '../api';
import { useApi, useEvent, useReconnected } from '../providers/BackendProvider';
import { useNotify } from '../providers/NoticesProvider';
import { ProgressBar } from '../components/ProgressBar';
import { useCoalesced } from '../hooks/useCoalesced';
import { useQuery } from '../hooks/useQuery';
import { useJobs } from '../jobs/JobsProvider';
import { FacePickerDialog } from './FacePickerDialog';
import { codesOnlySummary, codesTitle, codesTitleHint, estimatedSummary, estimatorNote, outcomeText, reestimateLosses } from './format';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { MeanShapeBars } from './MeanShapeBars';
import './estimate.css';

export interface AlbumEstimatePanelProps {
  album: Album;
}

/**
 * FLAME estimation of an album: start it with the project's estimator (Settings), follow it
 * (the job is in the jobs panel: progress, log, cancel), see per-photo problems and act on them
 * (pick one of several faces, try again), re-estimate on demand, and the album's mean shape.
 */
export function AlbumEstimatePanel({ album }: AlbumEstimatePanelProps) {
  const api = useApi();
  const notify = useNotify();
  const { jobs, setPanelOpen } = useJobs();
  const state = useQuery(() => api['estimate.album']({ albumId: album.id }), String(album.id));
  const estimator = useQuery(() => api['estimate.estimator.get'](), 'estimator');
  const [picking, setPicking] = useState<PhotoOutcome | null>(null);
  const [open, setOpen] = useState(false);
  const [starting, setStarting] = useState(false);
  const [confirmRedo, setConfirmRedo] = useState<string[] | null>(null);

  const refresh = useCoalesced(state.reload, 400);
  useEvent('library.changed', ({ albumId }) => {
    if (albumId === null || albumId === album.id) refresh();
  });
  useEvent('job.updated', (job) => {
    if (job.kind === 'estimate' && job.state !== 'running') refresh();
  });
  useReconnected(refresh);

  const data = state.data;
  const lastJob = data?.lastJob ? jobs.find((j) => j.id === data.lastJob!.jobId) : undefined;
  const running = lastJob && (lastJob.state === 'running' || lastJob.state === 'queued') ? lastJob : undefined;

  const start = async (params: { photoIds?: number[]; redo?: boolean; faceChoices?: { photoId: number; faceIndex: number }[] }, what: string) => {
    setStarting(true);
    try {
      await api['estimate.start']({ albumId: album.id, photoIds: params.photoIds, redo: params.redo ?? false, faceChoices: params.faceChoices ?? [] });
      notify.info(`${what} started; follow it in the jobs panel.`);
      state.reload();
    } catch (e) {
      notify.error(e, 'Could not start the estimation');
      throw e;
    } finally {
      setStarting(false);
    }
  };
  const quiet = (promise: Promise<void>) => void promise.catch(() => undefined);

  const missing = data ? data.photoCount - data.estimatedCount : 0;
  return (
    <section className="album-estimate" aria-label="FLAME estimation">
      <div className="album-estimate-bar">
        <strong data-testid="codes-title" title={data ? codesTitleHint(data.codeSources) : undefined}>
          {data ? codesTitle(data.codeSources) : 'Codes'}
        </strong>
        <span className="muted" data-testid="estimate-summary">
          {data ? estimatedSummary(data.estimatedCount, data.photoCount, data.byEstimator) : 'Loading…'}
          {data && codesOnlySummary(data.codesOnly) ? ` · ${codesOnlySummary(data.codesOnly)}` : ''}
          {data && data.editedCount > 0 ? ` · ${data.editedCount} edited` : ''}
          {data && data.outcomes.length > 0 ? ` · ${data.outcomes.length} need attention` : ''}
        </span>
        {estimator.data && (
          <span className={`muted small ${estimator.data.ok ? '' : 'estimate-warn'}`} title="Change it in Settings">
            {estimatorNote(estimator.data.summary, estimator.data.ok)}
          </span>
        )}
        <span className="spacer" />
        {running ? (
          <span className="album-estimate-running">
            <ProgressBar value={running.progress} label="Estimation progress" />
            <span className="small">{running.message || 'starting…'}</span>
            <button type="button" className="small" onClick={() => setPanelOpen(true)}>
              Jobs panel
            </button>
            <button type="button" className="small" onClick={() => void api['job.cancel']({ jobId: running.id }).catch((e: unknown) => notify.error(e, 'Could not cancel'))}>
              Cancel
            </button>
          </span>
        ) : (
          <>
            <button type="button" className="primary small" disabled={starting || !data || data.photoCount === 0 || missing === 0} onClick={() => quiet(start({}, 'Estimation'))}>
              {estimator.data?.head === 'demo' ? 'Estimate demo-head codes' : 'Estimate FLAME codes'}
              {missing > 0 && data && data.estimatedCount > 0 ? ` (${missing} left)` : ''}
            </button>
            <button type="button" className="small" disabled={starting || !data || data.estimatedCount === 0} onClick={() => {
                const losses = data ? reestimateLosses(data) : [];
                if (losses.length === 0) quiet(start({ redo: true }, 'Re-estimation of the whole album'));
                else setConfirmRedo(losses);
              }}>
              Re-estimate all
            </button>
          </>
        )}
        <button type="button" className="small" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
          {open ? 'Hide details' : 'Details'}
        </button>
      </div>
      {state.error !== undefined && (
        <p className="form-error" role="alert">
          {errorMessage(state.error)}
        </p>
      )}
      {data && data.outcomes.length > 0 && (
        <ul className="estimate-outcomes" aria-label="Photos without an estimate">
          {data.outcomes.slice(0, open ? undefined : 5).map((outcome) => {
            const text = outcomeText(outcome);
            return (
              <li key={outcome.photoId} data-state={outcome.state}>
                <span className="outcome-file">{outcome.fileName}</span>
                <span className="outcome-state">{text.label}</span>
                <span className="muted small" title={outcome.reason ?? undefined}>
                  {outcome.reason && outcome.state !== 'several-faces' ? `${outcome.reason} — ` : ''}
                  {text.advice}
                </span>
                {outcome.state === 'several-faces' && outcome.faceBoxes.length > 0 ? (
                  <button type="button" className="small" disabled={!!running} onClick={() => setPicking(outcome)}>
                    Choose face…
                  </button>
                ) : (
                  <button type="button" className="small" disabled={!!running || starting} onClick={() => quiet(start({ photoIds: [outcome.photoId], redo: true }, `Estimation of ${outcome.fileName}`))}>
                    Try again
                  </button>
                )}
              </li>
            );
          })}
          {!open && data.outcomes.length > 5 && <li className="muted small">and {data.outcomes.length - 5} more (Details)</li>}
        </ul>
      )}
      {open && data && (data.meanShape ? <MeanShapeBars meanShape={data.meanShape} /> : <p className="muted small">No estimates yet: the mean shape appears once photos are estimated.</p>)}
      {confirmRedo && (
        <ConfirmDialog title={`Re-estimate all ${data?.photoCount ?? ''} photos of ${album.name}?`} confirmLabel="Re-estimate and replace" danger onConfirm={() => start({ redo: true }, 'Re-estimation of the whole album').catch(() => undefined)} onClose={() => setConfirmRedo(null)}>
          <p>
            Every photo is estimated again with {estimator.data?.summary ?? 'the estimator in Settings'}, and the new codes replace, for good:
          </p>
          <ul data-testid="reestimate-losses">
            {confirmRedo.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
          <p className="muted small">To redo only some photos, use “Try again” on them, or re-estimate from a photo’s detail.</p>
        </ConfirmDialog>
      )}
      {picking && (
        <FacePickerDialog
          outcome={picking}
          onPick={(faceIndex) => start({ photoIds: [picking.photoId], redo: true, faceChoices: [{ photoId: picking.photoId, faceIndex }] }, `Estimation of ${picking.fileName}`)}
          onClose={() => setPicking(null)}
        />
      )}
    </section>
  );
}
