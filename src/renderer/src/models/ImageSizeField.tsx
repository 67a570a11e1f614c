import { useCallback, useEffect, useId, useState } from 'react';
import type { ModelInfo } from '../../../common/contract';
import { useApi, useEvent } from '../providers/BackendProvider';
import { useQuery } from '../hooks/useQuery';
import { imageSizeHint, parseImageSize, shouldRemember } from './imageSize';

/** The image size a model is sampled or trained at, as a form field: prefilled from the model, kept with it once chosen. */
export interface ImageSizeState {
  model: ModelInfo | undefined;
  text: string;
  setText: (text: string) => void;
  /** The size to run at (null while it is missing or wrong). */
  size: number | null;
  error: string | null;
  /** Stores a changed size with the model and returns the size to pass to the job; throws the field's error. */
  commit: () => Promise<number | undefined>;
}

/** Follows the model chosen in a form: its stored or inferred size, or an empty required field. */
export function useImageSize(modelId: number | null): ImageSizeState {
  const api = useApi();
  const models = useQuery(() => api['model.list'](), 'image-size-models');
  useEvent('job.updated', (job) => {
    if ((job.kind === 'model-import' || job.kind === 'finetune' || job.kind === 'train-base') && job.state === 'done') models.reload();
  });
  const model = models.data?.find((m) => m.id === modelId);
  const [text, setText] = useState('');
  const known = model?.imageSize ?? null;
  useEffect(() => {
    setText(known === null ? '' : String(known));
  }, [modelId, known]);
  const { size, error } = parseImageSize(text, model);
  const reload = models.reload;
  const commit = useCallback(async () => {
    if (error) throw new Error(error);
    if (model && shouldRemember(model, size)) {
      await api['model.setImageSize']({ modelId: model.id, imageSize: size! });
      reload();
    }
    return size ?? undefined;
  }, [api, error, model, size, reload]);
  return { model, text, setText, size, error, commit };
}

/** The field: label, number input, where the value comes from, and what is wrong. */
export function ImageSizeField({ state }: { state: ImageSizeState }) {
  const id = useId();
  if (!state.model) return null;
  return (
    <div className="field image-size-field">
      <label htmlFor={id}>Image size (px)</label>
      <input
        id={id}
        type="number"
        min={16}
        max={1024}
        step={8}
        placeholder="e.g. 256"
        value={state.text}
        required={state.model.imageSize === null}
        aria-invalid={state.error !== null}
        aria-describedby={`${id}-hint`}
        onChange={(e) => state.setText(e.target.value)}
      />
      <small id={`${id}-hint`} className={state.error ? 'form-error' : 'muted'}>
        {state.error ?? imageSizeHint(state.model)}
      </small>
    </div>
  );
}
