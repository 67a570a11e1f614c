import { useState } from 'react';
import { useApi } from '../../providers/BackendProvider';
import { useQuery } from '../../hooks/useQuery';

export interface PhotoPickerProps {
  /** The photo shown now, or null for none (demo head / loaded codes). */
  photoId?: number | null;
  /** Its album, to list its siblings. */
  albumId?: number | null;
  onPick: (photoId: number | null) => void;
}

/** Picks an estimated photo (album, then photo) to show the head over; "none" leaves photos. */
export function PhotoPicker({ photoId = null, albumId: photoAlbumId = null, onPick }: PhotoPickerProps) {
  const api = useApi();
  const albums = useQuery(() => api['album.list'](), 'albums');
  const [chosenAlbum, setAlbumId] = useState<number | null>(null);
  const albumId = chosenAlbum ?? photoAlbumId;
  const photos = useQuery(() => (albumId ? api['viewport.estimatedPhotos']({ albumId }) : Promise.resolve([])), `photos:${albumId}`);

  return (
    <div className="photo-picker" role="group" aria-label="Photo">
      <label>
        Over a photo:{' '}
        <select data-testid="photo-album" value={albumId ?? ''} onChange={(event) => setAlbumId(event.currentTarget.value ? Number(event.currentTarget.value) : null)}>
          <option value="">album…</option>
          {albums.data?.map((album) => (
            <option key={album.id} value={album.id}>
              {album.name}
            </option>
          ))}
        </select>
      </label>
      {albumId !== null && (
        <select data-testid="photo-estimated" value={photoId ?? ''} onChange={(event) => onPick(event.currentTarget.value ? Number(event.currentTarget.value) : null)}>
          <option value="">{photos.data?.length === 0 ? 'no estimated photos in this album' : 'photo…'}</option>
          {photos.data?.map((photo) => (
            <option key={photo.photoId} value={photo.photoId}>
              {photo.fileName} ({photo.estimator})
            </option>
          ))}
        </select>
      )}
      {photoId !== null && (
        <button type="button" onClick={() => onPick(null)}>
          No photo
        </button>
      )}
    </div>
  );
}
