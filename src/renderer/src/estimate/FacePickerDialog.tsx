import { useState } from 'react';
import type { PhotoOutcome } from '../../../common/contract';
import { errorMessage } from '../api';
import { useApi, useTransport } from '../providers/BackendProvider';
import { Modal } from '../components/Modal';
import { useQuery } from '../hooks/useQuery';

export interface FacePickerDialogProps {
  outcome: PhotoOutcome;
  /** The face chosen at first (e.g. the one the current estimate used). */
  initial?: number | null;
  /** Starts the estimation of this photo with the chosen face. */
  onPick: (faceIndex: number) => Promise<void>;
  onClose: () => void;
}

/** A photo with several faces: its detected boxes drawn over it; clicking one estimates that face. */
export function FacePickerDialog({ outcome, initial = null, onPick, onClose }: FacePickerDialogProps) {
  const api = useApi();
  const transport = useTransport();
  const photo = useQuery(() => api['photo.get']({ photoId: outcome.photoId }), String(outcome.photoId));
  const [chosen, setChosen] = useState<number | null>(initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);

  const confirm = async () => {
    if (chosen === null) return;
    setBusy(true);
    try {
      await onPick(chosen);
      onClose();
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

  const p = photo.data;
  return (
    <Modal
      title={`Choose the face in ${outcome.fileName}`}
      onClose={onClose}
      className="face-picker"
      actions={
        <>
          <span className="muted">{chosen === null ? 'Click a face.' : `Face ${chosen + 1} of ${outcome.faceBoxes.length}`}</span>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="primary" disabled={chosen === null || busy} onClick={() => void confirm()}>
            {busy ? 'Starting…' : 'Estimate this face'}
          </button>
        </>
      }
    >
      {photo.error !== undefined && (
        <p className="form-error" role="alert">
          {errorMessage(photo.error)}
        </p>
      )}
      {error !== undefined && (
        <p className="form-error" role="alert">
          {errorMessage(error)}
        </p>
      )}
      {p && (
        <svg className="face-picker-stage" viewBox={`0 0 ${p.width} ${p.height}`} role="group" aria-label="Detected faces">
          <image href={transport.blobUrl(p.hash, 'original')} width={p.width} height={p.height} />
          {outcome.faceBoxes.map(([x, y, w, h], index) => (
            <rect
              key={index}
              x={x}
              y={y}
              width={w}
              height={h}
              className={`face-box ${chosen === index ? 'chosen' : ''}`}
              strokeWidth={Math.max(2, p.width / 300)}
              role="button"
              tabIndex={0}
              aria-label={`Face ${index + 1}`}
              aria-pressed={chosen === index}
              onClick={() => setChosen(index)}
              onKeyDown={(event) => {
                if (event.key === 'Enter' || event.key === ' ') {
                  event.preventDefault();
                  setChosen(index);
                }
              }}
            />
          ))}
        </svg>
      )}
    </Modal>
  );
}
