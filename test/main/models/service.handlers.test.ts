import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EngineInfo, JobInfo, ModelDetails, ModelInfo } from '../../../src/common/contract';
import { dispatch } from '../../../src/main/api/dispatch';
import { createHandlers } from '../../../src/main/api/handlers';
import { Backend } from '../../../src/main/app/backend';
import { defaultProviderOrder } from '../../../src/main/nn/backend';
import { engineInfo, probeEngine, providerOrderInForce } from '../../../src/main/nn/engineInfo';
import { sharedPath } from '../../helpers/shared';
import { tempDir } from '../library/fixtures';

const fixture = sharedPath('fixtures', 'diffusionrig-a', 'model000000.pt');
const tmp = tempDir('rig-model-handlers-');
const backend = new Backend({ mode: 'serve', dataDir: join(tmp.dir, 'data'), workerScript: 'inline' });
const handlers = createHandlers(backend);
const call = <T>(channel: string, ...params: unknown[]) => dispatch(handlers, channel, params) as Promise<T>;
afterAll(async () => {
  await backend.close();
  tmp.cleanup();
});

describe('model channels', () => {
  it('inspects without a project, but lists and imports only in an open project', async () => {
    await expect(call('model.list')).rejects.toMatchObject({ code: 'no-project' });
    const report = await call<{ parameters: { total: number }; registered: unknown }>('model.inspect', { path: fixture });
    expect(report.parameters.total).toBeGreaterThan(11_209_344);
    expect(report.registered).toBeNull();
    await expect(call('model.import', { paths: [] })).rejects.toMatchObject({ code: 'invalid-params' });
  });

  it('imports through a job, then lists, renames and removes the model', async () => {
    await call('project.create', { dir: join(tmp.dir, 'p'), name: 'P' });
    const { jobIds } = await call<{ jobIds: number[] }>('model.import', { paths: [fixture], name: 'Fixture A' });
    const job = await backend.require().jobs.wait(jobIds[0]);
    expect(job).toMatchObject<Partial<JobInfo>>({ kind: 'model-import', state: 'done' });
    const [model] = await call<ModelInfo[]>('model.list');
    expect(model).toMatchObject({ name: 'Fixture A', sourcePath: fixture, kind: 'base' });
    expect((await call<{ registered: unknown }>('model.inspect', { path: fixture })).registered).toEqual({ id: model.id, name: 'Fixture A' });
    const details = await call<ModelDetails>('model.get', { modelId: model.id });
    expect(details.parameters.total).toBe(model.parameterCount);
    await expect(call('model.rename', { modelId: model.id, name: '   ' })).rejects.toMatchObject({ code: 'invalid-params' });
    expect(await call<ModelInfo>('model.rename', { modelId: model.id, name: 'Renamed' })).toMatchObject({ name: 'Renamed' });
    await call('model.delete', { modelId: model.id });
    expect(await call('model.list')).toEqual([]);
    await expect(call('model.get', { modelId: model.id })).rejects.toMatchObject({ code: 'not-found' });
  });
});

describe('engine.info', () => {
  it('reports the provider table, the order in force, and the provider that actually ran the probe', async () => {
    const info = await call<EngineInfo>('engine.info', { probe: true });
    expect(info.runtime).toMatchObject({ name: 'onnxruntime-node', version: expect.stringMatching(/^\d+\.\d+/) });
    expect(info.providers.map((p) => p.name)).toEqual(['cuda', 'dml', 'coreml', 'webgpu', 'cpu']);
    expect(info.providers.find((p) => p.name === 'cpu')).toMatchObject({ gpu: false, available: true });
    expect(info.threads.logicalCores).toBeGreaterThan(0);
    expect(info.probeError).toBeNull();
    const last = info.lastSession!;
    expect(last.model).toBe('engine-probe');
    // the provider that ran is the first in the order that was not skipped, and every skip says why
    const ran = info.order.indexOf(last.provider!);
    expect(ran).toBeGreaterThanOrEqual(0);
    expect(last.skipped.map((s) => s.provider)).toEqual(info.order.slice(0, ran));
    for (const skip of last.skipped) expect(skip.reason.length).toBeGreaterThan(0);
    // dml and coreml are not in a Linux build: skipped for that reason, not tried
    // CUDA's files are a separate download: the reason says how to install them, not "Failed to load shared library"
    if (process.platform === 'linux' && !info.providers.find((p) => p.name === 'cuda')?.available) {
      expect(last.skipped.find((s) => s.provider === 'cuda')?.reason).toMatch(/^CUDA files not installed — how to install: /);
    }
    expect(info.recentSessions[0]).toEqual(last);
  });

  it('follows RIG_STUDIO_PROVIDERS, and reports an unusable value instead of failing', async () => {
    const env = { RIG_STUDIO_PROVIDERS: 'cpu' };
    expect(providerOrderInForce(env)).toEqual({ order: ['cpu'], orderSource: 'environment', orderError: null });
    expect(await probeEngine(env)).toBe('cpu');
    expect(engineInfo(env).lastSession).toMatchObject({ model: 'engine-probe', provider: 'cpu', skipped: [] });

    const bad = providerOrderInForce({ RIG_STUDIO_PROVIDERS: 'tpu,cpu' });
    expect(bad).toMatchObject({ orderSource: 'default', order: [...defaultProviderOrder] });
    expect(bad.orderError).toBe("RIG_STUDIO_PROVIDERS=tpu,cpu: unknown execution provider 'tpu' (known: cuda, dml, coreml, webgpu, cpu)");
  });

  it('records a session no provider could create, with every reason', async () => {
    // coreml is not built into the Linux onnxruntime-node: the only provider is skipped
    if (process.platform !== 'linux') return;
    await expect(probeEngine({ RIG_STUDIO_PROVIDERS: 'coreml' })).rejects.toThrow(/no execution provider could load it/);
    expect(engineInfo().lastSession).toMatchObject({ provider: null, skipped: [{ provider: 'coreml', reason: 'not available in this onnxruntime-node build' }] });
  });
});
