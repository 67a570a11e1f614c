import { useEffect, useState } from 'react';
import type { FlameCodes } from '../../../common/flame/codes';
import type { SamplerSettings } from '../../../common/contract';
import { errorMessage } from '../api';
import { useApi } from '../providers/BackendProvider';
import { SourceNote } from './SourceNote';

export interface SliderEditProps {
  modelId: number | null;
  sourceId: number | null;
  /** How many sources the setup has (the slider edit uses the first). */
  sourceCount?: number;
  sampler: SamplerSettings;
  meanShape: boolean;
  /** The setup's image size (stored with the model when changed); throws when it is missing. */
  imageSize: () => Promise<number | undefined>;
  onStarted: (jobId: number) => void;
}

interface Slider {
  label: string;
  /** The range in shown units (degrees for rotations); widened to hold any value the codes have. */
  min: number;
  max: number;
  /** Shown value per code value: 180/π for rotations, stored in radians and shown in degrees as in the 3D view. */
  scale?: number;
  unit?: string;
  digits?: number;
  get: (c: FlameCodes) => number;
  set: (c: FlameCodes, v: number) => void;
}

const setAt = (key: 'expression' | 'pose' | 'light', index: number) => (c: FlameCodes, v: number) => {
  c[key][index] = v;
};

/** Light direction sliders move the first-order SH rows of every colour channel together. */
const lightAxis = (row: number): Slider['set'] => (c, v) => {
  for (let ch = 0; ch < 3; ch++) c.light[row * 3 + ch] = v;
};

const degrees = 180 / Math.PI;

const sliders: Slider[] = [
  ...Array.from({ length: 10 }, (_, i): Slider => ({ label: `Expression ${i + 1}`, min: -3, max: 3, get: (c) => c.expression[i], set: setAt('expression', i) })),
  // the jaw in radians, global rotation in degrees: as the 3D view's sliders show them
  { label: 'Jaw open', min: 0, max: 0.6, digits: 3, get: (c) => c.pose[3], set: setAt('pose', 3) },
  { label: 'Pitch', min: -45, max: 45, scale: degrees, unit: '°', get: (c) => c.pose[0], set: setAt('pose', 0) },
  { label: 'Yaw', min: -45, max: 45, scale: degrees, unit: '°', get: (c) => c.pose[1], set: setAt('pose', 1) },
  { label: 'Roll', min: -45, max: 45, scale: degrees, unit: '°', get: (c) => c.pose[2], set: setAt('pose', 2) },
  { label: 'Light x', min: -1.5, max: 1.5, get: (c) => c.light[3], set: lightAxis(1) },
  { label: 'Light y', min: -1.5, max: 1.5, get: (c) => c.light[6], set: lightAxis(2) },
  { label: 'Light z', min: -1.5, max: 1.5, get: (c) => c.light[9], set: lightAxis(3) },
];

/** Slider edits of one source's FLAME codes (expression, jaw, pose, light), generated as a single edit. */
export function SliderEdit({ modelId, sourceId, sourceCount = 1, sampler, meanShape, imageSize, onStarted }: SliderEditProps) {
  const api = useApi();
  const [codes, setCodes] = useState<FlameCodes | null>(null);
  const [original, setOriginal] = useState<FlameCodes | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (sourceId === null) return;
    let live = true;
    api['edit.photoCodes']({ photoId: sourceId }).then(
      (c) => {
        if (!live) return;
        setOriginal(c);
        setCodes(structuredClone(c));
      },
      (e: unknown) => live && setError(errorMessage(e)),
    );
    return () => {
      live = false;
    };
  }, [api, sourceId]);
  if (sourceId === null || modelId === null) return <p className="muted">Choose a model and a source photo to edit its codes with sliders.</p>;
  if (!codes) return <p className="muted">{error ?? 'Loading the photo’s codes…'}</p>;
  const change = (slider: Slider, value: number) => {
    const next = structuredClone(codes);
    slider.set(next, value);
    setCodes(next);
  };
  const generate = () =>
    imageSize().then((size) => api['edit.start']({ modelId, sourcePhotoIds: [sourceId], targetPhotoIds: [], modes: [], explicitCodes: codes, meanShape, sampler, batchSize: 1, scores: true, imageSize: size })).then(
      ({ jobId }) => onStarted(jobId),
      (e: unknown) => setError(errorMessage(e)),
    );
  return (
    <div className="edit-sliders">
      <SourceNote photoId={sourceId} sourceCount={sourceCount} action="Slider edit of" />
      {sliders.map((s) => {
        const scale = s.scale ?? 1;
        const shown = s.get(codes) * scale;
        // the range always holds the photo's own value: a thumb is never pinned at an end
        const [min, max] = [Math.min(s.min, shown, (original ? s.get(original) : 0) * scale), Math.max(s.max, shown, (original ? s.get(original) : 0) * scale)];
        return (
          <label key={s.label}>
            <span>{s.label}</span>
            <input type="range" min={min} max={max} step={(s.max - s.min) / 100} value={shown} onChange={(e) => change(s, Number(e.target.value) / scale)} />
            <output>{s.unit ? `${shown.toFixed(1)}${s.unit}` : shown.toFixed(s.digits ?? 2)}</output>
          </label>
        );
      })}
      {error && <p className="form-error" role="alert">{error}</p>}
      <div className="edit-slider-actions">
        <button type="button" onClick={() => original && setCodes(structuredClone(original))}>
          Reset
        </button>
        <button type="button" className="primary" onClick={() => void generate()}>
          Generate this edit
        </button>
      </div>
    </div>
  );
}
