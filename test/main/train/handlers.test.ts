import { describe, expect, it } from 'vitest';
import { contract } from '../../../src/common/contract';
import type { Backend } from '../../../src/main/app/backend';
import { finetuneParams } from '../../../src/main/train/finetuneJob';
import { trainHandlers } from '../../../src/main/train/handlers';

describe('finetune.start channel', () => {
  it('validates parameters and starts a finetune job with upstream defaults filled in by the job schema', async () => {
    const started: { kind: string; params: unknown }[] = [];
    const backend = { require: () => ({ jobs: { start: (kind: string, params: unknown) => (started.push({ kind, params }), { id: 7 }) } }) } as unknown as Backend;
    const params = contract['finetune.start'].params.parse([{ albumId: 2, modelId: 3 }]);
    expect(await trainHandlers(backend)['finetune.start'](...params)).toEqual({ jobId: 7 });
    expect(started).toMatchObject([{ kind: 'finetune', params: { albumId: 2, modelId: 3 } }]);
    expect(finetuneParams.parse(started[0].params)).toMatchObject({ steps: 5000, batchSize: 4, learningRate: 1e-5, seed: 0, checkpointInterval: 500, precision: 'float32' });
    expect(() => contract['finetune.start'].params.parse([{ albumId: 2, modelId: 3, learningRate: -1 }])).toThrow();
  });
});

describe('trainBase.start channel', () => {
  it('refuses an architecture that cannot be built before any job exists', async () => {
    const started: unknown[] = [];
    const backend = { require: () => ({ jobs: { start: (_kind: string, params: unknown) => (started.push(params), { id: 9 }) } }) } as unknown as Backend;
    const start = (patch: Record<string, unknown>) => trainHandlers(backend)['trainBase.start'](...contract['trainBase.start'].params.parse([{ albumIds: [1], ...patch }]));
    expect(() => start({ channels: 30 })).toThrow(/channels 30 × multiplier 1 = 30: GroupNorm's 32 groups need a multiple of 32/);
    expect(() => start({ attentionResolutions: [12] })).toThrow(/attention at 12 px/);
    expect(started).toHaveLength(0);
    expect(await start({ channels: 64 })).toEqual({ jobId: 9 });
  });
});
