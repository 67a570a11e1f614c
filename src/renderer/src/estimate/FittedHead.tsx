import { useEffect, useMemo, useState } from 'react';
import type { PhotoEstimateView } from '../../../common/contract';
import type { FlameCodes, PackedHeadModel } from '../../../common/contract/viewport';
import { CanvasErrorBoundary } from '../viewport/components/CanvasErrorBoundary';
import { DisplayModeBar } from '../viewport/components/DisplayModeBar';
import { ExpressionSliders } from '../viewport/components/ExpressionSliders';
import { HeadCanvas } from '../viewport/components/HeadCanvas';
import { PoseSliders } from '../viewport/components/PoseSliders';
import { createFlameRig } from '../viewport/rig/flameRig';
import { drawableLayout } from '../viewport/rig/headGeometry';
import { albedoTexture, type DisplayMode } from '../viewport/rig/headMaterial';
import { unpack } from '../viewport/rig/packed';
import { PosedHead } from '../viewport/rig/posedHead';
import { codesFromContract, codesToContract, RigStore } from '../viewport/rig/rigStore';
import { unpackHeadModel } from '../viewport/rig/unpackHeadModel';
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
  const flame = useMemo(() => unpackHeadModel(model), [model]);
  const rig = useMemo(() => createFlameRig(flame), [flame]);
  const layout = useMemo(() => drawableLayout(rig.faces, rig.vertexCount, rig.uv), [rig]);
  const albedo = useMemo(() => (model.albedo ? albedoTexture(unpack(model.albedo, 'uint8', 'albedo'), model.albedo.shape[0], model.albedo.shape[1]) : null), [model]);
  const [store] = useState(() => new RigStore(codesFromContract(estimate.codes)));
  const posed = useMemo(() => new PosedHead(rig, store), [rig, store]);
  const [mode, setMode] = useState<DisplayMode>('shaded');
  const [showLandmarks, setShowLandmarks] = useState(false);
  const [resetSignal, setResetSignal] = useState(0);
  const [dirty, setDirty] = useState(false);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const mismatch = headMismatch(estimate.estimator, estimate.estimatorVersion, model.info);
  const photoUrl = `data:${estimate.aligned.mime};base64,${estimate.aligned.base64}`;

  useEffect(() => () => albedo?.dispose(), [albedo]);
  useEffect(() => store.onChange(() => setDirty(true)), [store]);
  useEffect(() => onDirtyChange?.(dirty), [dirty, onDirtyChange]);

  const act = async (action: () => Promise<PhotoEstimateView>, done: string) => {
    setBusy(true);
    try {
      const saved = await action();
      store.replace(codesFromContract(saved.codes));
      setResetSignal((n) => n + 1);
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
        <DisplayModeBar
          mode={mode}
          onModeChange={setMode}
          showLandmarks={showLandmarks}
          onShowLandmarksChange={setShowLandmarks}
          landmarksAvailable={rig.hasLandmarks}
          onReset={() => {
            store.reset();
            setResetSignal((n) => n + 1);
          }}
        />
        <CanvasErrorBoundary size={canvasSize}>
          <HeadCanvas size={canvasSize} posed={posed} store={store} layout={layout} albedo={albedo} mode={mode} showLandmarks={showLandmarks} photoUrl={photoUrl} resetSignal={resetSignal} />
        </CanvasErrorBoundary>
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
