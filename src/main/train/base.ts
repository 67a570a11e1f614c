/**
 * Stage 1 (upstream's base-model training, FFHQ there): what a fresh DiffusionRig model is made
 * of. The architecture a user picks (image size, widths, levels, attention, encoder), its fresh
 * weights (PyTorch-default random initialisation plus guided-diffusion's zero-initialised
 * convolutions), and which tensors train: every parameter of the UNet and of the encoder; the
 * encoder's BatchNorm running statistics are buffers updated as torch's train mode does.
 */
import type { TrainBaseParams } from '../../common/contract/trainBase';
import type { StateDict } from '../checkpoint/stateDict';
import type { DiffusionRigConfig } from '../models/config';
import { defaultChannelMult, emoV2Condition, encoderFromName } from '../models/config';
import { randomWeights } from './init';

/**
 * Channel multipliers for a size: upstream's for 64/128/256/512; otherwise 1 then 2 for each
 * further level, one level per halving down to 8 px (16 px → 1,2; 32 px → 1,2,2).
 */
export function stage1ChannelMult(imageSize: number): number[] {
  try {
    return defaultChannelMult(imageSize);
  } catch {
    const levels = Math.max(1, Math.round(Math.log2(imageSize / 8)) + 1);
    return Array.from({ length: levels }, (_, i) => (i === 0 ? 1 : 2));
  }
}

/** The architecture of a stage-1 job's parameters; a configuration that cannot be built is refused with the reason. */
export function stage1Config(p: Pick<TrainBaseParams, 'imageSize' | 'channels' | 'channelMult' | 'resBlocks' | 'attentionResolutions' | 'heads' | 'dropout' | 'encoder' | 'latentDim'> & { variant?: TrainBaseParams['variant'] }): DiffusionRigConfig {
  const channelMult = p.channelMult ?? stage1ChannelMult(p.imageSize);
  const smallest = p.imageSize / 2 ** (channelMult.length - 1);
  if (!Number.isInteger(smallest) || smallest < 1) throw new Error(`${channelMult.length} levels (channel multipliers ${channelMult.join(',')}) halve ${p.imageSize} px below 1 px or to a fraction; use fewer levels or another image size`);
  const reachable = channelMult.map((_, i) => p.imageSize / 2 ** i);
  for (const r of p.attentionResolutions) {
    if (!reachable.includes(r)) throw new Error(`attention at ${r} px: the UNet's levels are at ${reachable.join(', ')} px`);
  }
  for (const m of channelMult) {
    const width = p.channels * m;
    if (!Number.isInteger(width) || width % 32 !== 0) throw new Error(`channels ${p.channels} × multiplier ${m} = ${width}: GroupNorm's 32 groups need a multiple of 32`);
    if (p.attentionResolutions.length > 0 && width % p.heads !== 0) throw new Error(`${width} channels do not split into ${p.heads} attention heads`);
  }
  return {
    unet: {
      inChannels: 12,
      modelChannels: p.channels,
      outChannels: 3,
      numResBlocks: p.resBlocks,
      channelMult,
      attentionDownsampleRates: p.attentionResolutions.map((r) => p.imageSize / r),
      numHeads: p.heads,
      numHeadChannels: -1,
      numHeadsUpsample: p.heads,
      useScaleShiftNorm: true,
      resblockUpdown: true,
      convResample: true,
      useNewAttentionOrder: false,
      latentDim: p.latentDim,
      // DiffusionRig-EMO v2: [latent, shape, identity] in every ResBlock's condition
      ...(p.variant === 'emo-v2' ? { faceCondition: { ...emoV2Condition } } : {}),
      dropout: p.dropout,
    },
    encoder: encoderFromName(p.encoder, p.latentDim),
  };
}

/**
 * The convolutions guided-diffusion creates through `zero_module` (weights and biases zero):
 * each ResBlock's last conv (`out_layers.3`), each attention block's `proj_out`, and the UNet's
 * final conv (`out.2`). With them every block starts as the identity of its skip path and the
 * model predicts ε̂ = 0, which is what makes training from scratch stable.
 */
export function isZeroInitialised(key: string): boolean {
  return /^denoisingUNet\.(.+\.out_layers\.3|.+\.proj_out|out\.2)\.(weight|bias)$/.test(key);
}

/**
 * Fresh weights as upstream's stage 1 starts: PyTorch's default initialisers (init.ts), then
 * guided-diffusion's zero_module convs zeroed, and every BatchNorm's `num_batches_tracked`
 * counter at 0 (torch keeps one per BatchNorm; the train step advances it, so the trained model
 * has the state dict upstream would save).
 */
export function stage1Weights(config: DiffusionRigConfig, seed: number): StateDict {
  const weights = randomWeights(config, seed);
  for (const [key, tensor] of [...weights]) {
    if (isZeroInitialised(key)) (tensor.data as Float32Array).fill(0);
    if (key.endsWith('.running_mean')) weights.set(key.replace(/running_mean$/, 'num_batches_tracked'), { dtype: 'int64', shape: [], data: BigInt64Array.of(0n) });
  }
  return weights;
}

/** What stage 1 trains: every tensor except BatchNorm's running statistics and counters (buffers, updated by the forward pass). */
export function stage1Trainable(key: string): boolean {
  return !/\.(running_mean|running_var|num_batches_tracked)$/.test(key);
}
