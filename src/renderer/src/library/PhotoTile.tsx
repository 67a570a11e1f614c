import { memo, type MouseEvent } from 'react';
import type { PhotoSummary } from '../../../common/contract';

export interface PhotoTileProps {
  index: number;
  /** Undefined while its page is loading: a placeholder of the same size. */
  photo: PhotoSummary | undefined;
  thumbUrl: string | undefined;
  selected: boolean;
  focused: boolean;
  size: number;
  onClick: (index: number, event: MouseEvent) => void;
  onOpen: (index: number) => void;
}

/** One cell of the photo grid: the thumbnail and the file name. */
export const PhotoTile = memo(function PhotoTile({ index, photo, thumbUrl, selected, focused, size, onClick, onOpen }: PhotoTileProps) {
  return (
    <div
      id={`photo-cell-${index}`}
      role="option"
      aria-selected={selected}
      aria-label={photo?.fileName ?? 'Loading'}
      className={`photo-tile ${selected ? 'selected' : ''} ${focused ? 'focused' : ''}`}
      style={{ width: size }}
      onClick={(event) => onClick(index, event)}
      onDoubleClick={() => onOpen(index)}
    >
      <div className="thumb-frame" style={{ height: size }}>
        {photo && thumbUrl && <img className="thumb" src={thumbUrl} alt="" loading="lazy" decoding="async" draggable={false} />}
      </div>
      <span className="photo-name" title={photo?.fileName}>
        {photo?.fileName ?? ''}
      </span>
    </div>
  );
});
