import { useState } from 'react';
import type { ModelInfo } from '../../../common/contract';
import { useApi } from '../providers/BackendProvider';
import { useNotify } from '../providers/NoticesProvider';
import { FormDialog } from '../components/FormDialog';
import { HeadWarning } from '../models/HeadWarning';
import { useQuery } from '../hooks/useQuery';
import { failureReason, firstMoments } from '../jobs/format';
import { ImageSizeField, useImageSize } from '../models/ImageSizeField';
import { defaultFinetuneForm, finetuneRequest, type FinetuneForm } from './finetuneForm';

export interface FinetuneDialogProps {
  model: ModelInfo;
  onClose: () => void;
}

/**
 * Starts stage-2 fine-tuning of `model` on an album (a 'finetune' job: progress, ETA, loss
 * curve, cancel and resume are in the jobs panel; the result appears as a personalised model).
 */
export function FinetuneDialog({ model, onClose }: FinetuneDialogProps) {
  const api = useApi();
  const notify = useNotify();
  const albums = useQuery(() => api['album.list'](), 'albums');
  const [form, setForm] = useState<FinetuneForm>(defaultFinetuneForm);
  const imageSize = useImageSize(model.id);
  // hints sit outside the labels, so each control's accessible name is its label alone
  // the encoder trains by default for DiffusionRig-EMO v2 (its trainer's way), not for upstream models
  const v2 = Boolean(model.architecture.unet.faceCondition);
  const trainEncoder = form.trainEncoder ?? v2;
  const field = (key: keyof Omit<FinetuneForm, 'albumId' | 'recompute' | 'trainEncoder'>, label: string, hint?: string) => (
    <div className="field" key={key}>
      <label htmlFor={`finetune-${key}`}>{label}</label>
      <input id={`finetune-${key}`} value={form[key]} onChange={(e) => setForm({ ...form, [key]: e.target.value })} aria-describedby={hint ? `finetune-${key}-hint` : undefined} />
      {hint && (
        <small id={`finetune-${key}-hint`} className="muted">
          {hint}
        </small>
      )}
    </div>
  );
  const check = () => {
    const request = finetuneRequest(model.id, form);
    return 'error' in request ? request.error : imageSize.error;
  };
  const submit = async () => {
    const request = finetuneRequest(model.id, form);
    if ('error' in request) throw new Error(request.error);
    const size = await imageSize.commit();
    const { jobId } = await api['finetune.start']({ ...request.params, imageSize: size });
    // the job checks the model, the size and the album first: a failure there is said here
    const job = await firstMoments(() => api['job.get']({ jobId }));
    if (job.state === 'failed') throw new Error(`Fine-tuning could not start (job ${jobId}): ${failureReason(job)}`);
    notify.info(`Fine-tuning started (job ${jobId}); follow it in the jobs panel.`);
  };
  return (
    <FormDialog title={`Fine-tune ${model.name}`} confirmLabel="Start fine-tuning" validate={check} onSubmit={submit} onClose={onClose}>
      <HeadWarning head={model.head} />
      <div className="field">
        <label htmlFor="finetune-album">Album</label>
        <select id="finetune-album" value={form.albumId ?? ''} onChange={(e) => setForm({ ...form, albumId: e.target.value ? Number(e.target.value) : null })} aria-describedby="finetune-album-hint" data-autofocus>
          <option value="">Choose an album…</option>
          {(albums.data ?? []).map((a) => (
            <option key={a.id} value={a.id}>
              {a.name} ({a.photoCount} photos)
            </option>
          ))}
        </select>
        <small id="finetune-album-hint" className="muted">
          Every photo needs FLAME codes (run estimation first); buffers use the album’s mean shape.
        </small>
      </div>
      <ImageSizeField state={imageSize} />
      {field('steps', 'Steps', 'Upstream stage 2: 5000')}
      {field('batchSize', 'Batch size')}
      {field('learningRate', 'Learning rate')}
      {field('seed', 'Seed')}
      {field('checkpointInterval', 'Checkpoint every (steps)', 'A cancelled or interrupted run resumes from the last checkpoint')}
      {field('name', 'Name of the new model', 'Default: the base model’s name and the album')}
      <div className="field">
        <label>
          <input type="checkbox" checked={form.recompute} onChange={(e) => setForm({ ...form, recompute: e.target.checked })} aria-describedby="finetune-recompute-hint" /> Recompute activations
        </label>
        <small id="finetune-recompute-hint" className="muted">
          Less memory, a slower step; the same model (upstream’s use_checkpoint)
        </small>
      </div>
      <div className="field">
        <label>
          <input type="checkbox" checked={trainEncoder} onChange={(e) => setForm({ ...form, trainEncoder: e.target.checked })} aria-describedby="finetune-encoder-hint" /> Train the encoder too
        </label>
        <small id="finetune-encoder-hint" className="muted">
          {v2 ? 'On by default for DiffusionRig-EMO v2: its trainer trains UNet and encoder in both stages.' : 'Off by default: upstream’s stage 2 trains the UNet and keeps the encoder frozen.'}
        </small>
      </div>
    </FormDialog>
  );
}
