import { describe, expect, it } from 'vitest';
import { asFinetuneResult, curveGeometry } from '../../../src/renderer/src/train/lossCurve';

describe('loss curve', () => {
  it('lays steps along x and log loss along y, highest loss at the top', () => {
    const g = curveGeometry([{ step: 1, loss: 1 }, { step: 5, loss: 0.1 }, { step: 10, loss: 0.01 }], 10, 100, 50);
    expect(g.points).toBe('10.0,0.0 50.0,25.0 100.0,50.0');
    expect(g.minLoss).toBeCloseTo(0.01, 12);
    expect(g.maxLoss).toBeCloseTo(1, 12);
  });

  it('leaves room for the steps still to come and skips unusable losses', () => {
    const g = curveGeometry([{ step: 1, loss: 2 }, { step: 2, loss: Number.NaN }, { step: 4, loss: 1 }], 8, 80, 10);
    expect(g.points).toBe('10.0,0.0 40.0,10.0');
    expect(curveGeometry([{ step: 1, loss: 0.5 }], 8, 80, 10).points).toBe('');
  });

  it('recognises a fine-tuning result and nothing else', () => {
    expect(asFinetuneResult({ step: 3, steps: 10, loss: 0.2, stepsPerSecond: 1, lossCurve: [] })?.step).toBe(3);
    expect(asFinetuneResult({ imported: 3, errors: [] })).toBeUndefined();
    expect(asFinetuneResult(null)).toBeUndefined();
  });
});
