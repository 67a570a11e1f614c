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

describe('dataset channels', () => {
  it('start an export job, and import an LMDB folder by name in place, refusing one that is not a training set', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const { openDatabase } = await import('../../../src/main/db/database');
    const { writeTrainingLmdb } = await import('../../../src/main/train/lmdbDataset');
    const root = mkdtempSync(join(tmpdir(), 'rig-sets-'));
    const db = openDatabase(join(root, 'project.sqlite'));
    try {
      const started: { kind: string; params: unknown }[] = [];
      const backend = { require: () => ({ project: { db }, jobs: { start: (kind: string, params: unknown) => (started.push({ kind, params }), { id: 9 }) } }) } as unknown as Backend;
      const handlers = trainHandlers(backend);
      const params = contract['dataset.export'].params.parse([{ albumIds: [1], out: '/tmp/set' }]);
      expect(await handlers['dataset.export'](...params)).toEqual({ jobId: 9 });
      expect(started).toMatchObject([{ kind: 'dataset-export', params: { albumIds: [1], out: '/tmp/set' } }]);

      const plane = new Float32Array(3 * 8 * 8);
      const sharp = (await import('sharp')).default;
      const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: 1, g: 2, b: 3 } } }).png().toBuffer();
      async function* one() {
        yield { imagePng: png, rendered: plane, normal: plane, albedo: plane };
      }
      const dir = join(root, 'lab-set');
      await writeTrainingLmdb(dir, { size: 8, count: 1, meanShape: new Array(100).fill(0) }, one());
      expect(await handlers['dataset.import']({ path: dir })).toMatchObject({ name: 'lab-set', path: dir, length: 1, imageSize: 8, v2: false, hasMeanShape: true });
      expect((await handlers['dataset.list']()).map((s) => s.name)).toEqual(['lab-set']);
      await expect(handlers['dataset.import']({ path: join(root, 'nothing') })).rejects.toThrow(`${join(root, 'nothing')}: no data.mdb there`);
    } finally {
      db.close();
      rmSync(root, { recursive: true, force: true });
    }
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
