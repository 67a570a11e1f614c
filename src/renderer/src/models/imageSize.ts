import type { ModelInfo } from '../../../common/contract';

/** What the image-size field says about a typed value: the size, or why it cannot be used. */
export function parseImageSize(text: string, model: Pick<ModelInfo, 'imageSize' | 'imageSizeSource'> | undefined): { size: number | null; error: string | null } {
  const trimmed = text.trim();
  if (trimmed === '') {
    if (model && model.imageSize === null) return { size: null, error: 'Enter the image size this model was trained at (e.g. 64, 128 or 256): its weights do not tell it.' };
    return { size: model?.imageSize ?? null, error: null };
  }
  const n = Number(trimmed);
  if (!Number.isInteger(n) || n < 16 || n > 1024) return { size: null, error: 'The image size is a whole number of pixels from 16 to 1024 (the size the model was trained at).' };
  if (n % 8 !== 0) return { size: null, error: `${n} px cannot be the size of a DiffusionRig model: it is halved at each UNet level, so it is a multiple of 8 (e.g. 64, 128, 256).` };
  return { size: n, error: null };
}

/** Where the size shown comes from, in words (the field's hint). */
export function imageSizeHint(model: Pick<ModelInfo, 'imageSize' | 'imageSizeSource'> | undefined): string {
  if (!model) return '';
  switch (model.imageSizeSource) {
    case 'chosen':
      return 'Kept with the model since you chose it; change it here or on the model’s details.';
    case 'lineage':
      return 'The size the model was fine-tuned at.';
    case 'weights':
      return 'Told by the weights (upstream’s channel multipliers for this size).';
    default:
      return 'Required once: the weights do not tell the size this model was trained at. It is kept with the model.';
  }
}

/** True when a size the user typed should be stored with the model (it differs from what the model has). */
export function shouldRemember(model: Pick<ModelInfo, 'imageSize'> | undefined, size: number | null): boolean {
  return model !== undefined && size !== null && size !== model.imageSize;
}
