import { z } from 'zod';
import { parseEncoderName } from '../encoderNames';
import { channel } from './channel';

// Stage-1 training: a 'train-base' job trains a DiffusionRig model from fresh random
// weights (UNet and encoder jointly, upstream's stage-1 loss) on one or more albums and registers
// it as a base model. Progress, cancel and resume are the jobs panel's, as for 'finetune'.

const id = z.number().int().positive();
const positive = z.number().int().positive();

/**
 * Parameters of a stage-1 job. Defaults follow upstream's stage 1 where they fit a small CPU
 * model: lr 1e-4 (upstream), batch 8 (upstream trains batch 8 per GPU; on 2 CPU cores 8 at
 * 32–64 px is what still takes seconds per step), resnet18, latent 64, dropout 0.1, attention at
 * 16 px, 2 ResBlocks per level. Upstream's 128 base channels are far beyond a CPU run, so the
 * default base width is 32. Channel multipliers default to upstream's for the image size.
 */
export const trainBaseParamsSchema = z.object({
  albumIds: z.array(id).max(64).default([]),
  /** Imported LMDB training sets by name ('rig-studio dataset import'), read in place after the albums. */
  trainingSets: z.array(z.string().min(1)).max(16).default([]),
  imageSize: z.number().int().min(16).max(512).default(64),
  /** UNet base channels (upstream `num_channels`). */
  channels: z.number().int().min(8).max(512).default(32),
  /** Channel multiplier per level (upstream `channel_mult`); default upstream's for the size, else 1,2,… one level per halving down to 8 px. */
  channelMult: z.array(z.number().positive().max(16)).min(1).max(8).optional(),
  resBlocks: z.number().int().min(1).max(8).default(2),
  /** Resolutions (px) with self-attention (upstream `attention_resolutions`). */
  attentionResolutions: z.array(positive).max(8).default([16]),
  heads: z.number().int().min(1).max(32).default(1),
  dropout: z.number().min(0).max(0.9).default(0.1),
  /** 'resnet18' (upstream), 'resnet50', or a narrowed one such as 'resnet10-w16' (common/encoderNames.ts). */
  encoder: z.string().refine((name) => typeof parseEncoderName(name) !== 'string', { error: (issue) => String(parseEncoderName(String(issue.input))) }).default('resnet18'),
  latentDim: z.number().int().min(1).max(1024).default(64),
  /** 'upstream' DiffusionRig, or 'emo-v2': DiffusionRig-EMO v2, the UNet also conditioned on FLAME shape (100) and identity ([shape, albedo code], 150). */
  variant: z.enum(['upstream', 'emo-v2']).default('upstream'),
  steps: z.number().int().positive().max(10_000_000).default(50_000),
  batchSize: z.number().int().min(2).max(256).default(8),
  learningRate: z.number().positive().max(1).default(1e-4),
  seed: z.number().int().nonnegative().default(0),
  checkpointInterval: z.number().int().positive().default(1000),
  checkpointMinutes: z.number().positive().max(24 * 60).default(10),
  /** Name of the base model (default: "Base <size> px · <channels> ch"). */
  name: z.string().trim().min(1).max(200).optional(),
});
export type TrainBaseParams = z.infer<typeof trainBaseParamsSchema>;

/** The base model a finished stage-1 run registered. */
export interface BaseModelRef {
  id: number;
  name: string;
  filePath: string;
}

/** A train-base job's result: progress and the loss curve while running; the model at the end. */
export interface TrainBaseJobResult {
  step: number;
  steps: number;
  loss: number | null;
  stepsPerSecond: number | null;
  lossCurve: { step: number; loss: number }[];
  model?: BaseModelRef;
}

export const trainBaseContract = {
  /** Starts stage-1 training of a fresh model on albums as a 'train-base' job. */
  'trainBase.start': channel<{ jobId: number }>()(trainBaseParamsSchema.partial({
    imageSize: true, channels: true, resBlocks: true, attentionResolutions: true, heads: true, dropout: true, encoder: true,
    latentDim: true, variant: true, steps: true, batchSize: true, learningRate: true, seed: true, checkpointInterval: true, checkpointMinutes: true,
  })),
};
