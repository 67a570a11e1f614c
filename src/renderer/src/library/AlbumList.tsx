import { useState } from 'react';
import type { Album } from '../../../common/contract';
import { useApi, useTransport } from '../providers/BackendProvider';
import { useNotify } from '../providers/NoticesProvider';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { PromptDialog } from '../components/PromptDialog';
import { AlbumItem } from './AlbumItem';

export interface AlbumListProps {
  albums: Album[];
  currentId: number | null;
  /** After a create, rename or delete: refetch, and go to `albumId` when given. */
  onChanged: (albumId?: number) => void;
}

type Dialog = { kind: 'create' } | { kind: 'rename'; album: Album } | { kind: 'delete'; album: Album } | null;

/** The album sidebar: albums with covers and counts; create, rename and delete (after asking). */
export function AlbumList({ albums, currentId, onChanged }: AlbumListProps) {
  const api = useApi();
  const transport = useTransport();
  const notify = useNotify();
  const [dialog, setDialog] = useState<Dialog>(null);

  const remove = async (album: Album) => {
    try {
      await api['album.delete']({ albumId: album.id });
      notify.info(`Deleted album “${album.name}”.`);
      onChanged();
    } catch (e) {
      notify.error(e, `Could not delete album “${album.name}”`);
    }
  };

  return (
    <aside className="album-sidebar" aria-label="Albums">
      <header className="sidebar-header">
        <h2>Albums</h2>
        <button type="button" className="primary small" onClick={() => setDialog({ kind: 'create' })}>
          New album
        </button>
      </header>
      <ul className="album-list">
        {albums.map((album) => (
          <AlbumItem
            key={album.id}
            album={album}
            current={album.id === currentId}
            coverUrl={album.coverHash ? transport.blobUrl(album.coverHash, 'thumb') : undefined}
            onRename={(a) => setDialog({ kind: 'rename', album: a })}
            onDelete={(a) => setDialog({ kind: 'delete', album: a })}
          />
        ))}
      </ul>
      {dialog?.kind === 'create' && (
        <PromptDialog
          title="New album"
          label="Album name"
          confirmLabel="Create album"
          onSubmit={async (name) => onChanged((await api['album.create']({ name })).id)}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog?.kind === 'rename' && (
        <PromptDialog
          title={`Rename “${dialog.album.name}”`}
          label="Album name"
          initialValue={dialog.album.name}
          confirmLabel="Rename"
          onSubmit={async (name) => {
            await api['album.rename']({ albumId: dialog.album.id, name });
            onChanged();
          }}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog?.kind === 'delete' && (
        <ConfirmDialog title={`Delete album “${dialog.album.name}”?`} confirmLabel="Delete album" danger onConfirm={() => remove(dialog.album)} onClose={() => setDialog(null)}>
          <p>
            Its {dialog.album.photoCount} {dialog.album.photoCount === 1 ? 'photo' : 'photos'} will be removed from the project. Files you imported from stay where they are.
          </p>
        </ConfirmDialog>
      )}
    </aside>
  );
}
