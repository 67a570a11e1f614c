import type { Album } from '../../../common/contract';
import { formatRoute } from '../navigation/route';
import { Icon } from '../components/Icon';

export interface AlbumItemProps {
  album: Album;
  current: boolean;
  coverUrl: string | undefined;
  onRename: (album: Album) => void;
  onDelete: (album: Album) => void;
}

/** One album in the sidebar: cover, name, photo count, rename and delete. */
export function AlbumItem({ album, current, coverUrl, onRename, onDelete }: AlbumItemProps) {
  return (
    <li className={`album-item ${current ? 'current' : ''}`}>
      <a href={formatRoute('library', album.id)} aria-current={current ? 'page' : undefined} className="album-link">
        <span className="album-cover">{coverUrl ? <img src={coverUrl} alt="" loading="lazy" /> : <Icon name="image" size={18} />}</span>
        <span className="album-text">
          <span className="album-name">{album.name}</span>
          <span className="muted small">
            {album.photoCount} {album.photoCount === 1 ? 'photo' : 'photos'}
          </span>
        </span>
      </a>
      <span className="album-actions">
        <button type="button" className="icon-button" aria-label={`Rename album ${album.name}`} title="Rename" onClick={() => onRename(album)}>
          <Icon name="pencil" size={14} />
        </button>
        <button type="button" className="icon-button" aria-label={`Delete album ${album.name}`} title="Delete" onClick={() => onDelete(album)}>
          <Icon name="trash" size={14} />
        </button>
      </span>
    </li>
  );
}
