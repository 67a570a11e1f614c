import { useEffect, useState } from 'react';
import type { PhotoEstimateView, PhotoSummary } from '../../../common/contract';
import type { FlameCodes } from '../../../common/flame/codes';
import { errorMessage } from '../api';
import { useApi, useEvent } from '../providers/BackendProvider';
import { useNotify } from '../providers/NoticesProvider';
import { formatRoute } from '../navigation/route';
import { useQuery } from '../hooks/useQuery';
import { ExportHeadButton } from '../components/ExportHeadButton';
import { EmotionBars } from './EmotionBars';
import { FacePickerDialog } from './FacePickerDialog';
import { FittedHeadDialog } from './FittedHeadDialog';
import { setOverlay, useOverlay } from './overlayStore';
import './estimate.css';

export interface PhotoEstimatePanelProps {
  photo: PhotoSummary;
}

const estimatorNames: Record<string, string> = { fit: 'Landmark fitting', deca: 'DECA', emoca: 'EMOCA', 'demo-ground-truth': 'Demo ground truth' };

/**
 * A photo's FLAME estimate in the photo detail: overlay toggles (detection box, 68 landmarks)
 * for the photo, the aligned 256 crop and DECA's 224 crop, emotion probabilities, the estimator
 * and its version, and the fitted head with editable codes.
 */
