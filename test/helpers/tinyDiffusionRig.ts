/** The tiny DiffusionRig configuration tests train and edit with (one place for every suite). */
import type { DiffusionRigConfig } from '../../src/main/models/config';

/** Two UNet levels of 32/64 channels (attention, dropout 0.1), a 1-block-per-stage ResNet encoder, latent 16. */
export const tinyConfig: DiffusionRigConfig = {
  unet: {
    inChannels: 12,
    modelChannels: 32,
    outChannels: 3,
    numResBlocks: 1,
    channelMult: [1, 2],
    attentionDownsampleRates: [2],
    numHeads: 1,
    numHeadChannels: -1,
    numHeadsUpsample: 1,
    useScaleShiftNorm: true,
    resblockUpdown: true,
    convResample: true,
    useNewAttentionOrder: false,
    latentDim: 16,
    dropout: 0.1,
  },
  encoder: { block: 'basic', layers: [1, 1, 1, 1], latentDim: 16 },
};

/** The tiny configuration as DiffusionRig-EMO v2: the condition is [latent 16, shape 100, identity 150]. */
export const tinyEmoV2Config: DiffusionRigConfig = {
  ...tinyConfig,
  unet: { ...tinyConfig.unet, faceCondition: { shapeDim: 100, identityDim: 150 } },
};
