import { useEffect, useState } from 'react';
import type { ModelInfo } from '../../../common/contract';
import { errorMessage } from '../api';
import { useApi } from '../app/BackendProvider';
import { AttentionFields } from './AttentionFields';
import { attentionFormOf, attentionSettings, type AttentionForm } from './attention';
import { imageSizeHint, parseImageSize } from './imageSize';

export interface ModelSettingsSectionProps {
  model: ModelInfo;
  onChanged: () => void;
}

/** A model's settings the weights do not record — image size, attention heads and order — changeable after import. */
export function ModelSettingsSection({ model, onChanged }: ModelSettingsSectionProps) {
  const api = useApi();
  const [size, setSize] = useState(model.imageSize === null ? '' : String(model.imageSize));
  const [attention, setAttention] = useState<AttentionForm>(() => attentionFormOf(model.architecture.unet));
  const [status, setStatus] = useState<{ text: string; error: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  const unet = model.architecture.unet;
  // reset to the stored values when they change (not when the list is merely reloaded: typing is kept)
  const storedKey = `${model.id}:${model.imageSize}:${unet.numHeads}:${unet.numHeadChannels}:${unet.useNewAttentionOrder}`;
  useEffect(() => {
    setSize(model.imageSize === null ? '' : String(model.imageSize));
    setAttention(attentionFormOf(unet));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [storedKey]);

  const sizeCheck = parseImageSize(size, model);
  const attentionCheck = attentionSettings(attention);
  const stored = attentionFormOf(unet);
  const attentionChanged = JSON.stringify(attention) !== JSON.stringify(stored);
  const sizeChanged = sizeCheck.size !== null && sizeCheck.size !== model.imageSize;

  const save = async () => {
    setBusy(true);
    setStatus(null);
    try {
      if (sizeCheck.error && size.trim() !== '') throw new Error(sizeCheck.error);
      if ('error' in attentionCheck) throw new Error(attentionCheck.error);
      if (sizeChanged) await api['model.setImageSize']({ modelId: model.id, imageSize: sizeCheck.size });
      if (attentionChanged) await api['model.setAttention']({ modelId: model.id, ...attentionCheck.settings });
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
      <div className="model-settings-actions">
        <button type="submit" className="primary small" disabled={busy || (!sizeChanged && !attentionChanged)}>
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
