import { readCheckpoint } from '../../checkpoint';
import { shapesOf } from '../../checkpoint/stateDict';
import { describeConfig } from '../../models/config';
import { loadDiffusionRig } from '../../models/diffusionrig';
import type { ArchitectureOverrides } from '../../models/infer';
import { parameterCount } from '../../models/infer';
import type { Command } from '../command';
import { UsageError } from '../command';

function positiveInt(value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} needs a positive integer`);
  return n;
}

/** Architecture settings the weights do not record, from the command line. */
export function overridesFromFlags(values: Record<string, unknown>): ArchitectureOverrides {
  const unet: NonNullable<ArchitectureOverrides['unet']> = {};
  const heads = positiveInt(values['num-heads'], '--num-heads');
  if (heads !== undefined) Object.assign(unet, { numHeads: heads, numHeadsUpsample: heads });
  const headChannels = positiveInt(values['num-head-channels'], '--num-head-channels');
  if (headChannels !== undefined) unet.numHeadChannels = headChannels;
  if (values['new-attention-order']) unet.useNewAttentionOrder = true;
  return { unet };
}

/** Options shared by commands that load a DiffusionRig checkpoint. */
export const architectureOptions = {
  'image-size': { type: 'string' },
  'num-heads': { type: 'string' },
  'num-head-channels': { type: 'string' },
  'new-attention-order': { type: 'boolean' },
} as const;

export const inspectCheckpointCommand: Command = {
  name: ['inspect-checkpoint'],
  summary: 'Read a DiffusionRig checkpoint (.pt/.ckpt/.tar/.safetensors/.npz) and print the architecture inferred from its tensor shapes and its parameter count.',
  usage: 'FILE [--image-size N] [--num-heads N | --num-head-channels N] [--new-attention-order] [--json]',
  options: { json: { type: 'boolean' }, ...architectureOptions },
  async run({ values, positionals }, io) {
    if (positionals.length !== 1) throw new UsageError('give exactly one checkpoint file');
    const imageSize = positiveInt(values['image-size'], '--image-size');
    const checkpoint = readCheckpoint(positionals[0]);
    const weights = loadDiffusionRig(checkpoint.stateDict, checkpoint.path, overridesFromFlags(values));
    const count = parameterCount(shapesOf(weights.stateDict));
    const report = {
      file: checkpoint.path,
      format: checkpoint.format,
      sizeBytes: checkpoint.sizeBytes,
      stateDictLocation: checkpoint.location || null,
      strippedKeyPrefix: weights.strippedPrefix || null,
      tensors: weights.stateDict.size,
      parameters: count,
      architecture: describeConfig(weights.config, imageSize),
      config: weights.config,
    };
    if (values.json) {
      io.out(JSON.stringify(report, null, 2));
      return 0;
    }
    const a = report.architecture;
    io.out(`${checkpoint.path}: DiffusionRig checkpoint (${checkpoint.format}, ${report.tensors} tensors, ${(checkpoint.sizeBytes / 1e6).toFixed(1)} MB)`);
    io.out(`  UNet:    ${a.num_channels} channels × (${a.channel_mult}), ${a.num_res_blocks} res blocks/level, attention at downsample ${a.attention_downsample_rates}${a.attention_resolutions ? ` (resolution ${a.attention_resolutions})` : ''}`);
    io.out(`           scale-shift norm ${a.use_scale_shift_norm}, resblock up/down ${a.resblock_updown}, ${a.in_channels} input channels, learn sigma ${a.learn_sigma}`);
    io.out(`  encoder: ${a.encoder_type}, latent ${a.latent_dim}`);
    io.out(`  parameters: ${count.total.toLocaleString('en-US')} (UNet ${count.unet.toLocaleString('en-US')}, encoder ${count.encoder.toLocaleString('en-US')})`);
    return 0;
  },
};
