import { useEffect, useState } from 'react';
import type { EditResultInfo, SamplerSettings } from '../../../common/contract';
import { defaultSampler } from '../../../common/contract';
import type { FlameCodes } from '../../../common/flame/codes';
import { errorMessage } from '../api';
import { useApi } from '../providers/BackendProvider';
import { formatRoute } from '../navigation/route';
import { useQuery } from '../hooks/useQuery';
import { ImageSizeField, useImageSize } from '../models/ImageSizeField';
import { useJobs } from '../jobs/JobsProvider';
import { failureReason } from '../jobs/format';
import { useResultImage } from './images';
import { HeadWarning } from '../models/HeadWarning';
import { NoModelNote } from './NoModelNote';
import { SamplerChoice } from './SamplerFields';
import { scoreBlankReason } from './ResultTile';

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
  // the started job, followed until its result shows here, beside the head it was made from
  const job = useJobs().jobs.find((j) => j.id === status?.jobId);
  const running = job !== undefined && (job.state === 'queued' || job.state === 'running');
  const [result, setResult] = useState<EditResultInfo | null>(null);
  const finishedJobId = job?.state === 'done' ? job.id : null;
  useEffect(() => {
    if (finishedJobId === null) return;
    let live = true;
    api['edit.job']({ jobId: finishedJobId }).then(
      (view) => live && setResult(view.results[0] ?? null),
      (e: unknown) => live && setStatus({ jobId: finishedJobId, error: errorMessage(e) }),
    );
    return () => {
      live = false;
    };
  }, [api, finishedJobId]);
  const image = useResultImage(api, result?.id ?? null, 'generated');
  const generate = () => {
    if (chosen === null) return;
    setStatus(null);
    setResult(null);
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
          <HeadWarning head={models.data?.find((m) => m.id === chosen)?.head} />
          <SamplerChoice value={sampler} onChange={setSampler} />
          <ImageSizeField state={imageSize} />
          <button type="button" className="primary" disabled={chosen === null || imageSize.error !== null || running} onClick={generate}>
            {running ? 'Generating…' : 'Generate this edit'}
          </button>
          {imageSize.error && <small className="muted">Generate needs the image size above.</small>}
        </>
      )}
      {status?.jobId !== undefined && (
        <div className="viewport-edit-result" role="status" data-testid="viewport-edit-result">
          {running && <p className="muted">Edit job {status.jobId}: {job?.message || job?.state}</p>}
          {job?.state === 'done' && result && (
            <figure>
              {image ? <img src={image} alt="Generated edit" className="pixelated" /> : <span className="muted">Loading the image…</span>}
              <figcaption className="muted small">
                {result.scores && result.scores.identity === null && result.scores.landmarkError === null ? scoreBlankReason(result.scores) : null}
              </figcaption>
            </figure>
          )}
          {job && (job.state === 'failed' || job.state === 'cancelled' || job.state === 'interrupted') && <p className="form-error">Edit job {status.jobId} {job.state}: {failureReason(job)}</p>}
          <p className="small">
            Started edit job {status.jobId}: <a href={formatRoute('edit', status.jobId)}>open it in Edit</a>
          </p>
        </div>
      )}
      {status?.error && <p className="form-error" role="alert">{status.error}</p>}
    </fieldset>
  );
}
