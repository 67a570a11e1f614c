import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { uploadFolders } from '../../../src/main/models/uploads';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCheckpoint } from '../../../src/main/checkpoint';
import { writeSafetensors } from '../../../src/main/checkpoint/safetensors';
import type { StateDict } from '../../../src/main/checkpoint/stateDict';
import { InlinePool } from '../../../src/main/jobs/pool';
import { workerTasks } from '../../../src/main/app/workerTasks';
import { JobRunner } from '../../../src/main/jobs/runner';
import { Project } from '../../../src/main/library/project';
import { modelImportJobKind } from '../../../src/main/models/modelImportJob';
import { ModelRegistry } from '../../../src/main/models/registry';
import { inspectCheckpointFile, ModelService } from '../../../src/main/models/service';
import { sharedPath } from '../../helpers/shared';
import { tempDir } from '../library/fixtures';

const fixture = sharedPath('fixtures', 'diffusionrig-a', 'model000000.pt');
const pool = new InlinePool(workerTasks);
const tmp = tempDir('rig-model-service-');
let project: Project;
let jobs: JobRunner;
let service: ModelService;

beforeAll(() => {
  project = Project.create(join(tmp.dir, 'project'), 'Models');
  jobs = new JobRunner(project.db, undefined, { progressIntervalMs: 0 });
  jobs.register(modelImportJobKind({ project, pool }));
  service = new ModelService({ project, jobs, pool });
});
afterAll(async () => {
  await jobs.close();
  project.close();
  tmp.cleanup();
});

async function importOne(path: string, name?: string) {
  const { jobIds } = service.import({ paths: [path], name });
  expect(jobIds).toHaveLength(1);
  return jobs.wait(jobIds[0]);
}

/** A file holding the first `bytes` bytes of the fixture checkpoint. */
function truncatedCopy(name: string, bytes = 4096): string {
  const path = join(tmp.dir, name);
  writeFileSync(path, readFileSync(fixture).subarray(0, bytes));
  return path;
}

