import type { EditCellInfo, EditResultInfo } from '../../../common/contract';
import { useApi } from '../app/BackendProvider';
import { useResultImage } from './images';

export interface ResultTileProps {
  cell: EditCellInfo | undefined;
  result: EditResultInfo | undefined;
  /** Which buffer to show instead of the generated image. */
  show: 'generated' | 'rendered' | 'normal' | 'albedo';
  onOpen: (result: EditResultInfo) => void;
}

/** A generated cell of the grid: the image (or the chosen buffer), its state and scores; click to zoom. */
export function ResultTile({ cell, result, show, onOpen }: ResultTileProps) {
  const api = useApi();
  const url = useResultImage(api, result?.id ?? null, show);
  const state = cell?.state ?? 'pending';
  const label = cell?.modes ?? '';
  if (!result) {
    return (
      <div className={`edit-tile edit-tile-${state}`} data-testid="edit-cell" data-state={state} title={cell?.error ?? state}>
        <span className="edit-tile-mode">{label}</span>
        <span className="edit-tile-state">{state === 'failed' ? 'failed' : state === 'cancelled' ? 'cancelled' : state === 'done' ? 'deleted' : '…'}</span>
      </div>
    );
  }
  const s = result.scores;
  return (
    <button type="button" className="edit-tile edit-tile-done" data-testid="edit-cell" data-state="done" data-result-id={result.id} onClick={() => onOpen(result)} title={`Open result ${result.id} (${label})`}>
      {url ? <img src={url} alt={`${show} ${label}`} className="pixelated" /> : <span className="edit-tile-state">…</span>}
      <span className="edit-tile-mode">{label}</span>
      {s && (s.identity !== null || s.emotion !== null || s.landmarkError !== null) && (
        <span className="edit-tile-scores">
          {s.identity !== null && `id ${s.identity.toFixed(2)}`} {s.emotion !== null && `emo ${s.emotion.toFixed(2)}`} {s.landmarkError !== null && `lmk ${s.landmarkError.toFixed(1)}px`}
        </span>
      )}
    </button>
  );
}
