import { describe, expect, it } from 'vitest';
import { activeBufferHead, headCheck, modelBufferHead } from '../../../src/main/models/bufferHead';
import type { ModelRecord } from '../../../src/main/models/registry';

type Head = Pick<ModelRecord, 'kind' | 'lineage' | 'baseModelId'>;

describe('the head a model was trained with', () => {
  const imported: Head = { kind: 'base', lineage: null, baseModelId: null };
  const demoBase: Head = { kind: 'base', lineage: { stage: 1, trainedBy: 'Rig Studio (npm run demo-model), on renders of its own demo head: it knows the demo head only' }, baseModelId: null };
  const trainedOnDemo = { kind: 'base' as const, lineage: { stage: 1, head: 'demo' }, baseModelId: null };
  const olderTrained = { kind: 'base' as const, lineage: { stage: 1, buffers: 'each photo\'s own FLAME codes' }, baseModelId: null };

  it('is read from the lineage, the Demo base model, a base model for a fine-tune, and FLAME for an upstream import', () => {
    expect(modelBufferHead(imported)).toBe('flame');
    expect(modelBufferHead(demoBase)).toBe('demo');
    expect(modelBufferHead(trainedOnDemo)).toBe('demo');
    expect(modelBufferHead(olderTrained)).toBeNull();
    const bases = new Map<number, Head>([[1, imported], [2, demoBase]]);
    expect(modelBufferHead({ kind: 'personalized', lineage: { albumId: 3 }, baseModelId: 1 }, (id) => bases.get(id))).toBe('flame');
    expect(modelBufferHead({ kind: 'personalized', lineage: { albumId: 3 }, baseModelId: 2 }, (id) => bases.get(id))).toBe('demo');
    expect(modelBufferHead({ kind: 'personalized', lineage: { head: 'flame' }, baseModelId: 2 }, (id) => bases.get(id))).toBe('flame');
  });

  it('warns, saying how to fix it, only when the head in use is another', () => {
    expect(headCheck('flame', 'flame').warning).toBeNull();
    expect(headCheck(null, 'demo').warning).toBeNull();
    expect(headCheck('flame', 'demo').warning).toMatch(/trained on FLAME buffers.*colour noise.*Settings → FLAME files/);
    expect(headCheck('demo', 'flame').warning).toMatch(/demo head’s buffers.*Clear the FLAME files in Settings/);
    expect(activeBufferHead({ current: () => ({ modelPath: null, decaDataDir: null }) })).toBe('demo');
    expect(activeBufferHead({ current: () => ({ modelPath: '/m/generic_model.pkl', decaDataDir: null }) })).toBe('flame');
  });
});
