import { useEffect, useState } from 'react';
import type { FlameCodes } from '../../../common/flame/codes';
import type { SamplerSettings } from '../../../common/contract';
import { errorMessage } from '../api';
import { useApi } from '../providers/BackendProvider';
import { SourceNote } from './SourceNote';
import { shownRange, sliders, type Slider } from './sliderTable';

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
        const [min, max] = shownRange(s, codes, original);
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
