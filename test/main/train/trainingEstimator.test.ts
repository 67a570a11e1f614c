import { describe, expect, it } from 'vitest';
import type { EstimateStore } from '../../../src/main/estimate/store';
import { trainingEstimator } from '../../../src/main/train/album';

const store = (names: Record<number, string | undefined>) => ({ codes: (id: number) => (names[id] ? { estimator: names[id] } : undefined) }) as unknown as EstimateStore;

describe('the estimator a trained model records', () => {
  it('is the one estimator of every photo, else null (mixed, unknown or none), with the counts', () => {
    expect(trainingEstimator(store({ 1: 'emoca', 2: 'emoca' }), [1, 2])).toEqual({ estimator: 'emoca', counts: { emoca: 2 } });
    expect(trainingEstimator(store({ 1: 'deca', 2: 'emoca' }), [1, 2])).toEqual({ estimator: null, counts: { deca: 1, emoca: 1 } });
    expect(trainingEstimator(store({ 1: 'demo-ground-truth' }), [1])).toEqual({ estimator: null, counts: { 'demo-ground-truth': 1 } });
    expect(trainingEstimator(store({ 1: 'fit' }), [1, 2])).toEqual({ estimator: null, counts: { fit: 1, none: 1 } });
  });
});
