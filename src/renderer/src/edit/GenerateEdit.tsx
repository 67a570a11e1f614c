import { useState } from 'react';
import type { SamplerSettings } from '../../../common/contract';
import { defaultSampler } from '../../../common/contract';
import type { FlameCodes } from '../../../common/flame/codes';
import { errorMessage } from '../api';
import { useApi } from '../providers/BackendProvider';
import { formatRoute } from '../navigation/route';
import { useQuery } from '../hooks/useQuery';
import { ImageSizeField, useImageSize } from '../models/ImageSizeField';
import { NoModelNote } from './NoModelNote';
import { SamplerChoice } from './SamplerFields';

export interface GenerateEditProps {
  /** The photo the viewport shows (the edit's source). */
  photoId: number;
  /** The viewport's codes right now (read when the button is pressed). */
  currentCodes: () => FlameCodes;
}

/** In the 3D viewport: generate the edit the sliders describe, for the photo shown, as a single-cell edit job. */
export function GenerateEdit({ photoId, currentCodes }: GenerateEditProps) {
  const api = useApi();
  const models = useQuery(() => api['edit.models'](), 'edit-models');
  const [modelId, setModelId] = useState<number | null>(null);
  const [sampler, setSampler] = useState<SamplerSettings>({ ...defaultSampler });
  const [status, setStatus] = useState<{ jobId?: number; error?: string } | null>(null);
  const chosen = modelId ?? models.data?.[0]?.id ?? null;
  const imageSize = useImageSize(chosen);
  const generate = () => {
    if (chosen === null) return;
    setStatus(null);
    const codes = currentCodes();
    imageSize
      .commit()
      .then((size) => api['edit.start']({ modelId: chosen, sourcePhotoIds: [photoId], targetPhotoIds: [], modes: [], explicitCodes: codes, meanShape: true, sampler, batchSize: 1, scores: true, imageSize: size }))
      .then(
      ({ jobId }) => setStatus({ jobId }),
      (e: unknown) => setStatus({ error: errorMessage(e) }),
    );
  };
  return (
    <fieldset className="viewport-group" aria-label="Generate this edit">
      <legend>DiffusionRig edit</legend>
      {models.data?.length === 0 ? (
        <NoModelNote compact onAdded={models.reload} />
      ) : (
        <>
          <select aria-label="Edit model" value={chosen ?? ''} onChange={(e) => setModelId(Number(e.target.value))}>
            {(models.data ?? []).map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
              </option>
            ))}
          </select>
          <SamplerChoice value={sampler} onChange={setSampler} />
          <ImageSizeField state={imageSize} />
          <button type="button" className="primary" disabled={chosen === null || imageSize.error !== null} onClick={generate}>
            Generate this edit
          </button>
          {imageSize.error && <small className="muted">Generate needs the image size above.</small>}
        </>
      )}
      {status?.jobId !== undefined && (
        <p role="status">
          Started edit job {status.jobId}: <a href={formatRoute('edit', status.jobId)}>open it in Edit</a>
        </p>
      )}
      {status?.error && <p className="form-error" role="alert">{status.error}</p>}
    </fieldset>
  );
}
