import { useEffect, useState } from 'react';
import type { AlbedoBasis, CodeEstimator, ModelInfo } from '../../../common/contract';
import { albedoBasisLabels, codeEstimatorLabels, codeEstimators } from '../../../common/contract';
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
  const [estimator, setEstimator] = useState<CodeEstimator | null>(model.estimator);
  const [albedoBasis, setAlbedoBasis] = useState<AlbedoBasis | null>(model.albedoBasis);
  const [status, setStatus] = useState<{ text: string; error: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  const unet = model.architecture.unet;
  // reset to the stored values when they change (not when the list is merely reloaded: typing is kept)
  const storedKey = `${model.id}:${model.imageSize}:${model.precision}:${unet.numHeads}:${unet.numHeadChannels}:${unet.useNewAttentionOrder}:${model.estimator}:${model.albedoBasis}`;
  useEffect(() => {
    setSize(model.imageSize === null ? '' : String(model.imageSize));
    setPrecision(model.precision);
    setEstimator(model.estimator);
    setAlbedoBasis(model.albedoBasis);
    setAttention(attentionFormOf(unet));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [storedKey]);

  const sizeCheck = parseImageSize(size, model);
  const attentionCheck = attentionSettings(attention);
  const stored = attentionFormOf(unet);
  const attentionChanged = JSON.stringify(attention) !== JSON.stringify(stored);
  const sizeChanged = sizeCheck.size !== null && sizeCheck.size !== model.imageSize;
  const precisionChanged = precision !== model.precision;
  const estimatorChanged = estimator !== model.estimator || albedoBasis !== model.albedoBasis;

  const save = async () => {
    setBusy(true);
    setStatus(null);
    try {
      if (sizeCheck.error && size.trim() !== '') throw new Error(sizeCheck.error);
      if ('error' in attentionCheck) throw new Error(attentionCheck.error);
      if (sizeChanged) await api['model.setImageSize']({ modelId: model.id, imageSize: sizeCheck.size });
      if (attentionChanged) await api['model.setAttention']({ modelId: model.id, ...attentionCheck.settings });
      if (precisionChanged) await api['model.setPrecision']({ modelId: model.id, precision });
      if (estimatorChanged) await api['model.setEstimator']({ modelId: model.id, estimator, albedoBasis: estimator === 'emoca' ? albedoBasis : null });
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
      <div className="field">
        <label htmlFor={`model-estimator-${model.id}`}>Estimator of its training buffers</label>
        <select id={`model-estimator-${model.id}`} value={estimator ?? ''} disabled={busy} onChange={(e) => setEstimator(e.target.value === '' ? null : (e.target.value as CodeEstimator))} aria-describedby={`model-estimator-${model.id}-hint`}>
          <option value="">Not known</option>
          {codeEstimators.map((name) => (
            <option key={name} value={name}>
              {codeEstimatorLabels[name]}
            </option>
          ))}
        </select>
        <small id={`model-estimator-${model.id}-hint`} className="muted">
          Upstream DiffusionRig: DECA; DiffusionRig-EMO: EMOCA. Estimate the photos you edit with the same estimator. Training here records it.
        </small>
      </div>
      {estimator === 'emoca' && (
        <div className="field">
          <label htmlFor={`model-albedo-${model.id}`}>Albedo basis</label>
          <select id={`model-albedo-${model.id}`} value={albedoBasis ?? ''} disabled={busy} onChange={(e) => setAlbedoBasis(e.target.value === '' ? null : (e.target.value as AlbedoBasis))}>
            <option value="">Not known</option>
            {(Object.keys(albedoBasisLabels) as AlbedoBasis[]).map((basis) => (
              <option key={basis} value={basis}>
                {albedoBasisLabels[basis]}
              </option>
            ))}
          </select>
          <small className="muted">DiffusionRig-EMO decodes EMOCA&apos;s albedo code with FLAME_texture.npz, though EMOCA regressed it in the BFM-converted basis: a model expects the albedo buffer it was trained with.</small>
        </div>
      )}
      <div className="model-settings-actions">
        <button type="submit" className="primary small" disabled={busy || (!sizeChanged && !attentionChanged && !precisionChanged && !estimatorChanged)}>
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
