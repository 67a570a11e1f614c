import { useState } from 'react';
import type { EditResultInfo } from '../../../common/contract';
import { errorMessage } from '../api';
import { useApi } from '../providers/BackendProvider';
import { useNotify } from '../providers/NoticesProvider';
import { useQuery } from '../hooks/useQuery';
import { useResultImage } from './images';
import { ZoomDialog } from './ZoomDialog';

function Thumb({ result, onOpen }: { result: EditResultInfo; onOpen: () => void }) {
  const api = useApi();
  const url = useResultImage(api, result.id, 'generated');
  return (
    <button type="button" className="edit-tile edit-tile-done" onClick={onOpen} title={`Result ${result.id}: ${result.modes}`}>
      {url && <img src={url} alt={`result ${result.id}`} className="pixelated" />}
      <span className="edit-tile-mode">{result.modes}</span>
    </button>
  );
}

/** Every result whose source is in an album, newest first, deletable. */
export function ResultsBrowser({ albumId }: { albumId: number | null }) {
  const api = useApi();
  const notify = useNotify();
  const results = useQuery(() => (albumId === null ? Promise.resolve([]) : api['edit.results']({ albumId })), `results:${albumId}`);
  const [zoomed, setZoomed] = useState<EditResultInfo | null>(null);
  const list = results.data ?? [];
  return (
    <div className="edit-results">
      <div className="edit-run-options">
        <span className="muted">{list.length} result{list.length === 1 ? '' : 's'} in this album</span>
        <button type="button" className="small" onClick={results.reload}>
          Refresh
        </button>
        {list.length > 0 && (
          <button type="button" className="small danger" onClick={() => window.confirm(`Delete all ${list.length} results of this album?`) && api['edit.delete']({ resultIds: list.map((r) => r.id) }).then(results.reload, (e: unknown) => notify.error(e, 'Could not delete the results'))}>
            Delete all
          </button>
        )}
      </div>
      {results.error !== undefined && (
        <p className="form-error" role="alert">
          {errorMessage(results.error)}
        </p>
      )}
      <div className="edit-results-grid">
        {list.map((r) => (
          <Thumb key={r.id} result={r} onOpen={() => setZoomed(r)} />
        ))}
      </div>
      {zoomed && <ZoomDialog result={zoomed} onClose={() => setZoomed(null)} onDeleted={() => { setZoomed(null); results.reload(); }} />}
    </div>
  );
}
