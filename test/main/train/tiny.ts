/** A tiny DiffusionRig configuration and synthetic album shared by the training tests. */
import { ResumableRandom } from '../../../src/main/train/random';
import type { TrainingPair } from '../../../src/main/train/trainer';

/** A UNet small enough to train in a test (the shared tiny configuration). */
export { tinyConfig } from '../../helpers/tinyDiffusionRig';

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

