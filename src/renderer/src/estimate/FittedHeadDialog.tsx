import { lazy, Suspense, useState } from 'react';
import type { PhotoEstimateView } from '../../../common/contract';
import type { FlameCodes } from '../../../common/flame/codes';
import { errorMessage } from '../api';
import { useApi } from '../providers/BackendProvider';
import { ConfirmDialog } from '../components/ConfirmDialog';
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

/**
 * The fitted head over the photo, with its codes editable, in a dialog over the photo detail.
 * Closing it (×, Escape) with unsaved code edits asks first: the edits are only in the view.
 */
export function FittedHeadDialog({ fileName, estimate, onSave, onRestore, onClose }: FittedHeadDialogProps) {
  const api = useApi();
  const model = useQuery(() => api['viewport.model'](), 'model');
  const [dirty, setDirty] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const close = () => (dirty ? setConfirming(true) : onClose());
  return (
    <>
      <Modal title={`Fitted head: ${fileName}`} onClose={close} className="fitted-head-dialog">
        {model.error !== undefined && (
          <p className="form-error" role="alert">
            The head model could not be loaded: {errorMessage(model.error)}
          </p>
        )}
        {model.data ? (
          <Suspense fallback={<p className="loading">Loading the 3D view…</p>}>
            <FittedHead model={model.data} estimate={estimate} onSave={onSave} onRestore={onRestore} onDirtyChange={setDirty} />
          </Suspense>
        ) : (
          model.error === undefined && <p className="loading">Loading the head model…</p>
        )}
      </Modal>
      {confirming && (
        <ConfirmDialog title="Discard unsaved code edits?" confirmLabel="Discard edits" danger onConfirm={onClose} onClose={() => setConfirming(false)}>
          <p>
            The codes of {fileName} were changed but not saved. Editing and training keep using the saved codes; close anyway and lose the changes?
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}
