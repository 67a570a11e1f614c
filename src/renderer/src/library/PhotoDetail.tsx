import { useRef, useState } from 'react';
import type { PhotoSummary } from '../../../common/contract';
import { errorMessage } from '../api';
import { useApi, useTransport } from '../providers/BackendProvider';
import { Modal } from '../components/Modal';
import { PhotoEstimatePanel } from '../estimate/PhotoEstimatePanel';
import { PhotoOverlay } from '../estimate/PhotoOverlay';
import { useQuery } from '../hooks/useQuery';
import { useElementSize } from '../hooks/useElementSize';

export interface PhotoDetailProps {
  photo: PhotoSummary;
  /** Position in the album, for "3 of 120". */
  index: number;
  total: number;
  onPrevious?: () => void;
  onNext?: () => void;
  onClose: () => void;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** One photo large, with its file and image metadata (photo.get). ←/→ step through the album. */
export function PhotoDetail({ photo, index, total, onPrevious, onNext, onClose }: PhotoDetailProps) {
  const api = useApi();
  const transport = useTransport();
  const detail = useQuery(() => api['photo.get']({ photoId: photo.id }), String(photo.id));
  // Browsers do not decode every stored format (TIFF): then the thumbnail stands in.
  const [failedId, setFailedId] = useState<number | null>(null);
  const failed = failedId === photo.id;
  // the photo fills the stage at any size: a small one is scaled up, not left at native size in
  // an empty pane (its box is the shown image, so the landmark overlay stays on it)
  const stage = useRef<HTMLElement>(null);
  const room = useElementSize(stage);
  const [natural, setNatural] = useState<{ id: number; width: number; height: number } | null>(null);
  const caption = 32;
  const fit = natural && natural.id === photo.id && room.width > 0 ? Math.min(room.width / natural.width, (room.height - caption) / natural.height) : null;
  const fitted = fit && fit > 0 ? { width: Math.floor(natural!.width * fit), height: Math.floor(natural!.height * fit), maxWidth: 'none', maxHeight: 'none' } : undefined;
  const loaded = (event: React.SyntheticEvent<HTMLImageElement>) => setNatural({ id: photo.id, width: event.currentTarget.naturalWidth, height: event.currentTarget.naturalHeight });

  // ←/→ belong to this viewer only while it is the topmost dialog and no form control has the
  // focus: a dialog opened over it (Fitted head & codes…) keeps its arrow keys to itself.
  const onKey = (event: KeyboardEvent) => {
    if (event.key === 'ArrowLeft' && onPrevious) onPrevious();
    else if (event.key === 'ArrowRight' && onNext) onNext();
    else return;
    event.preventDefault();
  };

  const d = detail.data;
  const rows: [string, string | number][] = d
    ? [
        ['File', d.fileName],
        ['Size', `${d.width} × ${d.height} px`],
        ['Format', d.format],
        ['File size', formatBytes(d.bytes)],
        ['EXIF orientation', d.orientation],
        ['Imported', new Date(d.importedAt).toLocaleString()],
        ['Source', d.origin === 'upload' ? `uploaded from the browser as ${d.sourcePath}` : d.sourcePath],
        ['Content hash', d.hash],
        ...Object.entries(d.metadata),
      ]
    : [];

  return (
    <Modal title={photo.fileName} onClose={onClose} className="photo-detail" onKey={onKey}>
      <div className="photo-detail-body">
        <figure className="photo-stage" ref={stage}>
          {failed ? (
            <img src={transport.blobUrl(photo.hash, 'thumb')} alt={photo.fileName} onLoad={loaded} style={fitted} />
          ) : (
            <img src={transport.blobUrl(photo.hash, 'original')} alt={photo.fileName} onError={() => setFailedId(photo.id)} onLoad={loaded} style={fitted} />
          )}
          <PhotoOverlay photoId={photo.id} />
          <figcaption className="muted small">
            {failed && `The browser cannot show this ${d?.format ?? ''} original; this is its 256-px preview. `}
            {index + 1} of {total}
          </figcaption>
          <div className="stage-nav">
            <button type="button" aria-label="Previous photo" disabled={!onPrevious} onClick={onPrevious}>
              ←
            </button>
            <button type="button" aria-label="Next photo" disabled={!onNext} onClick={onNext}>
              →
            </button>
          </div>
        </figure>
        <section className="photo-meta" aria-label="Photo metadata">
          {detail.error !== undefined && (
            <p className="form-error" role="alert">
              {errorMessage(detail.error)}
            </p>
          )}
          <dl>
            {rows.map(([key, value]) => (
              <div key={key} className="meta-row">
                <dt>{key}</dt>
                <dd title={String(value)}>{String(value)}</dd>
              </div>
            ))}
          </dl>
          <PhotoEstimatePanel photo={photo} />
        </section>
      </div>
    </Modal>
  );
}
