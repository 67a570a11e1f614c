import { describe, expect, it } from 'vitest';
import { trainBaseParamsSchema } from '../../../src/common/contract';
import { defaultTrainBaseForm, trainBaseRequest } from '../../../src/renderer/src/train/trainBaseForm';

describe('train-a-base-model form', () => {
  it('turns the defaults into the job parameters the contract accepts', () => {
    const request = trainBaseRequest({ ...defaultTrainBaseForm, albumIds: [2, 5] });
    expect(request).toEqual({
      params: {
        albumIds: [2, 5], trainingSets: [], imageSize: 64, channels: 32, resBlocks: 2, heads: 1, latentDim: 64, steps: 50000, batchSize: 8, seed: 0, checkpointInterval: 1000,
        attentionResolutions: [16], dropout: 0.1, encoder: 'resnet18', variant: 'upstream', learningRate: 1e-4,
      },
    });
    expect(trainBaseParamsSchema.safeParse((request as { params: object }).params).success).toBe(true);
  });

  it('passes channel multipliers, no attention and a name when given', () => {
    expect(trainBaseRequest({ ...defaultTrainBaseForm, albumIds: [1], channelMult: '1, 2,2', attention: '', name: ' Demo ' })).toMatchObject({
      params: { channelMult: [1, 2, 2], attentionResolutions: [], name: 'Demo' },
    });
  });

  it('names the first wrong field', () => {
    expect(trainBaseRequest(defaultTrainBaseForm)).toEqual({ error: 'Choose at least one album to train on.' });
    const form = { ...defaultTrainBaseForm, albumIds: [1] };
    expect(trainBaseRequest({ ...form, imageSize: '8' })).toEqual({ error: 'Image size must be a whole number from 16 to 512.' });
    expect(trainBaseRequest({ ...form, batchSize: '1' })).toEqual({ error: 'Batch size must be a whole number from 2 to 256.' });
    expect(trainBaseRequest({ ...form, channelMult: '1,,2' })).toEqual({ error: 'Channel multipliers must be positive numbers separated by commas, e.g. 1,2,2.' });
    expect(trainBaseRequest({ ...form, attention: '16.5' })).toEqual({ error: 'Attention resolutions must be positive whole numbers separated by commas, e.g. 16,8.' });
    expect(trainBaseRequest({ ...form, dropout: '1' })).toMatchObject({ error: expect.stringMatching(/^Dropout/) });
    expect(trainBaseRequest({ ...form, learningRate: 'fast' })).toMatchObject({ error: expect.stringMatching(/^Learning rate/) });
  });
});
