import { useRef, useState } from 'react';
import type { EditJobView, EditResultInfo } from '../../../common/contract';
import { errorMessage } from '../api';
import { useApi, useTransport } from '../providers/BackendProvider';
import { useNotify } from '../providers/NoticesProvider';
import { PromptDialog } from '../components/PromptDialog';
import { useQuery } from '../hooks/useQuery';
import { failureReason } from '../jobs/format';
import { useJobs } from '../jobs/JobsProvider';
import { downloadBytes, fromBase64 } from '../components/download';
import { useElementWidth } from '../hooks/useElementWidth';
import { blocksPerRow, blockWidth, fitTile, tileLimits, tilesPerLine } from './gridLayout';
import { ResultTile } from './ResultTile';
import { ZoomDialog } from './ZoomDialog';
import { ComparisonPanel } from './ComparisonPanel';

export interface EditGridProps {
  view: EditJobView;
  onChanged: () => void;
}

type Show = 'generated' | 'rendered' | 'normal' | 'albedo';

/** The comparison grid: a row per source; per target, source | target | one generated tile per mode set and model run. */
export function EditGrid({ view, onChanged }: EditGridProps) {
  const api = useApi();
  const transport = useTransport();
  const notify = useNotify();
  const [show, setShow] = useState<Show>('generated');
  const [zoomed, setZoomed] = useState<EditResultInfo | null>(null);
  const [exported, setExported] = useState<string | null>(null);
  // null: tiles sized to the pane (fitTile); a number: the size the researcher chose
  const [chosenTile, setChosenTile] = useState<number | null>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const paneWidth = useElementWidth(scroller);
  const [askingFolder, setAskingFolder] = useState(false);
  const [gridScores, setGridScores] = useState(false);
  const job = useJobs().jobs.find((j) => j.id === view.jobId);
  const ended = ['failed', 'cancelled', 'interrupted'].includes(view.state) ? (job ? failureReason(job) : view.state) : null;
  const photoIds = [...new Set([...view.sourcePhotoIds, ...view.targetPhotoIds])];
  const photos = useQuery(async () => new Map((await Promise.all(photoIds.map((id) => api['photo.get']({ photoId: id })))).map((p) => [p.id, p])), photoIds.join(','));
  const results = new Map(view.results.map((r) => [r.id, r]));
  const targets: (number | null)[] = view.targetPhotoIds.length ? view.targetPhotoIds : [null];
  // the model axis: each mode set has a tile per model run (model and sampler), labelled when there are several
  const runs = Math.max(1, view.runs.length);
  const tilesPerBlock = 2 + view.modes.length * runs;
  const tile = chosenTile ?? (paneWidth > 0 ? fitTile(paneWidth, tilesPerBlock, targets.length) : 112);
  const perRow = paneWidth > 0 ? blocksPerRow(paneWidth, tile, tilesPerBlock, targets.length) : targets.length;
  const perLine = paneWidth > 0 ? tilesPerLine(paneWidth, tile, tilesPerBlock) : tilesPerBlock;
  const wrapped = perLine < tilesPerBlock ? { width: blockWidth(tile, perLine), flexWrap: 'wrap' as const } : {};
  const counts = { done: view.cells.filter((c) => c.state === 'done').length, total: view.cells.length };
  const thumb = (photoId: number | null, role: string) => {
    const photo = photoId === null ? undefined : photos.data?.get(photoId);
    return (
      <figure className="edit-photo-cell">
        {photo ? <img className="edit-photo" src={transport.blobUrl(photo.hash, 'original')} alt={`${role} ${photo.fileName}`} /> : <div className="edit-photo edit-photo-empty">{role}</div>}
        <figcaption className="edit-photo-name" title={photo?.fileName}>
          {role}: {photo?.fileName ?? (photoId === null ? 'codes' : `photo ${photoId}`)}
        </figcaption>
      </figure>
    );
  };
  const exportGrid = async () => {
    try {
      const grid = await api['edit.exportGrid']({ jobId: view.jobId, scores: gridScores });
      downloadBytes(`edit-${view.jobId}-grid.png`, fromBase64(grid.base64), 'image/png');
      setExported(`Grid ${grid.width}×${grid.height} px`);
    } catch (e) {
      notify.error(e, 'Could not export the grid');
    }
  };
  const exportCsv = async () => {
    try {
      const { csv } = await api['edit.scoresCsv']({ jobId: view.jobId });
      downloadBytes(`edit-${view.jobId}-scores.csv`, csv, 'text/csv');
    } catch (e) {
      notify.error(e, 'Could not export the scores');
    }
  };
  const exportFolder = async (dir: string) => {
    try {
      const out = await api['edit.exportResults']({ jobId: view.jobId, dir });
      setExported(`${out.files.length} files written to ${out.dir}`);
    } catch (e) {
      setExported(errorMessage(e));
    }
  };
  return (
    <section className="edit-grid-pane" aria-label="Comparison grid">
      <header className="edit-grid-toolbar">
        <strong>{view.title}</strong>
        <span className="muted" role="status" data-testid="edit-progress">
          {counts.done} of {counts.total} done · {view.state}
        </span>
        <span className="spacer" />
        <span role="radiogroup" aria-label="Show" className="edit-show">
          {(['generated', 'rendered', 'normal', 'albedo'] as Show[]).map((s) => (
            <button key={s} type="button" role="radio" aria-checked={show === s} className={show === s ? 'selected small' : 'small'} onClick={() => setShow(s)}>
              {s === 'generated' ? 'Generated' : s[0].toUpperCase() + s.slice(1)}
            </button>
          ))}
        </span>
        <label className="edit-tile-size">
          Tiles
          <input type="range" min={tileLimits.min} max={256} step={8} value={tile} aria-label="Tile size" onChange={(e) => setChosenTile(Number(e.target.value))} />
        </label>
        {chosenTile !== null && (
          <button type="button" className="small" onClick={() => setChosenTile(null)} title="Size the tiles to the pane again">
            Fit
          </button>
        )}
        {(view.state === 'running' || view.state === 'queued') && (
          <button type="button" className="small" onClick={() => api['job.cancel']({ jobId: view.jobId }).catch((e: unknown) => notify.error(e, 'Could not cancel'))}>
            Cancel
          </button>
        )}
        <button type="button" className="small" onClick={() => void exportGrid()}>
          Export grid PNG
        </button>
        <label className="check small" title="Print each result's scores under its tile in the exported PNG">
          <input type="checkbox" checked={gridScores} onChange={(e) => setGridScores(e.target.checked)} /> with scores
        </label>
        <button type="button" className="small" onClick={() => void exportCsv()}>
          Scores CSV
        </button>
        <button type="button" className="small" onClick={() => setAskingFolder(true)}>
          Export all…
        </button>
      </header>
      {exported && <p className="muted" role="status" data-testid="export-status">{exported}</p>}
      {ended && view.state === 'failed' && (
        <p className="form-error banner" role="alert" data-testid="edit-failure">
          This edit job failed: {ended}
        </p>
      )}
      {/* only the grid scrolls: tabs and toolbar stay put; target blocks wrap to the pane's width */}
      <div ref={scroller} className="edit-grid-scroll">
        <div className="edit-grid" style={{ gridTemplateColumns: `repeat(${perRow}, max-content)`, ['--edit-tile' as string]: `${tile}px` }}>
          {view.sourcePhotoIds.map((source) =>
            targets.map((target, k) => (
              // a source's first block starts a new row, so each source's targets stay together
              <div key={`${source}:${target}`} className="edit-block" data-testid="edit-block" style={{ ...wrapped, ...(k === 0 ? { gridColumnStart: 1 } : {}) }}>
                {thumb(source, 'Source')}
                {thumb(target, 'Target')}
                {view.modes.flatMap((modes) =>
                  Array.from({ length: runs }, (_, run) => {
                    const cell = view.cells.find((c) => c.sourcePhotoId === source && c.targetPhotoId === target && c.modes === modes && (c.run ?? 0) === run);
                    const targetName = target === null ? 'slider codes' : (photos.data?.get(target)?.fileName ?? `photo ${target}`);
                    const runLabel = runs > 1 ? view.runs[run]?.label : undefined;
                    return <ResultTile key={`${modes}:${run}`} cell={cell} result={cell?.resultId ? results.get(cell.resultId) : undefined} show={show} onOpen={setZoomed} targetName={targetName} runLabel={runLabel} jobEnded={ended} />;
                  }),
                )}
              </div>
            )),
          )}
        </div>
      </div>
      <ComparisonPanel view={view} />
      {zoomed && (
        <ZoomDialog
          result={zoomed}
          onClose={() => setZoomed(null)}
          onDeleted={() => {
            setZoomed(null);
            onChanged();
          }}
        />
      )}
      {askingFolder && (
        <PromptDialog
          title="Export all results"
          label="Folder on the backend to write every result into (PNG, buffers, provenance JSON, scores.csv)"
          confirmLabel="Export"
          onSubmit={exportFolder}
          onClose={() => setAskingFolder(false)}
        />
      )}
    </section>
  );
}
