import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { LoadedCodes, PackedHeadModel } from '../../../../common/contract/viewport';
import type { FlameCodes } from '../../../../common/flame/codes';
import type { FlameModel } from '../../../../common/flame/model';
import { exportMeshFile } from '../rig/exportMesh';
import { floatTexture } from '../rig/headMaterial';
import { codesFromContract, codesToContract, framingCamera, neutralCodes, type RigCodes } from '../rig/rigStore';
import { BufferPanels } from './BufferPanels';
import { CodesJsonEditor } from './CodesJsonEditor';
import { CodesPanel } from './CodesPanel';
import { ExportButtons, type MeshFormat } from './ExportButtons';
import { ExpressionSliders } from './ExpressionSliders';
import { HeadStage, usePosableHead } from './HeadStage';
import { LightCoefficients } from './LightCoefficients';
import { LightGizmo } from './LightGizmo';
import { PoseSliders } from './PoseSliders';
import '../viewport.css';

/** The neutral head framed whole (no camera estimate to align with). */
function framedNeutral(model: FlameModel): RigCodes {
  const codes = neutralCodes();
  codes.camera.set(framingCamera(model.template));
  return codes;
}

export interface ViewportViewProps {
  model: PackedHeadModel;
  /** Codes to open with (e.g. a photo's estimate); the neutral head, framed whole, when absent. */
  initialCodes?: FlameCodes | null;
  /** The face crop the codes' camera refers to, drawn behind the head. */
  photoUrl?: string | null;
  /** Says what the photo is, e.g. its file name and estimator. */
  photoLabel?: string | null;
  /** Reads codes from a .npz the user picked; without it the Codes panel is hidden. */
  onLoadCodes?: (file: File, index: number) => Promise<LoadedCodes>;
  canvasSize?: number;
  bufferSize?: number;
  /** Extra controls above the sliders, given a reader of the current codes (e.g. the Edit studio's "generate this edit"). */
  actions?: (currentCodes: () => FlameCodes) => ReactNode;
}

/**
 * The interactive FLAME viewport: the posed head over its photo, display modes, sliders for
 * expression / pose / light, the three DECA buffers, and mesh export. Slider edits go to a
 * RigStore (outside React) and reach the GPU buffers on the next frame.
 */
export function ViewportView({ model, initialCodes = null, photoUrl = null, photoLabel = null, onLoadCodes, canvasSize = 512, bufferSize = 256, actions }: ViewportViewProps) {
  const head = usePosableHead(model, (flameModel: FlameModel) => (initialCodes ? codesFromContract(initialCodes) : framedNeutral(flameModel)));
  const { flame, rig, store, albedoBytes, redraw } = head;
  const albedoFloats = useMemo(() => (albedoBytes && model.albedo ? floatTexture(albedoBytes, model.albedo.shape[0], model.albedo.shape[1]) : null), [albedoBytes, model]);
  const [localPhoto, setLocalPhoto] = useState<string | null>(null);
  const [codesName, setCodesName] = useState<string | null>(null);

  useEffect(() => {
    if (initialCodes) store.replace(codesFromContract(initialCodes));
  }, [initialCodes, store]);

  const build = useCallback((format: MeshFormat) => exportMeshFile(rig, store.codes, format, model.info.label), [rig, store, model]);

  return (
    <div className="viewport-view" data-testid="viewport-view">
      <div className="viewport-main">
        <header className="viewport-header">
          <h2>{model.info.label}</h2>
          <span className="viewport-meta">
            {model.info.vertexCount.toLocaleString()} vertices · {model.info.faceCount.toLocaleString()} faces
            {model.mouth ? ` (+ ${model.mouth.faces.shape[0].toLocaleString()} of a mouth interior, drawn here only)` : ''}
            {photoLabel ? ` · over ${photoLabel}` : ''}
            {codesName ? ` · codes from ${codesName}` : ''}
          </span>
        </header>
        <HeadStage head={head} size={canvasSize} photoUrl={localPhoto ?? photoUrl} />
        <ExportButtons build={build} baseName={codesName ? codesName.replace(/\.npz$/i, '') : 'head'} />
        <BufferPanels model={flame} albedo={albedoFloats} store={store} size={bufferSize} />
      </div>
      <aside className="viewport-controls" aria-label="Rig controls">
        {actions?.(() => codesToContract(store.codes))}
        {onLoadCodes && (
          <CodesPanel
            onLoad={onLoadCodes}
            onLoaded={(loaded, fileName) => {
              // A file without a camera or light keeps the view's own (the backend's neutral
              // defaults know nothing of this model's framing).
              const codes = codesFromContract(loaded.codes);
              if (!loaded.found.includes('cam')) codes.camera.set(store.codes.camera);
              if (!loaded.found.includes('light')) codes.light.set(store.codes.light);
              store.replace(codes);
              setCodesName(fileName);
              redraw();
            }}
            onPhoto={setLocalPhoto}
          />
        )}
        <CodesJsonEditor store={store} onApplied={redraw} />
        <ExpressionSliders store={store} count={model.info.expressionCount} />
        <PoseSliders store={store} />
        <fieldset className="viewport-group">
          <legend>Light</legend>
          <LightGizmo store={store} />
          <LightCoefficients store={store} />
        </fieldset>
      </aside>
    </div>
  );
}
