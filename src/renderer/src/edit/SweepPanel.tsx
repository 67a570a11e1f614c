import { useCallback, useEffect, useRef, useState } from 'react';
import type { SamplerSettings, SweepView } from '../../../common/contract';
import { errorMessage } from '../api';
import { useApi, useEvent } from '../providers/BackendProvider';
import { downloadBytes, fromBase64 } from '../components/download';
import { dataUrl } from './images';
import { SourceNote } from './SourceNote';

export interface SweepPanelProps {
  modelId: number | null;
  sourceIds: number[];
  sampler: SamplerSettings;
  meanShape: boolean;
  /** The setup's image size (stored with the model when changed); throws when it is missing. */
  imageSize: () => Promise<number | undefined>;
}

const activeStates = new Set(['queued', 'running']);

/**
 * Interpolation sweeps of the first source (light rotation, or expression A→B between two
 * sources) run as a job: frames appear as they finish, progress and cancel follow the job, and
 * the strip and animated WebP are built from the frames done when it ends (also when cancelled).
 */
export function SweepPanel({ modelId, sourceIds, sampler, meanShape, imageSize }: SweepPanelProps) {
  const api = useApi();
  const [kind, setKind] = useState<'light' | 'expression'>('light');
  const [frames, setFrames] = useState(8);
  const [degrees, setDegrees] = useState(360);
  const [jobId, setJobId] = useState<number | null>(null);
  const [view, setView] = useState<SweepView | null>(null);
  const [frameUrls, setFrameUrls] = useState<Map<number, string>>(new Map());
  const requested = useRef(new Set<number>());
  const [progress, setProgress] = useState<{ fraction: number | null; message: string } | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const source = sourceIds[0] ?? null;
  const running = view !== null && activeStates.has(view.state);
  const canRun = modelId !== null && source !== null && (kind === 'light' || sourceIds.length >= 2) && !running;
  const why =
    modelId === null ? 'Import a model first (Models view).' : source === null ? 'Choose a source photo in the setup.' : kind === 'expression' && sourceIds.length < 2 ? 'Choose two sources: the sweep goes from the first one’s expression to the second’s.' : null;

  /** Reloads the job's frames; the strip and animation only once it has ended. */
  const reload = useCallback(
    async (id: number, media: boolean) => {
      try {
        const next = await api['edit.sweepView']({ jobId: id, media });
        setView((old) => (media || !old?.strip ? next : { ...next, strip: old.strip, animation: old.animation }));
        for (const result of next.results) {
          if (requested.current.has(result.id)) continue;
          requested.current.add(result.id);
          api['edit.image']({ resultId: result.id, kind: 'generated' }).then(
            (image) => setFrameUrls((urls) => new Map(urls).set(result.id, dataUrl(image))),
            (e: unknown) => setStatus(errorMessage(e)),
          );
        }
      } catch (e) {
        setStatus(errorMessage(e));
      }
    },
    [api],
  );

  useEffect(() => {
    if (jobId !== null) void reload(jobId, false);
  }, [jobId, reload]);
  useEvent('edit.cell', (event) => {
    if (event.jobId === jobId) void reload(event.jobId, false);
  });
  useEvent('job.updated', (job) => {
    if (job.id !== jobId) return;
    setProgress({ fraction: job.progress, message: job.message });
    if (!activeStates.has(job.state)) void reload(job.id, true);
    else setView((v) => (v && v.state !== job.state ? { ...v, state: job.state } : v));
  });

  const run = async () => {
    if (!canRun) return;
    setStatus(null);
    setView(null);
    setFrameUrls(new Map());
    requested.current.clear();
    setProgress(null);
    try {
      const size = await imageSize();
      const started = await api['edit.sweep']({ modelId: modelId!, sourcePhotoId: source!, kind, frames, degrees, fromPhotoId: sourceIds[0], toPhotoId: sourceIds[1], meanShape, sampler, frameMs: 120, imageSize: size });
      setJobId(started.jobId);
    } catch (e) {
      setStatus(errorMessage(e));
    }
  };
  const cancel = () => {
    if (jobId !== null) api['job.cancel']({ jobId }).catch((e: unknown) => setStatus(errorMessage(e)));
  };
  const done = view?.cells.filter((c) => c.state === 'done').length ?? 0;
  const doneResults = view ? view.cells.map((c) => (c.resultId ? view.results.find((r) => r.id === c.resultId) : undefined)) : [];
  return (
    <div className="edit-sweep">
      {source !== null && (kind === 'expression' && sourceIds.length >= 2 ? (
        <>
          <SourceNote photoId={source} sourceCount={1} action="Sweep of" />
          <SourceNote photoId={sourceIds[1]} sourceCount={1} action="towards the expression of" />
        </>
      ) : (
        <SourceNote photoId={source} sourceCount={sourceIds.length} action="Sweep of" />
      ))}
      <div className="edit-run-options">
        <select aria-label="Sweep" value={kind} onChange={(e) => setKind(e.target.value as 'light' | 'expression')}>
          <option value="light">Light rotation</option>
          <option value="expression">Expression A → B (sources 1 → 2)</option>
        </select>
        <label>
          Frames
          <input type="number" min={2} max={60} value={frames} onChange={(e) => setFrames(Math.min(60, Math.max(2, Number(e.target.value) || 2)))} />
        </label>
        {kind === 'light' && (
          <label>
            Degrees
            <input type="number" min={-360} max={360} value={degrees} onChange={(e) => setDegrees(Number(e.target.value) || 0)} />
          </label>
        )}
        <button type="button" disabled={!canRun} onClick={() => void run()}>
          Run sweep
        </button>
        {why && !running && <span className="muted small">{why}</span>}
        {running && (
          <button type="button" className="small" onClick={cancel}>
            Cancel
          </button>
        )}
      </div>
      {view && (
        <p className="muted" role="status" data-testid="sweep-progress">
          {done} of {view.frames} frames · {view.state}
          {running && progress?.message ? ` · ${progress.message}` : ''}
        </p>
      )}
      {running && <progress max={1} value={progress?.fraction ?? undefined} aria-label="Sweep progress" />}
      {status && <p className="form-error" role="alert">{status}</p>}
      {view && (
        <div className="edit-sweep-frames" data-testid="sweep-frames">
          {view.cells.map((cell, k) => {
            const result = doneResults[k];
            const url = result ? frameUrls.get(result.id) : undefined;
            return url ? (
              <img key={cell.idx} src={url} alt={`Frame ${k + 1}`} className="pixelated" title={`Frame ${k + 1} (result ${result!.id})`} />
            ) : (
              <span key={cell.idx} className={`edit-sweep-frame edit-tile-${cell.state}`} title={`Frame ${k + 1}: ${cell.state}`}>
                {cell.state === 'pending' ? '…' : cell.state}
              </span>
            );
          })}
        </div>
      )}
      {view?.strip && view.animation && (
        <div className="edit-sweep-result">
          <img src={dataUrl(view.animation)} alt="Sweep animation" className="pixelated" width={Math.max(128, view.animation.width)} />
          <img src={dataUrl(view.strip)} alt="Sweep frame strip" className="edit-strip pixelated" />
          <div>
            <button type="button" className="small" onClick={() => downloadBytes('sweep.webp', fromBase64(view.animation!.base64), 'image/webp')}>
              Save WebP
            </button>
            <button type="button" className="small" onClick={() => downloadBytes('sweep-strip.png', fromBase64(view.strip!.base64), 'image/png')}>
              Save strip
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
