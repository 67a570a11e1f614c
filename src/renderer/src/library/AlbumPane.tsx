import { useCallback, useEffect, useRef, useState, type DragEvent } from 'react';
import type { Album, PhotoSummary } from '../../../common/contract';
import { useApi, useEvent, useReconnected, useTransport } from '../providers/BackendProvider';
import { useNotify } from '../providers/NoticesProvider';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { AlbumEstimatePanel } from '../estimate/AlbumEstimatePanel';
import { useCoalesced } from '../hooks/useCoalesced';
import { droppedItems } from './dropFiles';
import { ImportControls } from './ImportControls';
import { ImportStatus } from './ImportStatus';
import { PhotoDetail } from './PhotoDetail';
import { FirstStartGuide } from './FirstStartGuide';
import { showsGuide } from './guide';
import { useProject } from '../providers/ProjectProvider';
import { PhotoGrid } from './PhotoGrid';
import { emptySelection, type SelectionState } from './selection';
import { useImport } from './useImport';
import { usePhotoPages } from './usePhotoPages';

export interface AlbumPaneProps {
  album: Album;
}

/** One album: toolbar, import status, the photo grid (a drop target), detail view and delete. */
export function AlbumPane({ album }: AlbumPaneProps) {
  const api = useApi();
  const { project } = useProject();
  const transport = useTransport();
  const notify = useNotify();
  const pages = usePhotoPages(album.id);
  const importer = useImport(album.id);
  const [selection, setSelection] = useState<SelectionState>(emptySelection);
  const [openIndex, setOpenIndex] = useState<number | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [dragging, setDragging] = useState(false);

  const refresh = useCoalesced(pages.invalidate);
  useEvent('library.changed', ({ albumId }) => {
    if (albumId === null || albumId === album.id) refresh();
  });
  // an import run by another process (the command line) announces no library change here: its end does
  useEvent('job.updated', (job) => {
    if (job.kind === 'import' && job.state !== 'queued' && job.state !== 'running') refresh();
  });
  useReconnected(refresh);

  const deleteSelected = async () => {
    const photoIds = [...selection.selected];
    try {
      const { deleted } = await api['photo.delete']({ photoIds });
      notify.info(`Deleted ${deleted} ${deleted === 1 ? 'photo' : 'photos'}.`);
      setSelection(emptySelection);
      pages.invalidate();
    } catch (e) {
      notify.error(e, 'Could not delete the photos');
    }
  };

  const onDrop = async (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    const { topLevel, expand } = droppedItems(event.dataTransfer);
    // Electron: the backend reads the dropped files and folders where they are.
    if (transport.mode === 'electron') await importer.importPaths(await transport.stageFiles(topLevel));
    else await importer.importFiles(await expand());
  };

  const onOpen = useCallback((index: number) => setOpenIndex(index), []);
  const total = pages.total ?? album.photoCount;
  // Stepping through the viewer may cross into a page not fetched yet: fetch it, and keep the
  // previous photo on screen meanwhile instead of closing the viewer.
  const { prefetch } = pages;
  useEffect(() => {
    if (openIndex !== null) prefetch(openIndex - 1, Math.min(openIndex + 1, total - 1));
  }, [prefetch, openIndex, total]);
  const lastShown = useRef<PhotoSummary | undefined>(undefined);
  const openPhoto = openIndex === null ? undefined : (pages.at(openIndex) ?? lastShown.current);
  useEffect(() => {
    lastShown.current = openPhoto;
  });
  const busy = importer.state.phase === 'uploading' || importer.state.phase === 'starting';

  return (
    <section
      className={`album-pane ${dragging ? 'dragging' : ''}`}
      aria-label={`Album ${album.name}`}
      onDragOver={(event) => {
        if (!event.dataTransfer.types.includes('Files')) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = 'copy';
        setDragging(true);
      }}
      onDragLeave={(event) => {
        if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setDragging(false);
      }}
      onDrop={(event) => void onDrop(event)}
    >
      <header className="album-toolbar">
        <h1>{album.name}</h1>
        <span className="muted">
          {total} {total === 1 ? 'photo' : 'photos'}
        </span>
        <span className="spacer" />
        {selection.selected.size > 0 && (
          <span className="selection-bar" role="status">
            {selection.selected.size} selected
            <button type="button" className="danger small" onClick={() => setConfirmDelete(true)}>
              Delete
            </button>
            <button type="button" className="small" onClick={() => setSelection(emptySelection)}>
              Clear
            </button>
          </span>
        )}
        <ImportControls importer={importer} disabled={busy} />
      </header>
      {showsGuide(project, album) && <FirstStartGuide projectDir={project.dir} />}
      <ImportStatus state={importer.state} onDismiss={importer.dismiss} />
      {total > 0 && <AlbumEstimatePanel album={album} />}
      {total === 0 && importer.state.phase === 'idle' ? (
        <div className="empty-album">
          <p>No photos yet.</p>
          <p className="muted">Drop photos or folders here, or use the import buttons above. JPEG, PNG, WebP, TIFF and AVIF.</p>
        </div>
      ) : (
        <PhotoGrid pages={pages} selection={selection} onSelectionChange={setSelection} onOpen={onOpen} onDeleteRequest={() => setConfirmDelete(true)} label={`Photos in ${album.name}`} />
      )}
      {dragging && (
        <div className="drop-overlay" aria-hidden="true">
          Drop to import into “{album.name}”
        </div>
      )}
      {openPhoto && openIndex !== null && (
        <PhotoDetail
          photo={openPhoto}
          index={openIndex}
          total={total}
          onPrevious={openIndex > 0 ? () => setOpenIndex(openIndex - 1) : undefined}
          onNext={openIndex < total - 1 ? () => setOpenIndex(openIndex + 1) : undefined}
          onClose={() => setOpenIndex(null)}
        />
      )}
      {confirmDelete && (
        <ConfirmDialog
          title={`Delete ${selection.selected.size} ${selection.selected.size === 1 ? 'photo' : 'photos'}?`}
          confirmLabel="Delete"
          danger
          onConfirm={deleteSelected}
          onClose={() => setConfirmDelete(false)}
        >
          <p>They are removed from the project; stored files no other photo uses are deleted. The files you imported from are not touched.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
