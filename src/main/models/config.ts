/**
 * Architecture settings of the DiffusionRig networks, in our own camelCase terms, with the
 * mapping from upstream's argument names (the `args` dict / config.json of the PyTorch code).
 */

import { nameOfEncoder, parseEncoderName } from '../../common/encoderNames';
import type { EncoderArchitecture, FaceCondition, ModelArchitecture, UNetArchitecture } from '../../common/contract/models';

// The architecture types are declared once, with the API types that carry them to the UI
// (src/common/contract/models.ts); these are their names on the Node side.

/** The guided-diffusion UNet as DiffusionRig configures it. */
export type UNetConfig = UNetArchitecture;

/** A torchvision ResNet used as the global latent encoder. */
export type EncoderConfig = EncoderArchitecture;

/** The whole DiffusionRig model. */
export type DiffusionRigConfig = ModelArchitecture;

/** DiffusionRig-EMO v2's extra condition as its code builds it: shape = β (100), identity = [β, albedo code (50)]. */
export const emoV2Condition: Readonly<FaceCondition> = Object.freeze({ shapeDim: 100, identityDim: 150 });

/** Width of the global condition every ResBlock reads: the latent, plus shape and identity for EMO v2. */
export function conditionWidth(unet: Pick<UNetConfig, 'latentDim' | 'faceCondition'>): number {
  const face = unet.faceCondition;
  return unet.latentDim + (face ? face.shapeDim + face.identityDim : 0);
}

/** Upstream's default channel multipliers by image size. */
export function defaultChannelMult(imageSize: number): number[] {
  switch (imageSize) {
    case 512:
      return [0.5, 1, 1, 2, 2, 4, 4];
    case 256:
      return [1, 1, 2, 2, 4, 4];
    case 128:
      return [1, 1, 2, 3, 4];
    case 64:
      return [1, 2, 3, 4];
    default:
      throw new Error(`no default channel multipliers for image size ${imageSize} (upstream knows 64, 128, 256, 512)`);
  }
}

/** ResNet name for an encoder config, e.g. 'resnet18' or 'resnet10-w16' (common/encoderNames.ts). */
export function encoderName(encoder: EncoderConfig): string {
  return nameOfEncoder(encoder);
}

/** Encoder config for upstream's `encoder_type` (or a narrowed one such as 'resnet10-w16'); throws naming the problem. */
export function encoderFromName(name: string, latentDim: number): EncoderConfig {
  const parsed = parseEncoderName(name);
  if (typeof parsed === 'string') throw new Error(parsed);
  return { ...parsed, latentDim };
}

/** Upstream argument names as in DiffusionRig's config / argparse defaults. */
export interface UpstreamArgs {
  image_size: number;
  num_channels?: number;
  num_res_blocks?: number;
  channel_mult?: string;
  attention_resolutions?: string;
  num_heads?: number;
  num_head_channels?: number;
  num_heads_upsample?: number;
  use_scale_shift_norm?: boolean;
  resblock_updown?: boolean;
  use_new_attention_order?: boolean;
  dropout?: number;
  latent_dim?: number;
  in_channels?: number;
  encoder_type?: string;
  learn_sigma?: boolean;
}

/** Our config from upstream's arguments (defaults as upstream's 256-px setup). */
export function configFromUpstream(args: UpstreamArgs): DiffusionRigConfig {
  const imageSize = args.image_size;
  const channelMult = args.channel_mult ? args.channel_mult.split(',').map(Number) : defaultChannelMult(imageSize);
  const resolutions = (args.attention_resolutions ?? '16').split(',').map(Number);
  const numHeads = args.num_heads ?? 1;
  const latentDim = args.latent_dim ?? 64;
  return {
    unet: {
      inChannels: args.in_channels ?? 12,
      modelChannels: args.num_channels ?? 128,
      outChannels: args.learn_sigma ? 6 : 3,
      numResBlocks: args.num_res_blocks ?? 2,
      channelMult,
      attentionDownsampleRates: resolutions.map((r) => Math.floor(imageSize / r)),
      numHeads,
      numHeadChannels: args.num_head_channels ?? -1,
      numHeadsUpsample: args.num_heads_upsample === undefined || args.num_heads_upsample === -1 ? numHeads : args.num_heads_upsample,
      useScaleShiftNorm: args.use_scale_shift_norm ?? true,
      resblockUpdown: args.resblock_updown ?? true,
      convResample: true,
      useNewAttentionOrder: args.use_new_attention_order ?? false,
      latentDim,
      dropout: args.dropout ?? 0.1,
    },
    encoder: encoderFromName(args.encoder_type ?? 'resnet18', latentDim),
  };
}

/** Upstream's default 256-px DiffusionRig configuration. */
export function defaultConfig(imageSize = 256): DiffusionRigConfig {
  return configFromUpstream({ image_size: imageSize });
}

/**
 * Upstream-style arguments for a config (what DiffusionRig's scripts take). Attention is given
 * as downsample rates; with `imageSize` they are turned back into upstream's resolutions.
 */
export function describeConfig(config: DiffusionRigConfig, imageSize?: number): Record<string, unknown> {
  const u = config.unet;
  return {
    image_size: imageSize ?? null,
    num_channels: u.modelChannels,
    num_res_blocks: u.numResBlocks,
    channel_mult: u.channelMult.join(','),
    attention_downsample_rates: u.attentionDownsampleRates.join(','),
    attention_resolutions: imageSize ? u.attentionDownsampleRates.map((ds) => imageSize / ds).join(',') : null,
    num_heads: u.numHeads,
    num_head_channels: u.numHeadChannels,
    num_heads_upsample: u.numHeadsUpsample,
    use_scale_shift_norm: u.useScaleShiftNorm,
    resblock_updown: u.resblockUpdown,
    conv_resample: u.convResample,
    use_new_attention_order: u.useNewAttentionOrder,
    learn_sigma: u.outChannels === 6,
    in_channels: u.inChannels,
    latent_dim: u.latentDim,
    encoder_type: encoderName(config.encoder),
    // DiffusionRig-EMO v2's extra condition widths (the names its code uses)
    ...(u.faceCondition ? { variant: 'diffusionrig-emo-v2', shape_dim: u.faceCondition.shapeDim, identity_dim: u.faceCondition.identityDim } : {}),
  };
}
