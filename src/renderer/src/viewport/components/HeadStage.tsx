import { useCallback, useEffect, useMemo, useState } from 'react';
import type { PackedHeadModel } from '../../../../common/contract/viewport';
import type { FlameModel } from '../../../../common/flame/model';
import type { DataTexture } from 'three';
import { createFlameRig } from '../rig/flameRig';
import { drawableLayout, type DrawableLayout } from '../rig/headGeometry';
import { albedoTexture, type DisplayMode } from '../rig/headMaterial';
import { unpack } from '../rig/packed';
import { PosedHead, type HeadRig } from '../rig/posedHead';
import { RigStore, type RigCodes } from '../rig/rigStore';
import { unpackHeadModel } from '../rig/unpackHeadModel';
import { CanvasErrorBoundary } from './CanvasErrorBoundary';
import { DisplayModeBar } from './DisplayModeBar';
import { HeadCanvas } from './HeadCanvas';

/** A head model made drawable and posable: what the 3D viewport and the fitted head share. */
export interface PosableHead {
  flame: FlameModel;
  rig: HeadRig;
  layout: DrawableLayout;
  /** The model's albedo texture bytes (H,W,3), null for flat albedo. */
  albedoBytes: Uint8Array | null;
  albedo: DataTexture | null;
  /** The codes being edited (outside React: sliders write here, the canvas reads each frame). */
  store: RigStore;
  posed: PosedHead;
  /** Bumped when codes are replaced wholesale, so the view reframes and controls re-read. */
  resetSignal: number;
  /** Bumps `resetSignal`. */
  redraw: () => void;
}

/**
 * Unpacks `model` into a posable rig with a code store opened on `initial(flame)` (called once),
 * and its albedo texture (disposed with the model).
 */
export function usePosableHead(model: PackedHeadModel, initial: (flame: FlameModel) => RigCodes): PosableHead {
  const flame = useMemo(() => unpackHeadModel(model), [model]);
  const rig = useMemo(() => createFlameRig(flame), [flame]);
  const layout = useMemo(() => drawableLayout(rig.faces, rig.vertexCount, rig.uv), [rig]);
  const albedoBytes = useMemo(() => (model.albedo ? unpack(model.albedo, 'uint8', 'albedo') : null), [model]);
  const albedo = useMemo(() => (albedoBytes && model.albedo ? albedoTexture(albedoBytes, model.albedo.shape[0], model.albedo.shape[1]) : null), [albedoBytes, model]);
  const [store] = useState(() => new RigStore(initial(flame)));
  const posed = useMemo(() => new PosedHead(rig, store), [rig, store]);
  const [resetSignal, setResetSignal] = useState(0);
  const redraw = useCallback(() => setResetSignal((n) => n + 1), []);
  useEffect(() => () => albedo?.dispose(), [albedo]);
  return { flame, rig, layout, albedoBytes, albedo, store, posed, resetSignal, redraw };
}

export interface HeadStageProps {
  head: PosableHead;
  size: number;
  /** The face crop the codes' camera refers to, drawn behind the head. */
  photoUrl: string | null;
}

/** The display bar (mode, landmark overlay, Reset) and the head canvas over its photo. */
export function HeadStage({ head, size, photoUrl }: HeadStageProps) {
  const [mode, setMode] = useState<DisplayMode>('shaded');
  const [showLandmarks, setShowLandmarks] = useState(false);
  return (
    <>
      <DisplayModeBar
        mode={mode}
        onModeChange={setMode}
        showLandmarks={showLandmarks}
        onShowLandmarksChange={setShowLandmarks}
        landmarksAvailable={head.rig.hasLandmarks}
        onReset={() => {
          head.store.reset();
          head.redraw();
        }}
      />
      <CanvasErrorBoundary size={size}>
        <HeadCanvas size={size} posed={head.posed} store={head.store} layout={head.layout} albedo={head.albedo} mode={mode} showLandmarks={showLandmarks} photoUrl={photoUrl} resetSignal={head.resetSignal} />
      </CanvasErrorBoundary>
    </>
  );
}
