import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CancelledError } from '../../../src/main/core/cancellation';
import { generateBatch } from '../../../src/main/diffusion/generate';
import { ModelKit } from '../../../src/main/diffusion/kit';
import { type HostTasks, hostTasks } from '../../../src/main/app/hostTasks';
import { InProcessEngine, WorkerEngine } from '../../../src/main/engine/client';
import { engineInfoFromHost } from '../../../src/main/engine/info';
import type { SampleEvent } from '../../../src/main/engine/coreTasks';
import { OnnxBackend } from '../../../src/main/nn/backend';
import { builtEngine, ensureBuilt } from '../cli/built';
import { finetuneInput, sampleInput, tinyModel } from './workload';

// The real host bundle (out/main/engine.js) in a real worker thread: what the app, serve and the CLI run.
const dir = mkdtempSync(join(tmpdir(), 'rig-engine-host-'));
const model = tinyModel(dir);
const options = { backend: { providers: ['cpu'] as const }, trainBackend: { providers: ['cpu'] as const, graphOptimizationLevel: 'basic' as const } };
let engine: WorkerEngine<HostTasks>;
beforeAll(() => {
  ensureBuilt();
  engine = new WorkerEngine<HostTasks>(builtEngine, options);
});
afterAll(async () => {
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the compute host', () => {
  it('runs a DDIM batch as one request in another thread: same samples as the kit in process, step events, busy status', async () => {
    const ping = await engine.request('diagnostic', { action: 'ping' });
    expect(ping.threadId).not.toBe(threadId);
    const input = sampleInput(model, 16, 4, { batch: 2, inversion: true });
    const reference = await (async () => {
      const kit = new ModelKit(new OnnxBackend({ providers: ['cpu'] }));
      const { runner, release } = await kit.acquire(model);
      try {
        return await generateBatch(runner, sampleInput(model, 16, 4, { batch: 2, inversion: true }).items, 16, input.sampler);
      } finally {
        release();
        await kit.releaseIdle();
      }
    })();
    const events: SampleEvent[] = [];
    const pending = engine.request('sample', input, { onEvent: (e) => events.push(e) });
    expect(engine.status().busy.map((b) => b.kind)).toEqual(['sample']);
    const out = await pending;
    expect(engine.status().busy).toEqual([]);
    expect(out.samples).toHaveLength(2);
    for (let k = 0; k < 2; k++) expect(Array.from(out.samples[k])).toEqual(Array.from(reference.samples[k]));
    expect(out.provider).toBe('cpu');
    // inversion then sampling, 4 steps each, a few numbers per step
    expect(events.map((e) => `${e.phase}:${e.step}/${e.total}`)).toEqual(['inversion:1/4', 'inversion:2/4', 'inversion:3/4', 'inversion:4/4', 'sampling:1/4', 'sampling:2/4', 'sampling:3/4', 'sampling:4/4']);
  }, 120_000);

  it('cancels a request through its AbortSignal and keeps serving', async () => {
    const controller = new AbortController();
    const pending = engine.request('sample', sampleInput(model, 16, 50), { signal: controller.signal, onEvent: (e) => e.step === 2 && controller.abort() });
    await expect(pending).rejects.toBeInstanceOf(CancelledError);
    expect((await engine.request('sample', sampleInput(model, 16, 2))).samples).toHaveLength(1);
  }, 120_000);

  it('streams a fine-tuning run: small step events (losses since the last event), checkpoints, the model file written in the host', async () => {
    const input = finetuneInput(model, join(dir, 'run'), 16, 3, { checkpointInterval: 2 });
    const events: unknown[] = [];
    const out = await engine.request('finetune', input, { onEvent: (e) => events.push(e) });
    expect(out.status).toBe('done');
    expect(out.losses).toHaveLength(3);
    const steps = events.filter((e) => (e as { type: string }).type === 'step') as { step: number; losses: number[]; lossOffset: number }[];
    expect(steps.map((s) => [s.step, s.lossOffset, s.losses.length])).toEqual([[1, 0, 1], [2, 1, 1], [3, 2, 1]]);
    expect(steps.flatMap((s) => s.losses)).toEqual(out.losses);
    expect(events.filter((e) => (e as { type: string }).type === 'checkpoint').map((e) => (e as { step: number }).step)).toEqual([2, 3]);
    expect(out.model?.path).toMatch(/models[/\\][0-9a-f]{16}\.safetensors$/);
    expect(out.model?.parameterCount).toBeGreaterThan(0);
  }, 180_000);

  it('when the host dies mid-request, that request fails with a clear message and the next one starts a new host', async () => {
    const started = engine.status().hostsStarted;
    const sampling = engine.request('sample', sampleInput(model, 16, 200));
    // the exit request is handled between two DDIM steps of the batch above
    const exit = engine.request('diagnostic', { action: 'exit', code: 3 });
    await expect(sampling).rejects.toThrow('the compute engine stopped: the host thread exited with code 3');
    await expect(exit).rejects.toThrow(/the compute engine stopped/);
    expect(engine.status()).toMatchObject({ running: false, busy: [], lastStop: 'the host thread exited with code 3' });
    expect((await engine.request('sample', sampleInput(model, 16, 2))).samples).toHaveLength(1);
    expect(engine.status()).toMatchObject({ running: true, hostsStarted: started + 1 });
  }, 120_000);

  it('engine.info comes from the host\'s session log, and a busy host is visible without waiting for it', async () => {
    const probed = await engineInfoFromHost(engine, true);
    expect(probed.lastSession).toMatchObject({ model: 'engine-probe' });
    expect(probed.host).toMatchObject({ mode: 'worker', running: true });
    const blocked = engine.request('diagnostic', { action: 'block', ms: 2000 });
    const asked = performance.now();
    const busy = await engineInfoFromHost(engine, false, 200);
    expect(performance.now() - asked).toBeLessThan(1500);
    expect(busy.host?.busy.map((b) => b.kind)).toEqual(['diagnostic']);
    // the host's last answer stands in while it is busy
    expect(busy.lastSession).toMatchObject({ model: 'engine-probe' });
    await blocked;
  }, 60_000);

  it('names an unreadable checkpoint in the error, across the boundary', async () => {
    const missing = { ...model, sha256: '0'.repeat(64), filePath: join(dir, 'nope.safetensors') };
    await expect(engine.request('sample', sampleInput(missing, 16, 2))).rejects.toThrow(/nope\.safetensors/);
  }, 60_000);

  it('the in-process engine runs the same handlers on the calling thread, and refuses to exit', async () => {
    const inline = new InProcessEngine(hostTasks, options);
    try {
      expect(inline.status().mode).toBe('in-process');
      await expect(inline.request('diagnostic', { action: 'exit', code: 1 })).rejects.toThrow(/cannot exit/);
      expect((await inline.request('diagnostic', { action: 'ping' })).threadId).toBe(threadId);
    } finally {
      await inline.close();
    }
  });
});
