import { useEffect, useState } from 'react';
import type { PhotoEstimateView } from '../../../common/contract';
import type { PackedHeadModel } from '../../../common/contract/viewport';
import type { FlameCodes } from '../../../common/flame/codes';
import { ExpressionSliders } from '../viewport/components/ExpressionSliders';
import { HeadStage, usePosableHead } from '../viewport/components/HeadStage';
import { PoseSliders } from '../viewport/components/PoseSliders';
import { codesFromContract, codesToContract } from '../viewport/rig/rigStore';
import { headMismatch } from './format';
import '../viewport/viewport.css';

export interface FittedHeadProps {
  model: PackedHeadModel;
  estimate: PhotoEstimateView;
  /** Saves the edited codes; resolves with the stored estimate. */
  onSave: (codes: FlameCodes) => Promise<PhotoEstimateView>;
  /** Puts the estimator's codes back. */
  onRestore: () => Promise<PhotoEstimateView>;
  /** Told whenever the view gets or loses unsaved code edits (so closing can ask first). */
  onDirtyChange?: (dirty: boolean) => void;
  canvasSize?: number;
}

/**
 * The fitted head over the photo's aligned crop (the frame its camera was estimated in), built
 * from the 3D viewport's rig and components, with the estimated codes editable: expression and
 * pose sliders, Save (what editing and training then use) and Restore (the estimator's codes).
 */
export function FittedHead({ model, estimate, onSave, onRestore, onDirtyChange, canvasSize = 448 }: FittedHeadProps) {
  const head = usePosableHead(model, () => codesFromContract(estimate.codes));
  const { store } = head;
  const [dirty, setDirty] = useState(false);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const mismatch = headMismatch(estimate.estimator, estimate.estimatorVersion, model.info);
  const photoUrl = `data:${estimate.aligned.mime};base64,${estimate.aligned.base64}`;

  useEffect(() => store.onChange(() => setDirty(true)), [store]);
  useEffect(() => onDirtyChange?.(dirty), [dirty, onDirtyChange]);

  const act = async (action: () => Promise<PhotoEstimateView>, done: string) => {
    setBusy(true);
    try {
      const saved = await action();
      store.replace(codesFromContract(saved.codes));
      head.redraw();
      setDirty(false);
      setMessage({ text: done, error: false });
    } catch (e) {
      setMessage({ text: e instanceof Error ? e.message : String(e), error: true });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="fitted-head" data-testid="fitted-head">
      <div className="fitted-head-view">
        <p className="muted small">
          {model.info.label} over the aligned crop · {estimate.estimator} ({estimate.estimatorVersion})
        </p>
        {mismatch && (
          <p className="estimate-warn small" data-testid="head-mismatch">
            {mismatch}
          </p>
        )}
        <HeadStage head={head} size={canvasSize} photoUrl={photoUrl} />
        <div className="fitted-head-actions">
          <button type="button" className="primary" disabled={busy || !dirty} data-testid="codes-save" onClick={() => void act(() => onSave(codesToContract(store.codes)), 'Codes saved; editing and training use them now.')}>
            Save codes
          </button>
          <button type="button" disabled={busy || !estimate.edited} data-testid="codes-restore" onClick={() => void act(onRestore, "The estimator's codes are back.")}>
            Restore estimate
          </button>
          <span className={estimate.edited ? 'badge' : 'muted small'} data-testid="codes-state">
            {estimate.edited ? 'edited' : 'as estimated'}
            {dirty ? ' · unsaved changes' : ''}
          </span>
        </div>
        {message && (
          <p className={message.error ? 'form-error' : 'muted small'} role={message.error ? 'alert' : 'status'}>
            {message.text}
          </p>
        )}
      </div>
      <aside className="fitted-head-controls" aria-label="Codes">
        <ExpressionSliders store={store} count={model.info.expressionCount} />
        <PoseSliders store={store} />
      </aside>
    </div>
  );
}
