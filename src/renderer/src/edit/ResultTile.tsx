import type { EditCellInfo, EditResultInfo } from '../../../common/contract';
import { useApi } from '../providers/BackendProvider';
import { useResultImage } from './images';

export interface ResultTileProps {
  cell: EditCellInfo | undefined;
  result: EditResultInfo | undefined;
  /** Which buffer to show instead of the generated image. */
  show: 'generated' | 'rendered' | 'normal' | 'albedo';
  onOpen: (result: EditResultInfo) => void;
  /** The target photo's name (the tile's column, with the mode). */
  targetName?: string;
  /** The tile's model run (model and sampler), when the job compares several. */
  runLabel?: string;
  /** Why the job ended, when it ended without running this cell (shown on cells still pending). */
  jobEnded?: string | null;
}

/** What no face in a generated image likely means, and what to check. */
export const noFaceMeaning =
  'No face in the result usually means the model does not match the buffers it was given: a FLAME-trained checkpoint needs your FLAME files (Settings → FLAME files), the Demo base model needs the demo head (no FLAME files). Too few DDIM steps or a wrong image size give noise too.';

/** Whether the scorer found no face in the generated image. */
export function foundNoFace(scores: EditResultInfo['scores']): boolean {
  return scores !== null && scores.identity === null && scores.landmarkError === null && scores.notes.some((n) => /no face/i.test(n));
}

/** What a score blank means: the notes the scorer left (with what no face likely means), or that scoring was off. */
export function scoreBlankReason(scores: EditResultInfo['scores']): string {
  if (!scores) return 'No scores: this edit ran with Scores off.';
  const notes = scores.notes.length ? scores.notes.join('; ') : 'A score is blank when the model that computes it is missing or found no face.';
  return foundNoFace(scores) ? `${notes}. ${noFaceMeaning}` : notes;
}

/** A generated cell of the grid: the image (or the chosen buffer), its state and scores; click to zoom. */
export function ResultTile({ cell, result, show, onOpen, targetName, runLabel, jobEnded = null }: ResultTileProps) {
  const api = useApi();
  const url = useResultImage(api, result?.id ?? null, show);
  const state = cell?.state ?? 'pending';
  const label = cell?.modes ?? '';
  const caption = targetName ? `${label} ← ${targetName}` : label;
  const run = runLabel ? (
    <span className="edit-tile-mode edit-tile-run" title={runLabel} data-testid="tile-run">
      {runLabel}
    </span>
  ) : null;
  // captions and scores sit under the tile, never over the face
  if (!result) {
    const notRun = state === 'pending' && jobEnded ? jobEnded : null;
    const reason = state === 'failed' ? (cell?.error ?? jobEnded ?? 'failed; see the job’s log') : notRun;
    return (
      <figure className="edit-cell" data-testid="edit-cell" data-state={notRun ? 'not-run' : state}>
        <div className={`edit-tile edit-tile-${notRun ? 'failed' : state}`} title={reason ?? state}>
          {reason ? (
            <span className="edit-tile-error" data-testid="cell-reason">
              <strong>{state === 'failed' ? 'Failed' : 'Not run'}:</strong> {reason}
            </span>
          ) : (
            <span className="edit-tile-state">{state === 'cancelled' ? 'cancelled' : state === 'done' ? 'deleted' : state === 'failed' ? 'failed' : '…'}</span>
          )}
        </div>
        <figcaption className="edit-cell-caption">
          <span className="edit-tile-mode" title={caption}>{caption}</span>
          {run}
        </figcaption>
      </figure>
    );
  }
  const s = result.scores;
  const score = (value: number | null, name: string, digits: number, unit = '') => (value === null ? `${name} —` : `${name} ${value.toFixed(digits)}${unit}`);
  return (
    <figure className="edit-cell" data-testid="edit-cell" data-state="done" data-result-id={result.id}>
      <button type="button" className="edit-tile edit-tile-done" onClick={() => onOpen(result)} title={`Open result ${result.id} (${label}${runLabel ? `, ${runLabel}` : ''})`}>
        {url ? <img src={url} alt={`${show} ${label}`} className="pixelated" /> : <span className="edit-tile-state">…</span>}
      </button>
      <figcaption className="edit-cell-caption">
        <span className="edit-tile-mode" title={caption}>{caption}</span>
        {run}
        {s && foundNoFace(s) ? (
          <span className="edit-tile-scores edit-tile-noface" title={scoreBlankReason(s)}>
            no face found ⓘ
          </span>
        ) : s ? (
          <span className="edit-tile-scores" title={s.identity === null || s.emotion === null || s.landmarkError === null ? `— : ${scoreBlankReason(s)}` : undefined}>
            {score(s.identity, 'id', 2)} {score(s.emotion, 'emo', 2)} {score(s.landmarkError, 'lmk', 1, 'px')}
          </span>
        ) : (
          <span className="edit-tile-scores" title={scoreBlankReason(null)}>
            no scores
          </span>
        )}
        {s && (s.expressionError !== undefined || s.sharpness !== undefined) ? (
          <span className="edit-tile-measures" data-testid="tile-measures" title={s.expressionError === null ? `exp — : ${scoreBlankReason(s)}` : 'expression error (the unedited source\'s in brackets), sharpness, wavelet noise σ'}>
            {s.expressionError !== undefined ? `${score(s.expressionError, 'exp', 3)}${typeof s.sourceExpressionError === 'number' ? ` (${s.sourceExpressionError.toFixed(3)})` : ''} ` : ''}
            {score(s.sharpness ?? null, 'sharp', 0)} {score(s.waveletNoise ?? null, 'σ', 2)}
          </span>
        ) : null}
      </figcaption>
    </figure>
  );
}