export function PhotoEstimatePanel({ photo }: PhotoEstimatePanelProps) {
  const api = useApi();
  const query = useQuery(() => api['estimate.photo']({ photoId: photo.id }), String(photo.id));
  const [saved, setSaved] = useState<PhotoEstimateView | null>(null);
  const [headOpen, setHeadOpen] = useState(false);
  const [picking, setPicking] = useState(false);
  const notify = useNotify();
  const { showBox, showLandmarks } = useOverlay();
  const view = saved && saved.photoId === photo.id ? saved : (query.data ?? null);

  useEffect(() => {
    setOverlay({ view });
  }, [view]);
  useEffect(() => () => setOverlay({ view: null }), []);
  // a finished estimation job may have (re)estimated this photo
  useEvent('job.updated', (job) => {
    if (job.kind === 'estimate' && job.state === 'done') {
      setSaved(null);
      query.reload();
    }
  });

  const save = async (codes: FlameCodes) => {
    const result = await api['estimate.saveCodes']({ photoId: photo.id, codes });
    setSaved(result);
    return result;
  };
  const restore = async () => {
    const result = await api['estimate.restore']({ photoId: photo.id });
    setSaved(result);
    return result;
  };

  // re-run this photo on demand (optionally with another of its faces)
  const rerun = async (faceIndex?: number) => {
    try {
      await api['estimate.start']({ albumId: photo.albumId, photoIds: [photo.id], redo: true, faceChoices: faceIndex === undefined ? [] : [{ photoId: photo.id, faceIndex }] });
      notify.info(`Estimating ${photo.fileName} again; follow it in the jobs panel.`);
    } catch (e) {
      notify.error(e, 'Could not start the estimation');
      throw e;
    }
  };

  if (query.error !== undefined) {
    return (
      <section className="photo-estimate" aria-label="FLAME estimate">
        <p className="form-error" role="alert">
          {errorMessage(query.error)}
        </p>
      </section>
    );
  }
  if (query.data === undefined) return <section className="photo-estimate muted small">Loading the estimate…</section>;
  if (!view) {
    return (
      <section className="photo-estimate" aria-label="FLAME estimate">
        <h3>FLAME estimate</h3>
        <p className="muted small" data-testid="no-estimate">
          No estimate yet. Use “Estimate … codes” above the album’s photos; photos with no face, several faces or a face too small are listed there.
        </p>
      </section>
    );
  }
  const image = (img: PhotoEstimateView['aligned']) => `data:${img.mime};base64,${img.base64}`;
  return (
    <section className="photo-estimate" aria-label="FLAME estimate">
      <h3>FLAME estimate</h3>
      <p className="small" data-testid="estimate-estimator">
        {estimatorNames[view.estimator] ?? view.estimator} · <span className="muted">{view.estimatorVersion}</span>
        {view.edited && (
          <>
            {' '}
            <span className="badge">codes edited</span>
          </>
        )}
      </p>
      <p className="muted small" data-testid="estimate-face">
        Face {view.faceIndex + 1} of {view.faceBoxes.length} · detection score {view.score.toFixed(2)}
        {view.fit ? ` · landmark error ${view.fit.initialError.toFixed(1)} → ${view.fit.finalError.toFixed(1)} px in ${view.fit.iterations.rigid}+${view.fit.iterations.full} iterations` : ''}
        {view.milliseconds !== null ? ` · ${(view.milliseconds / 1000).toFixed(1)} s` : ''}
      </p>
      <div className="overlay-toggles" role="group" aria-label="Overlays on the photo">
        <label>
          <input type="checkbox" checked={showBox} onChange={(e) => setOverlay({ showBox: e.target.checked })} /> Detection box
        </label>
        <label>
          <input type="checkbox" checked={showLandmarks} onChange={(e) => setOverlay({ showLandmarks: e.target.checked })} /> 68 landmarks
        </label>
      </div>
      <div className="estimate-crops">
        <figure>
          <svg viewBox={`0 0 ${view.aligned.width} ${view.aligned.height}`} className="estimate-crop" role="img" aria-label="Aligned 256 crop" data-testid="aligned-crop">
            <image href={image(view.aligned)} width={view.aligned.width} height={view.aligned.height} />
            {showLandmarks && (
              <g className="overlay-landmarks">
                {view.alignedLandmarks.map(([x, y], i) => (
                  <circle key={i} cx={x} cy={y} r={1.6} />
                ))}
              </g>
            )}
          </svg>
          <figcaption className="muted small">
            Aligned {view.aligned.width}² (FFHQ)
          </figcaption>
        </figure>
        <figure>
          <img src={image(view.decaCrop)} alt="DECA's 224 crop" className="estimate-crop" data-testid="deca-crop" />
          <figcaption className="muted small">DECA crop 224²</figcaption>
        </figure>
      </div>
      <h4>Emotion</h4>
      {Object.keys(view.emotion).length > 0 ? <EmotionBars emotion={view.emotion} /> : <p className="muted small">No emotion probabilities stored with this estimate.</p>}
      <div className="photo-estimate-actions">
        <button type="button" data-testid="open-fitted-head" onClick={() => setHeadOpen(true)}>
          Fitted head & codes…
        </button>
        <button type="button" onClick={() => void rerun(view.faceBoxes.length > 1 ? view.faceIndex : undefined).catch(() => undefined)}>
          Re-estimate
        </button>
        {view.faceBoxes.length > 1 && (
          <button type="button" onClick={() => setPicking(true)}>
            Other face…
          </button>
        )}
        <a href={formatRoute('viewport', 'photo', photo.id)} className="small" title={view.edited ? 'The 3D head view shows your saved edits, the codes editing and training use' : undefined}>
          Open in the 3D head view{view.edited ? ' (edited codes)' : ''}
        </a>
      </div>
      <ExportHeadButton photoId={photo.id} />
      {picking && (
        <FacePickerDialog
          outcome={{ photoId: photo.id, fileName: photo.fileName, jobId: 0, state: 'several-faces', reason: null, faceBoxes: view.faceBoxes }}
          initial={view.faceIndex}
          onPick={(faceIndex) => rerun(faceIndex)}
          onClose={() => setPicking(false)}
        />
      )}
      {headOpen && <FittedHeadDialog fileName={photo.fileName} estimate={view} onSave={save} onRestore={restore} onClose={() => setHeadOpen(false)} />}
    </section>
  );
}
