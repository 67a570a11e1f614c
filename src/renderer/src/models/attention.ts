import type { UNetArchitecture } from '../../../common/contract';

/** The attention settings as a form holds them (typed text). */
export interface AttentionForm {
  /** 'heads': a fixed number of heads per block (upstream `num_heads`); 'channels': a fixed width per head (`num_head_channels`). */
  split: 'heads' | 'channels';
  numHeads: string;
  numHeadChannels: string;
  /** Upstream `use_new_attention_order`. */
  newOrder: boolean;
}

/** Upstream's defaults (DiffusionRig trains with num_heads=1, legacy order). */
export const defaultAttentionForm: AttentionForm = { split: 'heads', numHeads: '1', numHeadChannels: '64', newOrder: false };

/** The form for a stored architecture. */
export function attentionFormOf(unet: Pick<UNetArchitecture, 'numHeads' | 'numHeadChannels' | 'useNewAttentionOrder'>): AttentionForm {
  return unet.numHeadChannels > 0
    ? { split: 'channels', numHeads: String(unet.numHeads), numHeadChannels: String(unet.numHeadChannels), newOrder: unet.useNewAttentionOrder }
    : { split: 'heads', numHeads: String(unet.numHeads), numHeadChannels: '64', newOrder: unet.useNewAttentionOrder };
}

/** The settings to send (model.import overrides / model.setAttention), or the first problem in words. */
export function attentionSettings(form: AttentionForm): { settings: { numHeads: number; numHeadsUpsample: number; numHeadChannels: number; useNewAttentionOrder: boolean } } | { error: string } {
  const whole = (text: string) => (/^\d+$/.test(text.trim()) ? Number(text) : NaN);
  const heads = whole(form.numHeads);
  if (form.split === 'heads') {
    if (!(heads >= 1 && heads <= 256)) return { error: 'Attention heads must be a whole number from 1 to 256 (upstream DiffusionRig: 1).' };
    return { settings: { numHeads: heads, numHeadsUpsample: heads, numHeadChannels: -1, useNewAttentionOrder: form.newOrder } };
  }
  const channels = whole(form.numHeadChannels);
  if (!(channels >= 1 && channels <= 4096)) return { error: 'Channels per head must be a whole number from 1 to 4096 (e.g. 64).' };
  const keep = heads >= 1 ? heads : 1;
  return { settings: { numHeads: keep, numHeadsUpsample: keep, numHeadChannels: channels, useNewAttentionOrder: form.newOrder } };
}

/** Why these settings matter, for the form's explanation. */
export const attentionExplanation =
  'The weights do not record how attention splits its channels into heads, nor the q|k|v order. Use the values the checkpoint was trained with (its training command: --num_heads, --num_head_channels, --use_new_attention_order). A wrong value still loads, but produces wrong images (noise or smeared faces). DiffusionRig’s own scripts use 1 head and the legacy order.';
