import { useState } from 'react';
import { encoderChoices } from '../../../common/encoderNames';
import { useApi } from '../providers/BackendProvider';
import { useNotify } from '../providers/NoticesProvider';
import { FormDialog } from '../components/FormDialog';
import { useQuery } from '../hooks/useQuery';
import { failureReason, firstMoments } from '../jobs/format';
import { defaultTrainBaseForm, trainBaseRequest, type TrainBaseForm } from './trainBaseForm';

export interface TrainBaseDialogProps {
  onClose: () => void;
}

type TextField = Exclude<keyof TrainBaseForm, 'albumIds' | 'trainingSets' | 'encoder'>;

/**
 * Starts stage-1 training of a fresh DiffusionRig model on one or more albums (a 'train-base'
 * job: progress, loss curve, cancel and resume are in the jobs panel; the result appears in
 * Models as a base model that Edit and Fine-tune use like an imported one).
 */
export function TrainBaseDialog({ onClose }: TrainBaseDialogProps) {
  const api = useApi();
  const notify = useNotify();
  const albums = useQuery(() => api['album.list'](), 'albums');
  const sets = useQuery(() => api['dataset.list'](), 'training-sets');
  const [form, setForm] = useState<TrainBaseForm>(defaultTrainBaseForm);
  // hints sit outside the labels, so each control's accessible name is its label alone
  const field = (key: TextField, label: string, hint?: string) => (
    <div className="field" key={key}>
      <label htmlFor={`train-base-${key}`}>{label}</label>
      <input id={`train-base-${key}`} value={form[key]} onChange={(e) => setForm({ ...form, [key]: e.target.value })} aria-describedby={hint ? `train-base-${key}-hint` : undefined} />
      {hint && (
        <small id={`train-base-${key}-hint`} className="muted">
          {hint}
        </small>
      )}
    </div>
  );
  const toggle = (id: number, on: boolean) => setForm({ ...form, albumIds: on ? [...form.albumIds, id].sort((a, b) => a - b) : form.albumIds.filter((x) => x !== id) });
  const check = () => {
    const request = trainBaseRequest(form);
    return 'error' in request ? request.error : null;
  };
  const submit = async () => {
    const request = trainBaseRequest(form);
    if ('error' in request) throw new Error(request.error);
    const { jobId } = await api['trainBase.start'](request.params);
    // the job checks the architecture and the albums first: a failure there is said here
    const job = await firstMoments(() => api['job.get']({ jobId }));
    if (job.state === 'failed') throw new Error(`Training could not start (job ${jobId}): ${failureReason(job)}`);
    notify.info(`Stage-1 training started (job ${jobId}); follow it in the jobs panel.`);
  };
  return (
    <FormDialog title="Train a base model" confirmLabel="Start training" validate={check} onSubmit={submit} onClose={onClose}>
      <fieldset className="field" aria-describedby="train-base-albums-hint">
        <legend>Albums</legend>
        {(albums.data ?? []).map((a, i) => (
          <label key={a.id}>
            <input type="checkbox" checked={form.albumIds.includes(a.id)} onChange={(e) => toggle(a.id, e.target.checked)} data-autofocus={i === 0 ? true : undefined} /> {a.name} ({a.photoCount} photos)
          </label>
        ))}
        <small id="train-base-albums-hint" className="muted">
          Every photo needs FLAME codes (run estimation first); buffers use each photo’s own codes, as upstream’s stage 1.
        </small>
      </fieldset>
      {(sets.data ?? []).length > 0 && (
        <fieldset className="field">
          <legend>Training sets (LMDB, read in place)</legend>
          {(sets.data ?? []).map((set) => (
            <label key={set.name}>
              <input
                type="checkbox"
                checked={form.trainingSets.includes(set.name)}
                onChange={(e) => setForm({ ...form, trainingSets: e.target.checked ? [...form.trainingSets, set.name] : form.trainingSets.filter((x) => x !== set.name) })}
              />{' '}
              {set.name} ({set.length} records, {set.imageSize} px)
            </label>
          ))}
        </fieldset>
      )}
      {/* two columns: sixteen settings in one column would not fit a laptop screen */}
      <div className="form-grid">
      {field('imageSize', 'Image size (px)')}
      {field('channels', 'Base channels', 'Upstream: 128; a multiple of 32 at every level')}
      {field('channelMult', 'Channel multipliers', 'Empty: upstream’s for the size (64 px: 1,2,3,4; 32 px: 1,2,2)')}
      {field('resBlocks', 'ResBlocks per level')}
      {field('attention', 'Attention at (px)', 'Comma-separated resolutions; empty for none')}
      {field('heads', 'Attention heads')}
      {field('dropout', 'Dropout')}
      <div className="field">
        <label htmlFor="train-base-encoder">Encoder</label>
        <select id="train-base-encoder" value={form.encoder} onChange={(e) => setForm({ ...form, encoder: e.target.value })}>
          {encoderChoices.map((c) => (
            <option key={c.name} value={c.name}>{c.label}</option>
          ))}
        </select>
      </div>
      {field('latentDim', 'Latent size')}
      <div className="field">
        <label htmlFor="train-base-variant">Model</label>
        <select id="train-base-variant" value={form.variant} onChange={(e) => setForm({ ...form, variant: e.target.value as TrainBaseForm['variant'] })} aria-describedby="train-base-variant-hint">
          <option value="upstream">DiffusionRig (upstream)</option>
          <option value="emo-v2">DiffusionRig-EMO v2 (shape and identity in the condition)</option>
        </select>
        <small id="train-base-variant-hint" className="muted">v2 needs each photo&apos;s albedo code: estimate the albums with DECA or EMOCA, not landmark fitting.</small>
      </div>
      {field('steps', 'Steps')}
      {field('batchSize', 'Batch size', 'Upstream: 8')}
      {field('learningRate', 'Learning rate', 'Upstream stage 1: 1e-4 (constant)')}
      {field('seed', 'Seed', 'Fresh weights, batches and noise all follow it')}
      {field('checkpointInterval', 'Checkpoint every (steps)', 'A cancelled or interrupted run resumes from the last checkpoint')}
      </div>
      {field('name', 'Name of the new model')}
    </FormDialog>
  );
}
