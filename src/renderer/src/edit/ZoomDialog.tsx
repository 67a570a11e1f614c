import { useState } from 'react';
import type { EditImageKind, EditResultInfo, RerunReport } from '../../../common/contract';
import { samplerLabel } from '../../../common/contract';
import { errorMessage } from '../api';
import { useApi } from '../providers/BackendProvider';
import { Modal } from '../components/Modal';
import { useQuery } from '../hooks/useQuery';
import { useResultImage } from './images';
import { scoreBlankReason } from './ResultTile';
import { WipeCompare } from './WipeCompare';
import { ExportHeadButton } from '../components/ExportHeadButton';

export interface ZoomDialogProps {
  result: EditResultInfo;
  onClose: () => void;
  onDeleted: () => void;
}

const formatScore = (v: number | null | undefined, digits = 3) => (v === null || v === undefined ? '—' : v.toFixed(digits));

/** One result at full size: A/B wipe against the source, the three buffers, provenance, re-run and delete. */
export function ZoomDialog({ result, onClose, onDeleted }: ZoomDialogProps) {
  const api = useApi();
  const [view, setView] = useState<EditImageKind | 'wipe'>('generated');
  const [rerun, setRerun] = useState<RerunReport | string | null>(null);
  const shown: EditImageKind = view === 'wipe' ? 'generated' : view;
  const image = useResultImage(api, result.id, shown);
  const source = useResultImage(api, result.id, 'source');
  const generated = useResultImage(api, result.id, 'generated');
  const p = result.provenance;
  // provenance records ids; the names are what the researcher knows the photos by
  const names = useQuery(async () => {
    const name = (id: number | null) => (id === null ? Promise.resolve(null) : api['photo.get']({ photoId: id }).then((d) => d.fileName, () => `photo ${id} (removed)`));
    const [source, target] = await Promise.all([name(p.sourcePhotoId), name(p.targetPhotoId)]);
    return { source, target };
  }, `${p.sourcePhotoId}:${p.targetPhotoId ?? ''}`);
  const blank = !result.scores || result.scores.identity === null || result.scores.emotion === null || result.scores.landmarkError === null || result.scores.expressionError === null;
  const size = Math.max(p.imageSize, 256);
  const views: [EditImageKind | 'wipe', string][] = [['generated', 'Generated'], ['wipe', 'A/B wipe'], ['source', 'Source'], ...(p.targetHash ? [['target', 'Target'] as [EditImageKind, string]] : []), ['rendered', 'Rendered'], ['normal', 'Normal'], ['albedo', 'Albedo']];
  return (
    <Modal
      title={`Result ${result.id}: ${result.modes}`}
      onClose={onClose}
      className="edit-zoom"
      actions={
        <>
          <button type="button" onClick={() => { setRerun('running…'); api['edit.rerun']({ resultId: result.id }).then(setRerun, (e: unknown) => setRerun(errorMessage(e))); }}>
            Re-run
          </button>
          <button type="button" className="danger" onClick={() => api['edit.delete']({ resultIds: [result.id] }).then(onDeleted, (e: unknown) => setRerun(`Could not delete result ${result.id}: ${errorMessage(e)}`))}>
            Delete
          </button>
        </>
      }
    >
      <div className="edit-zoom-views" role="tablist" aria-label="Show">
        {views.map(([key, label]) => (
          <button key={key} type="button" role="tab" aria-selected={view === key} className={view === key ? 'selected small' : 'small'} onClick={() => setView(key)}>
            {label}
          </button>
        ))}
      </div>
      <ExportHeadButton resultId={result.id} />
      <div className="edit-zoom-image">
        {view === 'wipe' ? (
          source && generated && <WipeCompare before={source} after={generated} size={size} />
        ) : (
          image && <img src={image} alt={`${shown} of result ${result.id}`} width={size} height={size} data-testid="zoom-image" className="pixelated" />
        )}
      </div>
      {rerun && (
        <p role="status" className={typeof rerun === 'string' ? 'muted' : rerun.identical ? 'ok' : 'form-error'}>
          {typeof rerun === 'string' ? rerun : rerun.identical ? `Re-run reproduced the pixels exactly (${rerun.executionProvider}, ${(rerun.milliseconds / 1000).toFixed(1)} s)` : `Re-run differs: largest pixel difference ${rerun.maxPixelDifference} (${rerun.executionProvider})`}
        </p>
      )}
      <dl className="edit-provenance">
        <dt>Model</dt><dd>{p.model.name} ({p.model.sha256.slice(0, 12)}…)</dd>
        <dt>Photos</dt>
        <dd data-testid="provenance-photos">
          source {names.data?.source ?? `photo ${p.sourcePhotoId}`} <span className="muted">(id {p.sourcePhotoId})</span>
          {p.targetPhotoId ? (
            <>
              , target {names.data?.target ?? `photo ${p.targetPhotoId}`} <span className="muted">(id {p.targetPhotoId})</span>
            </>
          ) : (
            ', codes set by hand'
          )}
        </dd>
        <dt>Sampler</dt>
        <dd title={p.samplerPlan}>
          {samplerLabel(p.sampler)}, η {p.sampler.eta}, seed {p.sampler.seed}{p.sampler.clip ? ', clip' : ''}{p.sampler.inversion ? ', inversion' : ''}
          {p.samplerPlan && <div className="muted">{p.samplerPlan}</div>}
        </dd>
        <dt>Size</dt><dd>{p.imageSize} px{p.meanShape ? ', album mean shape' : ''}</dd>
        <dt>Provider</dt><dd>{p.executionProvider}, {(p.timing.totalMs / 1000).toFixed(2)} s</dd>
        <dt>Buffers</dt><dd title={p.buffersHash}>{p.buffersHash.slice(0, 16)}… ({p.headModel})</dd>
        <dt>Scores</dt>
        <dd>
          identity {formatScore(result.scores?.identity)}, emotion {formatScore(result.scores?.emotion)}, landmarks {formatScore(result.scores?.landmarkError, 2)} px
          {result.scores?.expressionError !== undefined && (
            <span data-testid="zoom-expression">
              ; expression error {formatScore(result.scores.expressionError)} (unedited source {formatScore(result.scores.sourceExpressionError)}
              {result.scores.expressionEstimator ? `, ${result.scores.expressionEstimator}` : ''})
            </span>
          )}
          {result.scores?.sharpness !== undefined && (
            <span data-testid="zoom-image-measures">
              ; sharpness {formatScore(result.scores.sharpness, 1)}, wavelet noise σ {formatScore(result.scores.waveletNoise, 2)}
            </span>
          )}
          {blank && (
            <span className="muted small" data-testid="score-blank-reason">
              {' '}
              — {scoreBlankReason(result.scores)}
            </span>
          )}
        </dd>
      </dl>
    </Modal>
  );
}
