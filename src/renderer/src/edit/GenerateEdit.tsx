import { useState } from 'react';
import { defaultSampler } from '../../../common/contract';
import type { FlameCodes } from '../../../common/contract/viewport';
import { errorMessage } from '../api';
import { useApi } from '../app/BackendProvider';
import { formatRoute } from '../app/route';
import { useQuery } from '../hooks/useQuery';

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
  const [steps, setSteps] = useState(defaultSampler.steps);
  const [status, setStatus] = useState<{ jobId?: number; error?: string } | null>(null);
  const chosen = modelId ?? models.data?.[0]?.id ?? null;
  const generate = () => {
    if (chosen === null) return;
    setStatus(null);
    api['edit.start']({ modelId: chosen, sourcePhotoIds: [photoId], targetPhotoIds: [], modes: [], explicitCodes: currentCodes(), meanShape: true, sampler: { ...defaultSampler, steps }, batchSize: 1, scores: true }).then(
      ({ jobId }) => setStatus({ jobId }),
      (e: unknown) => setStatus({ error: errorMessage(e) }),
    );
  };
  return (
    <fieldset className="viewport-group" aria-label="Generate this edit">
      <legend>DiffusionRig edit</legend>
      {models.data?.length === 0 ? (
        <p className="muted">No model registered yet.</p>
      ) : (
        <>
          <select aria-label="Edit model" value={chosen ?? ''} onChange={(e) => setModelId(Number(e.target.value))}>
            {(models.data ?? []).map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
              </option>
            ))}
          </select>
          <label>
            DDIM steps <input type="number" min={2} max={1000} value={steps} onChange={(e) => setSteps(Math.max(2, Number(e.target.value) || 2))} />
          </label>
          <button type="button" className="primary" disabled={chosen === null} onClick={generate}>
            Generate this edit
          </button>
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
