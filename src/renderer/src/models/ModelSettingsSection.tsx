import { useEffect, useState } from 'react';
import type { ModelInfo } from '../../../common/contract';
import { errorMessage } from '../api';
import { useApi } from '../providers/BackendProvider';
import { AttentionFields } from './AttentionFields';
import { attentionFormOf, attentionSettings, type AttentionForm } from './attention';
import { imageSizeHint, parseImageSize } from './imageSize';

export interface ModelSettingsSectionProps {
  model: ModelInfo;
  onChanged: () => void;
}

/** A model's settings the weights do not record — image size, attention heads and order — and its compute precision, changeable after import. */
export function ModelSettingsSection({ model, onChanged }: ModelSettingsSectionProps) {
  const api = useApi();
  const [size, setSize] = useState(model.imageSize === null ? '' : String(model.imageSize));
  const [attention, setAttention] = useState<AttentionForm>(() => attentionFormOf(model.architecture.unet));
  const [precision, setPrecision] = useState<ModelInfo['precision']>(model.precision);
  const [status, setStatus] = useState<{ text: string; error: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  const unet = model.architecture.unet;
  // reset to the stored values when they change (not when the list is merely reloaded: typing is kept)
  const storedKey = `${model.id}:${model.imageSize}:${model.precision}:${unet.numHeads}:${unet.numHeadChannels}:${unet.useNewAttentionOrder}`;
  useEffect(() => {
    setSize(model.imageSize === null ? '' : String(model.imageSize));
    setPrecision(model.precision);
    setAttention(attentionFormOf(unet));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [storedKey]);

  const sizeCheck = parseImageSize(size, model);
  const attentionCheck = attentionSettings(attention);
  const stored = attentionFormOf(unet);
  const attentionChanged = JSON.stringify(attention) !== JSON.stringify(stored);
  const sizeChanged = sizeCheck.size !== null && sizeCheck.size !== model.imageSize;
  const precisionChanged = precision !== model.precision;

  const save = async () => {
    setBusy(true);
    setStatus(null);
    try {
      if (sizeCheck.error && size.trim() !== '') throw new Error(sizeCheck.error);
      if ('error' in attentionCheck) throw new Error(attentionCheck.error);
      if (sizeChanged) await api['model.setImageSize']({ modelId: model.id, imageSize: sizeCheck.size });
      if (attentionChanged) await api['model.setAttention']({ modelId: model.id, ...attentionCheck.settings });
      if (precisionChanged) await api['model.setPrecision']({ modelId: model.id, precision });
      setStatus({ text: 'Saved. New edits and fine-tunes use these settings.', error: false });
      onChanged();
    } catch (e) {
      setStatus({ text: errorMessage(e), error: true });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="model-settings"
      aria-label="Settings the weights do not record"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <h3>Settings the weights do not record</h3>
      <div className="field">
        <label htmlFor={`model-size-${model.id}`}>Image size (px)</label>
        <input id={`model-size-${model.id}`} type="number" min={16} max={1024} step={8} placeholder="e.g. 256" value={size} onChange={(e) => setSize(e.target.value)} aria-describedby={`model-size-${model.id}-hint`} />
        <small id={`model-size-${model.id}-hint`} className={sizeCheck.error ? 'form-error' : 'muted'}>
          {sizeCheck.error ?? imageSizeHint(model)}
        </small>
      </div>
      <AttentionFields value={attention} onChange={setAttention} disabled={busy} />
      <div className="field">
        <label htmlFor={`model-precision-${model.id}`}>Precision on GPU providers</label>
        <select id={`model-precision-${model.id}`} value={precision} disabled={busy} onChange={(e) => setPrecision(e.target.value as ModelInfo['precision'])} aria-describedby={`model-precision-${model.id}-hint`}>
          <option value="auto">Automatic: float16 on the GPU, float32 on the CPU</option>
          <option value="float32">float32 everywhere</option>
          <option value="float16">float16 everywhere</option>
        </select>
        <small id={`model-precision-${model.id}-hint`} className="muted">
          float16 roughly halves memory and time on a GPU; the timestep embedding, GroupNorm statistics and softmax stay float32. Choose float32 when a model's float16 results differ too much.
        </small>
      </div>
      <div className="model-settings-actions">
        <button type="submit" className="primary small" disabled={busy || (!sizeChanged && !attentionChanged && !precisionChanged)}>
          Save settings
        </button>
        {status && (
          <span className={status.error ? 'form-error' : 'muted'} role={status.error ? 'alert' : 'status'}>
            {status.text}
          </span>
        )}
      </div>
    </form>
  );
}
