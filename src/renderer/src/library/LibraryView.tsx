import { useEffect } from 'react';
import { errorMessage } from '../api';
import { useApi, useEvent, useReconnected } from '../providers/BackendProvider';
import { formatRoute } from '../navigation/route';
import type { ViewProps } from '../navigation/viewProps';
import { useCoalesced } from '../hooks/useCoalesced';
import { useQuery } from '../hooks/useQuery';
import { AlbumList } from './AlbumList';
import { AlbumPane } from './AlbumPane';

/** The library: albums on the left, the chosen album (`#/library/<albumId>`) on the right. */
export function LibraryView({ path, navigate }: ViewProps) {
  const api = useApi();
  const albums = useQuery(() => api['album.list'](), 'albums');
  const refresh = useCoalesced(albums.reload);
  useEvent('library.changed', refresh);
  useEvent('job.updated', (job) => {
    if (job.kind === 'import' && job.state !== 'queued' && job.state !== 'running') refresh();
  });
  useReconnected(refresh);

  const requested = Number(path[0]);
  const list = albums.data ?? [];
  const album = list.find((a) => a.id === requested);

  // No album (or a deleted one) in the address: show the first, without a history entry. Not
  // while reloading: a just-created album is in the address before it is in the list.
  const settled = albums.data !== undefined && !albums.loading;
  const firstId = list[0]?.id;
  useEffect(() => {
    if (settled && !album && firstId !== undefined) window.location.replace(formatRoute('library', firstId));
  }, [settled, album, firstId]);

  return (
    <div className="library-view">
      <AlbumList
        albums={list}
        currentId={album?.id ?? null}
        onChanged={(albumId) => {
          albums.reload();
          if (albumId !== undefined) navigate(formatRoute('library', albumId));
        }}
      />
      {albums.error !== undefined && (
        <p className="form-error banner" role="alert">
          {errorMessage(albums.error)}
        </p>
      )}
      {album ? (
        <AlbumPane key={album.id} album={album} />
      ) : (
        albums.data?.length === 0 && (
          <div className="empty-library">
            <h1>No albums yet</h1>
            <p className="muted">An album holds one person’s photos. Create one with “New album”, then import photos into it.</p>
          </div>
        )
      )}
    </div>
  );
}
