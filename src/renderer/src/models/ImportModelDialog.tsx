import { useEffect, useState } from 'react';
import type { CheckpointInspection } from '../../../common/contract';
import { errorMessage } from '../api';
import { useApi } from '../providers/BackendProvider';
import { useJobs } from '../jobs/JobsProvider';
import { Modal } from '../components/Modal';
import { AttentionFields } from './AttentionFields';
import { attentionSettings, defaultAttentionForm, type AttentionForm } from './attention';
import { defaultModelName, fileName, formatBytes, formatCount } from './format';
import { parseImageSize } from './imageSize';

export interface ImportModelDialogProps {
  /** Checkpoint paths on the backend's machine. */
  paths: string[];
  onClose: () => void;
  /** Called with the import jobs once they are queued. */
  onStarted: (jobIds: number[]) => void;
}

type Check = { state: 'reading' } | { state: 'ok'; report: CheckpointInspection } | { state: 'error'; message: string };

/**
 * Reads each chosen checkpoint (model.inspect) and shows what it is — inferred architecture,
 * parameters, size — or why it cannot be used, before anything is registered. Importing then
 * runs as jobs (progress in the jobs panel); files that failed the check are left out.
 */
export function ImportModelDialog({ paths, onClose, onStarted }: ImportModelDialogProps) {
  const api = useApi();
  const { update, setPanelOpen } = useJobs();
  const [checks, setChecks] = useState<Check[]>(() => paths.map(() => ({ state: 'reading' })));
  const [name, setName] = useState(paths.length === 1 ? defaultModelName(paths[0]) : '');
  const [attention, setAttention] = useState<AttentionForm>(defaultAttentionForm);
  const [sizeText, setSizeText] = useState('');
  const firstReport = checks[0]?.state === 'ok' ? checks[0].report : undefined;
  // a size the weights tell is shown; an open one may be entered now (or on first use)
  const sizeCheck = sizeText.trim() === '' ? { size: null, error: null } : parseImageSize(sizeText, undefined);
  const attentionCheck = attentionSettings(attention);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    void (async () => {
      // one at a time: each read parses and hashes a whole checkpoint in a worker thread
      for (let i = 0; i < paths.length; i++) {
        let check: Check;
        try {
          check = { state: 'ok', report: await api['model.inspect']({ path: paths[i] }) };
        } catch (e) {
          check = { state: 'error', message: errorMessage(e) };
        }
        if (!live) return;
        setChecks((all) => all.map((c, j) => (j === i ? check : c)));
      }
    })();
    return () => {
      live = false;
    };
  }, [api, paths]);

  const importable = paths.filter((_, i) => checks[i].state !== 'error');
  const reading = checks.some((c) => c.state === 'reading');
  const start = async () => {
    setBusy(true);
    setError(null);
    try {
      const single = paths.length === 1 && name.trim() ? name.trim() : undefined;
      if ('error' in attentionCheck) throw new Error(attentionCheck.error);
      if (sizeCheck.error) throw new Error(sizeCheck.error);
      const { numHeads, numHeadsUpsample, numHeadChannels, useNewAttentionOrder } = attentionCheck.settings;
      const { jobIds } = await api['model.import']({
        paths: importable,
        name: single,
        overrides: { unet: { numHeads, numHeadsUpsample, numHeadChannels, useNewAttentionOrder } },
        imageSize: paths.length === 1 && sizeCheck.size ? sizeCheck.size : undefined,
      });
      // the jobs' first events may have gone out before their ids were known here
      for (const jobId of jobIds) {
        const { log: _log, ...job } = await api['job.get']({ jobId });
        update(job);
      }
      setPanelOpen(true);
      onStarted(jobIds);
    } catch (e) {
      setError(errorMessage(e));
      setBusy(false);
    }
  };

  return (
    <Modal
      title={paths.length === 1 ? 'Import checkpoint' : `Import ${paths.length} checkpoints`}
      onClose={onClose}
      className="import-model-dialog"
      actions={
        <>
          <span className="muted">{reading ? 'Reading…' : `${importable.length} of ${paths.length} usable`}</span>
          <button type="button" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="button" className="primary" disabled={busy || importable.length === 0} onClick={() => void start()}>
            Import
          </button>
        </>
      }
    >
      <ul className="checkpoint-checks" aria-label="Checked checkpoints">
        {paths.map((path, i) => {
          const check = checks[i];
          return (
            <li key={path} className={`checkpoint-check ${check.state}`} aria-busy={check.state === 'reading'}>
              <strong>{fileName(path)}</strong> <span className="muted mono">{path}</span>
              {check.state === 'reading' && <p className="muted">Reading the checkpoint and inferring its architecture…</p>}
              {check.state === 'error' && (
                <p className="form-error checkpoint-error" role="alert">
                  {check.message}
                </p>
              )}
              {check.state === 'ok' && (
                <div className="checkpoint-report">
                  <p>{check.report.summary}</p>
                  <p className="muted">
                    {formatCount(check.report.parameters.total)} parameters (UNet {formatCount(check.report.parameters.unet)}, encoder{' '}
                    {formatCount(check.report.parameters.encoder)}) · {formatBytes(check.report.sizeBytes)} · {check.report.format}
                    {check.report.imageSize ? ` · ${check.report.imageSize} px` : ''}
                    {check.report.strippedPrefix ? ` · keys under '${check.report.strippedPrefix}'` : ''}
                  </p>
                  {check.report.registered && <p className="muted">Already registered as “{check.report.registered.name}”; importing it again keeps that entry.</p>}
                </div>
              )}
            </li>
          );
        })}
      </ul>
      {paths.length === 1 && (
        <label className="field">
          <span>Name</span>
          <input value={name} onChange={(e) => setName(e.target.value)} maxLength={200} data-autofocus />
        </label>
      )}
      {paths.length === 1 && firstReport && firstReport.imageSize === null && (
        <div className="field">
          <label htmlFor="import-image-size">Image size (px)</label>
          <input id="import-image-size" type="number" min={16} max={1024} step={8} placeholder="e.g. 256" value={sizeText} onChange={(e) => setSizeText(e.target.value)} aria-describedby="import-image-size-hint" />
          <small id="import-image-size-hint" className={sizeCheck.error ? 'form-error' : 'muted'}>
            {sizeCheck.error ?? 'The weights do not tell the size this model was trained at (its channel multipliers are not upstream’s default for a size). Enter it now, or when you first edit or fine-tune with it; it is kept with the model.'}
          </small>
        </div>
      )}
      <AttentionFields value={attention} onChange={setAttention} disabled={busy} />
      {'error' in attentionCheck && <p className="form-error">{attentionCheck.error}</p>}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </Modal>
  );
}
