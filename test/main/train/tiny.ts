/** A tiny DiffusionRig configuration and synthetic album shared by the training tests. */
import type { DiffusionRigConfig } from '../../../src/main/models/config';
import { ResumableRandom } from '../../../src/main/train/random';
import type { TrainingPair } from '../../../src/main/train/trainer';

/** A UNet small enough to train in a test (two levels, 32 channels, attention, dropout 0.1). */
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

/** Image size of the tiny runs. */
export const size = 16;

/** Four smooth synthetic "photos" with matching buffers. */
export function syntheticAlbum(): TrainingPair[] {
  const random = new ResumableRandom(99);
  return [0, 1, 2, 3].map((k) => {
    const image = new Float32Array(3 * size * size);
    const physical = new Float32Array(9 * size * size);
    for (let c = 0; c < 3; c++) {
      for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) {
          image[(c * size + y) * size + x] = 0.8 * Math.sin((x + 2 * k) / 3 + c) * Math.cos((y - k) / 4);
        }
      }
    }
    for (let i = 0; i < physical.length; i++) physical[i] = image[i % image.length] * 0.5 + 0.1 * random.normal();
    return { image, physical };
  });
}

