import { describe, expect, it } from 'vitest';
import { defaultFinetuneForm, finetuneRequest } from '../../../src/renderer/src/train/finetuneForm';

describe('fine-tuning form', () => {
  it('turns the upstream defaults into job parameters', () => {
    expect(finetuneRequest(4, { ...defaultFinetuneForm, albumId: 2 })).toEqual({
      params: { albumId: 2, modelId: 4, steps: 5000, batchSize: 4, learningRate: 1e-5, seed: 0, checkpointInterval: 500 },
    });
    expect(finetuneRequest(4, { ...defaultFinetuneForm, albumId: 2, name: '  Alice v2 ' })).toMatchObject({ params: { name: 'Alice v2' } });
  });

  it('asks for activation recomputation only when ticked', () => {
    expect(finetuneRequest(4, { ...defaultFinetuneForm, albumId: 2, recompute: true })).toMatchObject({ params: { recompute: true } });
    expect('recompute' in (finetuneRequest(4, { ...defaultFinetuneForm, albumId: 2 }) as { params: object }).params).toBe(false);
  });

  it('names the first wrong field', () => {
    expect(finetuneRequest(4, defaultFinetuneForm)).toEqual({ error: 'Choose the album to train on.' });
    expect(finetuneRequest(4, { ...defaultFinetuneForm, albumId: 2, steps: '1.5' })).toEqual({ error: 'Steps must be a whole number of at least 1.' });
    expect(finetuneRequest(4, { ...defaultFinetuneForm, albumId: 2, learningRate: '-1' })).toMatchObject({ error: expect.stringMatching(/^Learning rate/) });
    expect(finetuneRequest(4, { ...defaultFinetuneForm, albumId: 2, seed: '' })).toEqual({ error: 'Seed must be a whole number of at least 0.' });
  });
});
