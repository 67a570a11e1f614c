import { useMemo } from 'react';
import type { Album } from '../../../common/contract';
import { useApi, useTransport } from '../providers/BackendProvider';
import { useQuery } from '../hooks/useQuery';

export interface PhotoPickerProps {
  label: string;
  albums: Album[];
  albumId: number | null;
  onAlbum: (albumId: number) => void;
  selected: number[];
  onSelected: (photoIds: number[]) => void;
}

/** An album's photos that have FLAME codes, as toggleable thumbnails (selection order kept). */
export function PhotoPicker({ label, albums, albumId, onAlbum, selected, onSelected }: PhotoPickerProps) {
  const api = useApi();
  const transport = useTransport();
  const photos = useQuery(async () => {
    if (albumId === null) return { items: [], estimated: new Set<number>() };
    const [page, estimates] = await Promise.all([api['photo.list']({ albumId, offset: 0, limit: 500 }), api['edit.estimates']({ albumId })]);
    return { items: page.items, estimated: new Set(estimates.map((e) => e.photoId)) };
  }, String(albumId));
  const items = useMemo(() => photos.data?.items ?? [], [photos.data]);
  const estimated = photos.data?.estimated ?? new Set<number>();
  const toggle = (id: number) => onSelected(selected.includes(id) ? selected.filter((s) => s !== id) : [...selected, id]);
  return (
    <fieldset className="edit-picker">
      <legend>{label}</legend>
      <select aria-label={`${label} album`} value={albumId ?? ''} onChange={(e) => onAlbum(Number(e.target.value))}>
        <option value="" disabled>
          Choose an album
        </option>
        {albums.map((a) => (
          <option key={a.id} value={a.id}>
            {a.name}
          </option>
        ))}
      </select>
      <div className="edit-picker-photos" role="group" aria-label={`${label} photos`}>
        {items.map((p) => {
          const ready = estimated.has(p.id);
          const order = selected.indexOf(p.id);
          return (
            <button
              key={p.id}
              type="button"
              className={`edit-picker-photo ${order >= 0 ? 'selected' : ''}`}
              disabled={!ready}
              aria-pressed={order >= 0}
              title={ready ? p.fileName : `${p.fileName}: no FLAME codes yet (run estimation)`}
              onClick={() => toggle(p.id)}
              data-photo-id={p.id}
            >
              <img src={transport.blobUrl(p.hash, 'thumb')} alt={p.fileName} />
              {order >= 0 && <span className="edit-picker-order">{order + 1}</span>}
            </button>
          );
        })}
        {albumId !== null && items.length > 0 && estimated.size === 0 && <p className="muted">No photo of this album has FLAME codes yet: run estimation first.</p>}
      </div>
    </fieldset>
  );
}
