import { describe, expect, it } from 'vitest';
import { generateBlocker, runsProblem } from '../../../src/renderer/src/edit/setup';
import { scoreBlankReason } from '../../../src/renderer/src/edit/ResultTile';

describe('generateBlocker', () => {
  const ready = { models: 1, sources: 2, targets: 2, modeSets: 1, imageSizeError: null };
  it('says why Generate is disabled, the first missing thing first', () => {
    expect(generateBlocker(ready)).toBeNull();
    expect(generateBlocker({ ...ready, models: 0 })).toMatch(/No model yet: use the Demo base model, train a base model or import a checkpoint/);
    expect(generateBlocker({ ...ready, imageSizeError: 'Enter the image size' })).toBe('Enter the image size');
    expect(generateBlocker({ ...ready, sources: 0 })).toMatch(/source photo/);
    expect(generateBlocker({ ...ready, targets: 0 })).toMatch(/target photo/);
    expect(generateBlocker({ ...ready, modeSets: 0 })).toMatch(/mode/);
    expect(generateBlocker({ ...ready, runningJobId: 7 })).toMatch(/^Generating \(edit job 7\)/);
    expect(generateBlocker({ ...ready, runningJobId: null })).toBeNull();
  });
});

describe('scoreBlankReason', () => {
  it('explains a blank score from the scorer’s notes, or that scoring was off', () => {
    expect(scoreBlankReason(null)).toMatch(/Scores off/);
    expect(scoreBlankReason({ identity: null, emotion: 0.5, landmarkError: 1, notes: ['identity: no face embedding model (Settings → Models)'] })).toBe('identity: no face embedding model (Settings → Models)');
    expect(scoreBlankReason({ identity: null, emotion: null, landmarkError: null, notes: [] })).toMatch(/missing or found no face/);
  });
});

describe('runsProblem', () => {
  const models = [{ id: 1, name: 'a', imageSize: 64 }, { id: 2, name: 'b', imageSize: null }];
  const first = { modelId: 1, method: 'ddim' as const, steps: 20 };
  it('accepts the same model with another sampler, and says what is wrong with a run', () => {
    expect(runsProblem(first, [], models)).toBeNull();
    expect(runsProblem(first, [{ modelId: 1, method: 'dpm++', steps: 10 }], models)).toBeNull();
    expect(runsProblem(first, [{ modelId: 1, method: 'ddim', steps: 20 }], models)).toBe('Model run 2 repeats model run 1 (same model, sampler and steps).');
    expect(runsProblem(first, [{ modelId: null, method: 'ddim', steps: 20 }], models)).toBe('Model run 2: choose its model.');
    expect(runsProblem(first, [{ modelId: 1, method: 'dpm++', steps: 10 }, { modelId: 2, method: 'ddim', steps: 20 }], models)).toMatch(/^Model run 3: the image size of b is not known yet/);
    expect(runsProblem({ ...first, modelId: 2 }, [{ modelId: 2, method: 'ddim', steps: 10 }], models)).toBeNull();
  });
});
