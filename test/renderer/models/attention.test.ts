import { describe, expect, it } from 'vitest';
import { attentionFormOf, attentionSettings, defaultAttentionForm } from '../../../src/renderer/src/models/attention';

describe('attention settings form', () => {
  it('gives upstream’s defaults as one head, legacy order', () => {
    expect(attentionSettings(defaultAttentionForm)).toEqual({ settings: { numHeads: 1, numHeadsUpsample: 1, numHeadChannels: -1, useNewAttentionOrder: false } });
  });
  it('turns channels per head into num_head_channels, heads into num_heads', () => {
    expect(attentionSettings({ split: 'channels', numHeads: '1', numHeadChannels: '64', newOrder: true })).toEqual({ settings: { numHeads: 1, numHeadsUpsample: 1, numHeadChannels: 64, useNewAttentionOrder: true } });
    expect(attentionSettings({ ...defaultAttentionForm, numHeads: '4' })).toMatchObject({ settings: { numHeads: 4, numHeadsUpsample: 4, numHeadChannels: -1 } });
  });
  it('refuses values that are not whole numbers in range, saying which', () => {
    expect(attentionSettings({ ...defaultAttentionForm, numHeads: '0' })).toEqual({ error: expect.stringMatching(/Attention heads/) });
    expect(attentionSettings({ ...defaultAttentionForm, numHeads: '1.5' })).toEqual({ error: expect.stringMatching(/Attention heads/) });
    expect(attentionSettings({ split: 'channels', numHeads: '1', numHeadChannels: '', newOrder: false })).toEqual({ error: expect.stringMatching(/Channels per head/) });
  });
  it('reads a stored architecture back into the form', () => {
    expect(attentionFormOf({ numHeads: 1, numHeadChannels: 64, useNewAttentionOrder: true })).toEqual({ split: 'channels', numHeads: '1', numHeadChannels: '64', newOrder: true });
    expect(attentionFormOf({ numHeads: 2, numHeadChannels: -1, useNewAttentionOrder: false })).toMatchObject({ split: 'heads', numHeads: '2' });
  });
});
