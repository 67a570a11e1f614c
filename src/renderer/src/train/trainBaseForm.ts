import type { TrainBaseParams } from '../../../common/contract';

/** The stage-1 form's fields as typed (strings); defaults are the contract's (upstream's stage 1 where it fits a small model). */
export interface TrainBaseForm {
  albumIds: number[];
  /** Imported LMDB training sets by name. */
  trainingSets: string[];
  imageSize: string;
  channels: string;
  /** Comma-separated; empty = upstream's for the image size. */
  channelMult: string;
  resBlocks: string;
  /** Comma-separated resolutions in px; empty = no attention. */
  attention: string;
  heads: string;
  dropout: string;
  /** An encoder name (common/encoderNames.ts), e.g. 'resnet18'. */
  encoder: string;
  latentDim: string;
  /** 'upstream' DiffusionRig or 'emo-v2' (DiffusionRig-EMO v2: shape and identity in the condition). */
  variant: TrainBaseParams['variant'];
  steps: string;
  batchSize: string;
  learningRate: string;
  seed: string;
  checkpointInterval: string;
  name: string;
}

export const defaultTrainBaseForm: TrainBaseForm = {
  albumIds: [], trainingSets: [], imageSize: '64', channels: '32', channelMult: '', resBlocks: '2', attention: '16', heads: '1', dropout: '0.1', encoder: 'resnet18',
  latentDim: '64', variant: 'upstream', steps: '50000', batchSize: '8', learningRate: '1e-4', seed: '0', checkpointInterval: '1000', name: '',
};

type Request = Omit<TrainBaseParams, 'checkpointMinutes' | 'channelMult' | 'name'> & { channelMult?: number[]; name?: string };

/**
 * The job parameters, or a message naming the first field that is wrong. What only the whole
 * architecture can tell (levels against the image size, attention at a level that exists,
 * GroupNorm's multiples of 32) the job checks when it starts; the dialog shows that failure too.
 */
export function trainBaseRequest(form: TrainBaseForm): { params: Request } | { error: string } {
  if (form.albumIds.length === 0 && form.trainingSets.length === 0) return { error: 'Choose at least one album to train on.' };
  const integer = (text: string, label: string, min: number, max: number): number | string => {
    const n = Number(text);
    return Number.isInteger(n) && n >= min && n <= max && text.trim() !== '' ? n : `${label} must be a whole number from ${min} to ${max}.`;
  };
  const list = (text: string, label: string, integers: boolean): number[] | string => {
    const parts = text.split(',').map((s) => s.trim());
    const values = parts.map(Number);
    return parts.some((s) => s === '') || values.some((n) => !(n > 0) || (integers && !Number.isInteger(n))) ? `${label} must be positive ${integers ? 'whole numbers' : 'numbers'} separated by commas, e.g. ${integers ? '16,8' : '1,2,2'}.` : values;
  };
  const fields = {
    imageSize: integer(form.imageSize, 'Image size', 16, 512),
    channels: integer(form.channels, 'Base channels', 8, 512),
    resBlocks: integer(form.resBlocks, 'ResBlocks per level', 1, 8),
    heads: integer(form.heads, 'Attention heads', 1, 32),
    latentDim: integer(form.latentDim, 'Latent size', 1, 1024),
    steps: integer(form.steps, 'Steps', 1, 10_000_000),
    batchSize: integer(form.batchSize, 'Batch size', 2, 256),
    seed: integer(form.seed, 'Seed', 0, Number.MAX_SAFE_INTEGER),
    checkpointInterval: integer(form.checkpointInterval, 'Checkpoint interval', 1, 10_000_000),
  };
  for (const value of Object.values(fields)) if (typeof value === 'string') return { error: value };
  const channelMult = form.channelMult.trim() === '' ? undefined : list(form.channelMult, 'Channel multipliers', false);
  if (typeof channelMult === 'string') return { error: channelMult };
  const attention = form.attention.trim() === '' ? [] : list(form.attention, 'Attention resolutions', true);
  if (typeof attention === 'string') return { error: attention };
  const dropout = Number(form.dropout);
  if (!(dropout >= 0 && dropout < 0.9) || form.dropout.trim() === '') return { error: 'Dropout must be a number from 0 to below 0.9 (upstream: 0.1).' };
  const learningRate = Number(form.learningRate);
  if (!(learningRate > 0 && learningRate <= 1) || form.learningRate.trim() === '') return { error: 'Learning rate must be a number above 0 and at most 1 (upstream stage 1: 1e-4).' };
  const name = form.name.trim();
  return {
    params: {
      albumIds: form.albumIds,
      trainingSets: form.trainingSets,
      ...(fields as { [K in keyof typeof fields]: number }),
      ...(channelMult ? { channelMult } : {}),
      attentionResolutions: attention,
      dropout,
      encoder: form.encoder,
      variant: form.variant,
      learningRate,
      ...(name ? { name } : {}),
    },
  };
}
