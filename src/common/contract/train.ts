import { z } from 'zod';
import { channel } from './channel';

// Stage-2 fine-tuning: a 'finetune' job trains a registered model's UNet on one
// album and registers the result as a personalised model. Progress, ETA, cancel and resume
// are the jobs panel's; the job's result carries the live loss curve.

const id = z.number().int().positive();

/** Parameters of a fine-tuning job; defaults are upstream's stage 2. */
export const finetuneParamsSchema = z.object({
  albumId: id,
  modelId: id,
  steps: z.number().int().positive().max(1_000_000).default(5000),
  batchSize: z.number().int().positive().max(256).default(4),
  learningRate: z.number().positive().max(1).default(1e-5),
  seed: z.number().int().nonnegative().default(0),
  /** Steps between saved run states (what a resume continues from). */
  checkpointInterval: z.number().int().positive().default(500),
  /** Minutes between saved run states; whichever of this and checkpointInterval comes first. */
  checkpointMinutes: z.number().positive().max(24 * 60).default(10),
  /** Training size when the model's own cannot be told from its channel multipliers. */
  imageSize: z.number().int().positive().max(1024).optional(),
  /** Name of the personalised model (default: "<base> · <album>"; "(2)", "(3)", … when that name is taken). */
  name: z.string().trim().min(1).max(200).optional(),
  /** 'mixed-float16': float16 UNet, float32 master weights, loss scaling (for GPU providers). */
  precision: z.enum(['float32', 'mixed-float16']).default('float32'),
  /** Recompute each UNet block's activations in the backward pass (upstream's use_checkpoint): about half the memory, ~1.3× the step time, same result. */
  recompute: z.boolean().default(false),
  /** Imported LMDB training sets by name ('rig-studio dataset import'), read in place and trained on with the album. */
  trainingSets: z.array(z.string().min(1)).max(16).optional(),
  /**
   * Train the encoder too (and its BatchNorm statistics), as DiffusionRig-EMO v2's trainer does
   * in both stages; upstream's stage 2 freezes it. Absent: on for v2 models, off for others.
   */
  trainEncoder: z.boolean().optional(),
});
export type FinetuneParams = z.infer<typeof finetuneParamsSchema>;

/** A point of the loss curve: mean loss of the steps up to `step` since the previous point. */
export interface LossPoint {
  step: number;
  loss: number;
}

/** The personalised model a finished run registered (see 'model.get' for the rest). */
export interface PersonalisedModelRef {
  id: number;
  name: string;
  filePath: string;
  baseModelId: number | null;
}

/** A finetune job's result: while running, progress and the loss curve; at the end, the new model too. */
export interface FinetuneJobResult {
  step: number;
  steps: number;
  loss: number | null;
  stepsPerSecond: number | null;
  /** At most 500 points over the whole run. */
  lossCurve: LossPoint[];
  model?: PersonalisedModelRef;
}

export const trainContract = {
  /** Starts stage-2 fine-tuning of a model on an album as a 'finetune' job. */
  'finetune.start': channel<{ jobId: number }>()(finetuneParamsSchema.partial({ steps: true, batchSize: true, learningRate: true, seed: true, checkpointInterval: true, checkpointMinutes: true, precision: true, recompute: true, trainEncoder: true })),
};
