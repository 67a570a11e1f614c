import type { DisplayMode } from '../rig/headMaterial';

export interface DisplayModeBarProps {
  mode?: DisplayMode;
  onModeChange: (mode: DisplayMode) => void;
  showLandmarks?: boolean;
  onShowLandmarksChange: (show: boolean) => void;
  /** False when the model has no landmark embedding: the overlay is then unavailable. */
  landmarksAvailable?: boolean;
  onReset: () => void;
}

const modes: { id: DisplayMode; label: string }[] = [
  { id: 'shaded', label: 'Shaded' },
  { id: 'normals', label: 'Normals' },
  { id: 'albedo', label: 'Albedo' },
  { id: 'wireframe', label: 'Wireframe' },
];

/** Display mode, the landmark overlay and Reset, above the view. */
export function DisplayModeBar({ mode = 'shaded', onModeChange, showLandmarks = false, onShowLandmarksChange, landmarksAvailable = true, onReset }: DisplayModeBarProps) {
  return (
    <div className="viewport-toolbar" role="toolbar" aria-label="Display">
      <div className="segmented" role="radiogroup" aria-label="Display mode">
        {modes.map((m) => (
          <button key={m.id} type="button" role="radio" aria-checked={mode === m.id} className={mode === m.id ? 'active' : ''} data-testid={`mode-${m.id}`} onClick={() => onModeChange(m.id)}>
            {m.label}
          </button>
        ))}
      </div>
      <label title={landmarksAvailable ? undefined : 'This model has no landmark embedding'}>
        <input type="checkbox" checked={showLandmarks && landmarksAvailable} disabled={!landmarksAvailable} data-testid="show-landmarks" onChange={(event) => onShowLandmarksChange(event.currentTarget.checked)} />
        68 landmarks
      </label>
      <button type="button" data-testid="viewport-reset" onClick={onReset} title="Codes and view back to where they started">
        Reset
      </button>
    </div>
  );
}
