import type { FinetuneParams } from '../../../common/contract';

/** The fine-tuning form's fields as typed (strings), upstream stage-2 values by default. */
export interface FinetuneForm {
  albumId: number | null;
  steps: string;
  batchSize: string;
  learningRate: string;
  seed: string;
  checkpointInterval: string;
  name: string;
  /** Recompute activations in the backward pass (less memory, a slower step). */
  recompute: boolean;
  /** Train the encoder too (DiffusionRig-EMO v2's trainer does; upstream freezes it); null: the model's default. */
  trainEncoder: boolean | null;
}

export const defaultFinetuneForm: FinetuneForm = { albumId: null, steps: '5000', batchSize: '4', learningRate: '1e-5', seed: '0', checkpointInterval: '500', name: '', recompute: false, trainEncoder: null };

type Request = Omit<FinetuneParams, 'imageSize' | 'precision' | 'checkpointMinutes' | 'recompute' | 'trainEncoder'> & { name?: string; recompute?: boolean; trainEncoder?: boolean };

/** The job parameters, or a message naming the first field that is wrong. */
export function finetuneRequest(modelId: number, form: FinetuneForm): { params: Request } | { error: string } {
  if (form.albumId === null) return { error: 'Choose the album to train on.' };
  const integer = (text: string, label: string, min: number): number | string => {
    const n = Number(text);
    return Number.isInteger(n) && n >= min && text.trim() !== '' ? n : `${label} must be a whole number of at least ${min}.`;
  };
  const steps = integer(form.steps, 'Steps', 1);
  if (typeof steps === 'string') return { error: steps };
  const batchSize = integer(form.batchSize, 'Batch size', 1);
  if (typeof batchSize === 'string') return { error: batchSize };
  const seed = integer(form.seed, 'Seed', 0);
  if (typeof seed === 'string') return { error: seed };
  const checkpointInterval = integer(form.checkpointInterval, 'Checkpoint interval', 1);
  if (typeof checkpointInterval === 'string') return { error: checkpointInterval };
  const learningRate = Number(form.learningRate);
  if (!(learningRate > 0 && learningRate <= 1) || form.learningRate.trim() === '') return { error: 'Learning rate must be a number above 0 and at most 1 (upstream stage 2: 1e-5).' };
  const name = form.name.trim();
  return { params: { albumId: form.albumId, modelId, steps, batchSize, learningRate, seed, checkpointInterval, ...(name ? { name } : {}), ...(form.recompute ? { recompute: true } : {}), ...(form.trainEncoder === null ? {} : { trainEncoder: form.trainEncoder }) } };
}
