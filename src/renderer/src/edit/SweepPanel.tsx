import { useState } from 'react';
import type { SamplerSettings, SweepResult } from '../../../common/contract';
import { errorMessage } from '../api';
import { useApi } from '../app/BackendProvider';
import { dataUrl, downloadBytes, fromBase64 } from './images';

export interface SweepPanelProps {
  modelId: number | null;
  sourceIds: number[];
  sampler: SamplerSettings;
  meanShape: boolean;
}

/** Interpolation sweeps of the first source: light rotation, or expression A→B between two sources. */
export function SweepPanel({ modelId, sourceIds, sampler, meanShape }: SweepPanelProps) {
  const api = useApi();
  const [kind, setKind] = useState<'light' | 'expression'>('light');
  const [frames, setFrames] = useState(8);
  const [degrees, setDegrees] = useState(360);
  const [result, setResult] = useState<SweepResult | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const source = sourceIds[0] ?? null;
  const canRun = modelId !== null && source !== null && (kind === 'light' || sourceIds.length >= 2);
  const run = async () => {
    if (!canRun) return;
    setStatus('Generating frames…');
    try {
      const sweep = await api['edit.sweep']({ modelId: modelId!, sourcePhotoId: source!, kind, frames, degrees, fromPhotoId: sourceIds[0], toPhotoId: sourceIds[1], meanShape, sampler, frameMs: 120 });
      setResult(sweep);
      setStatus(null);
    } catch (e) {
      setStatus(errorMessage(e));
    }
  };
  return (
    <div className="edit-sweep">
      <div className="edit-run-options">
        <select aria-label="Sweep" value={kind} onChange={(e) => setKind(e.target.value as 'light' | 'expression')}>
          <option value="light">Light rotation</option>
          <option value="expression">Expression A → B (sources 1 → 2)</option>
        </select>
        <label>
          Frames
          <input type="number" min={2} max={60} value={frames} onChange={(e) => setFrames(Math.min(60, Math.max(2, Number(e.target.value) || 2)))} />
        </label>
        {kind === 'light' && (
          <label>
            Degrees
            <input type="number" min={-360} max={360} value={degrees} onChange={(e) => setDegrees(Number(e.target.value) || 0)} />
          </label>
        )}
        <button type="button" disabled={!canRun} onClick={() => void run()}>
          Run sweep
        </button>
      </div>
      {status && <p className="muted" role="status">{status}</p>}
      {result && (
        <div className="edit-sweep-result">
          <img src={dataUrl(result.animation)} alt="Sweep animation" className="pixelated" width={Math.max(128, result.animation.width)} />
          <img src={dataUrl(result.strip)} alt="Sweep frame strip" className="edit-strip pixelated" />
          <div>
            <button type="button" className="small" onClick={() => downloadBytes('sweep.webp', fromBase64(result.animation.base64), 'image/webp')}>
              Save WebP
            </button>
            <button type="button" className="small" onClick={() => downloadBytes('sweep-strip.png', fromBase64(result.strip.base64), 'image/png')}>
              Save strip
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
