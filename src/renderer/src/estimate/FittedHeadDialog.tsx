import { lazy, Suspense } from 'react';
import type { PhotoEstimateView } from '../../../common/contract';
import type { FlameCodes } from '../../../common/contract/viewport';
import { errorMessage } from '../api';
import { useApi } from '../app/BackendProvider';
import { Modal } from '../components/Modal';
import { useQuery } from '../hooks/useQuery';

// three.js and react-three-fiber load when the fitted head is opened, not with the library.
const FittedHead = lazy(() => import('./FittedHead').then((module) => ({ default: module.FittedHead })));

export interface FittedHeadDialogProps {
  fileName: string;
  estimate: PhotoEstimateView;
  onSave: (codes: FlameCodes) => Promise<PhotoEstimateView>;
  onRestore: () => Promise<PhotoEstimateView>;
  onClose: () => void;
}

/** The fitted head over the photo, with its codes editable, in a dialog over the photo detail. */
export function FittedHeadDialog({ fileName, estimate, onSave, onRestore, onClose }: FittedHeadDialogProps) {
  const api = useApi();
  const model = useQuery(() => api['viewport.model'](), 'model');
  return (
    <Modal title={`Fitted head: ${fileName}`} onClose={onClose} className="fitted-head-dialog">
      {model.error !== undefined && (
        <p className="form-error" role="alert">
          The head model could not be loaded: {errorMessage(model.error)}
        </p>
      )}
      {model.data ? (
        <Suspense fallback={<p className="loading">Loading the 3D view…</p>}>
          <FittedHead model={model.data} estimate={estimate} onSave={onSave} onRestore={onRestore} />
        </Suspense>
      ) : (
        model.error === undefined && <p className="loading">Loading the head model…</p>
      )}
    </Modal>
  );
}