describe('ModelService', () => {
  it('imports the fixture checkpoint and lists it with its inferred architecture, size, hash and source path', async () => {
    const job = await importOne(fixture, 'DiffusionRig A');
    expect(job.state).toBe('done');
    const [model] = service.list();
    expect(model).toMatchObject({
      name: 'DiffusionRig A',
      kind: 'base',
      format: 'torch-zip',
      sourcePath: fixture,
      filePath: fixture,
      sizeBytes: readFileSync(fixture).length,
      fileStatus: 'ok',
      projectCopy: false,
      baseModel: null,
      lineage: null,
      encoderName: 'resnet18',
      // channel multipliers 1,2,2 are no upstream default: weights alone do not tell the size
      imageSize: null,
    });
    // config.json of the fixture: 32 channels, 1 res block, mult 1,2,2, attention at 16 px of 64 (1/4)
    expect(model.architecture.unet).toMatchObject({ modelChannels: 32, numResBlocks: 1, channelMult: [1, 2, 2], attentionDownsampleRates: [4], inChannels: 12, latentDim: 64 });
    expect(model.summary).toBe('UNet 32 ch ×1,2,2 · 1 res block · attention 1/4 · resnet18 · latent 64');
    expect(model.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(Date.parse(model.importedAt)).not.toBeNaN();

    const details = service.get(model.id);
    expect(details.parameters.encoder).toBe(11_209_344);
    expect(details.parameters.total).toBe(model.parameterCount);
    expect(details.parameters.unet + details.parameters.encoder).toBe(details.parameters.total);
    expect(details.upstreamArgs).toMatchObject({ num_channels: 32, channel_mult: '1,2,2', attention_downsample_rates: '4', encoder_type: 'resnet18' });
    expect(details.derived).toEqual([]);
  });

  it('inspects a checkpoint without registering it, and says when the same content is registered', async () => {
    const before = service.list().length;
    const copy = join(tmp.dir, 'copy-of-a.pt');
    copyFileSync(fixture, copy);
    const report = await inspectCheckpointFile(pool, copy, undefined, new ModelRegistry(project.db));
    expect(report).toMatchObject({ path: copy, format: 'torch-zip', encoderName: 'resnet18', strippedPrefix: '' });
    expect(report.parameters.total).toBe(service.list()[0].parameterCount);
    expect(report.registered).toEqual({ id: service.list()[0].id, name: 'DiffusionRig A' });
    expect(service.list()).toHaveLength(before);
    expect((await inspectCheckpointFile(pool, copy, undefined, null)).registered).toBeNull();
  });

  it('names the file and the problem for a truncated checkpoint, another model, a wrong-shaped tensor, a missing file and a folder', async () => {
    const truncated = truncatedCopy('truncated.pt');
    await expect(inspectCheckpointFile(pool, truncated, undefined, null)).rejects.toMatchObject({
      code: 'invalid-params',
      message: expect.stringMatching(/truncated\.pt: the zip archive is damaged or truncated/),
    });

    // a classifier's weights: keys of another network entirely
    const classifier = join(tmp.dir, 'classifier.safetensors');
    const tensor = (shape: number[]) => ({ dtype: 'float32' as const, shape, data: new Float32Array(shape.reduce((a, d) => a * d, 1)) });
    writeFileSync(classifier, writeSafetensors(new Map([['conv1.weight', tensor([8, 3, 3, 3])], ['fc.weight', tensor([10, 8])], ['fc.bias', tensor([10])]])));
    await expect(inspectCheckpointFile(pool, classifier, undefined, null)).rejects.toThrow(/classifier\.safetensors: not a DiffusionRig state dict: expected keys under 'denoisingUNet\.' and 'encoder\.'/);

    const stateDict: StateDict = new Map(readCheckpoint(fixture).stateDict);
    const key = 'encoder.layer2.0.conv1.weight';
    const original = stateDict.get(key)!;
    // same element count, other layout: only the shape check can catch it
    stateDict.set(key, { ...original, shape: [original.shape[1], original.shape[0], original.shape[2], original.shape[3]] });
    const wrongShape = join(tmp.dir, 'wrong-shape.safetensors');
    writeFileSync(wrongShape, writeSafetensors(stateDict));
    await expect(inspectCheckpointFile(pool, wrongShape, undefined, null)).rejects.toThrow(/wrong-shape\.safetensors: .*wrong shape: encoder\.layer2\.0\.conv1\.weight is \[64,128,3,3\], expected \[128,64,3,3\]/s);

    await expect(inspectCheckpointFile(pool, join(tmp.dir, 'nowhere.pt'), undefined, null)).rejects.toMatchObject({ code: 'not-found', message: `${join(tmp.dir, 'nowhere.pt')}: no such file` });
    await expect(inspectCheckpointFile(pool, tmp.dir, undefined, null)).rejects.toMatchObject({ code: 'invalid-params', message: expect.stringMatching(/is a folder/) });

    // an uploaded file is named as uploaded, not by the app's staged copy
    const staged = join(tmp.dir, 'uploads', 'batch-1', '3');
    mkdirSync(staged, { recursive: true });
    copyFileSync(truncated, join(staged, 'my-model.pt'));
    const uploaded = inspectCheckpointFile(pool, join(staged, 'my-model.pt'), undefined, null, uploadFolders({ uploads: join(tmp.dir, 'uploads'), derived: join(tmp.dir, 'derived') }));
    await expect(uploaded).rejects.toThrow(/^my-model\.pt: the zip archive is damaged or truncated/);
    await expect(uploaded).rejects.not.toThrow(/batch-1/);
  });

  it('refuses missing files before starting any job, and a name for several files', async () => {
    const before = jobs.list(100).length;
    expect(() => service.import({ paths: [fixture, join(tmp.dir, 'typo.pt')] })).toThrow(expect.objectContaining({ code: 'not-found', message: expect.stringMatching(/typo\.pt: no such file/) }));
    expect(() => service.import({ paths: [fixture, fixture], name: 'x' })).toThrow(/a name can only be given when importing one file/);
    expect(jobs.list(100)).toHaveLength(before);
  });

  it('fails the import job of a truncated checkpoint with the file named, and registers nothing', async () => {
    const before = service.list().length;
    const job = await importOne(truncatedCopy('cut.pt', 100_000));
    expect(job.state).toBe('failed');
    expect(job.message).toMatch(/cut\.pt: the zip archive is damaged or truncated/);
    expect(service.list()).toHaveLength(before);
  });

  it('renames and removes models; removing keeps the checkpoint file, and derived models keep their lineage', async () => {
    const base = service.list()[0];
    expect(service.rename(base.id, '  Stage 1  ')).toMatchObject({ id: base.id, name: 'Stage 1' });
    expect(service.list()[0].name).toBe('Stage 1');
    expect(() => service.rename(9999, 'x')).toThrow(expect.objectContaining({ code: 'not-found' }));

    const registry = new ModelRegistry(project.db);
    const personal = registry.add({
      ...registry.get(base.id),
      name: 'Ada (stage 2)',
      kind: 'personalized',
      sha256: 'f'.repeat(64),
      baseModelId: base.id,
      lineage: { album: 'Ada', steps: 50, imageSize: 64 },
    }).model;
    const listed = service.list().find((m) => m.id === personal.id)!;
    expect(listed).toMatchObject({ kind: 'personalized', baseModel: { id: base.id, name: 'Stage 1' }, imageSize: 64, lineage: { album: 'Ada', steps: 50 } });
    expect(service.get(base.id).derived).toEqual([{ id: personal.id, name: 'Ada (stage 2)' }]);

    service.delete(base.id);
    expect(existsSync(fixture)).toBe(true);
    expect(service.list().map((m) => m.id)).toEqual([personal.id]);
    expect(service.get(personal.id)).toMatchObject({ baseModel: null, lineage: { album: 'Ada' } });
    expect(() => service.delete(base.id)).toThrow(expect.objectContaining({ code: 'not-found', message: `model ${base.id} is not registered in this project` }));
    service.delete(personal.id);
    expect(service.list()).toEqual([]);
  });

  it('reports a moved or changed checkpoint file', async () => {
    const copy = join(tmp.dir, 'will-move.pt');
    copyFileSync(fixture, copy);
    expect((await importOne(copy)).state).toBe('done');
    const model = service.list().find((m) => m.filePath === copy)!;
    expect(model).toMatchObject({ name: 'will-move', fileStatus: 'ok' });
    writeFileSync(copy, 'not any more');
    expect(service.get(model.id).fileStatus).toBe('changed');
    rmSync(copy);
    expect(service.get(model.id).fileStatus).toBe('missing');
    service.delete(model.id);
  });

  it('keeps an uploaded checkpoint out of the swept tmp/ folder; drops the copy when the import fails, is a duplicate, or the model goes', async () => {
    const stage = (batch: string, name: string, from: string) => {
      const dir = join(project.paths.uploads, batch, '1');
      mkdirSync(dir, { recursive: true });
      copyFileSync(from, join(dir, name));
      return join(dir, name);
    };
    const staged = stage('b1', 'model000000.pt', fixture);
    const done = await importOne(staged);
    expect(done.state).toBe('done');
    expect(existsSync(staged)).toBe(false);
    const model = service.list().find((m) => m.name === 'model000000')!;
    expect(model.filePath).toBe(join(project.paths.derived, 'models', 'uploaded', 'b1-1', 'model000000.pt'));
    expect(model).toMatchObject({ fileStatus: 'ok', projectCopy: true });

    // the same checkpoint uploaded again: the job returns the registered model, the second copy goes
    const duplicate = stage('b2', 'again.pt', fixture);
    expect((await importOne(duplicate)).state).toBe('done');
    await new Promise((r) => setTimeout(r, 10)); // clean-up runs after the job's waiters
    expect(existsSync(join(project.paths.derived, 'models', 'uploaded', 'b2-1'))).toBe(false);
    expect(service.list().filter((m) => m.sha256 === model.sha256)).toHaveLength(1);

    const broken = stage('b3', 'broken.pt', truncatedCopy('broken-src.pt'));
    expect((await importOne(broken)).state).toBe('failed');
    await new Promise((r) => setTimeout(r, 10));
    expect(existsSync(join(project.paths.derived, 'models', 'uploaded', 'b3-1'))).toBe(false);

    service.delete(model.id);
    expect(existsSync(model.filePath)).toBe(false);
  });
});
