/**
 * Event-loop latency of the backend's thread while the compute engine samples and trains:
 * p50/p99/max of a 10-ms timer's lateness (how long a ping arriving then would wait) during
 * one DDIM sampling request and one fine-tuning request, with the compute host (worker thread,
 * out/main/engine.js: the product) and with the host disabled (the same handlers on this
 * thread, as the code ran before the host) as the reference. Everything a user waits through
 * counts, from the request on: checkpoint read, graph build and session creation included.
 *
 *   npx vitest run --config bench/engine/vitest.config.ts      (or npm run bench -- engine)
 *
 * Environment: BENCH_SIZE (default 256; the upstream default config for that size, random
 * weights), BENCH_SAMPLE_STEPS (DDIM steps, default 3 at ≥ 256 px, else 20), BENCH_TRAIN_STEPS
 * (default 1 at ≥ 256 px, else 4), BENCH_PROVIDERS (default "cpu"), BENCH_THREADS (intra-op
 * threads, default onnxruntime's). A 256-px UNet pass is ~2.6 s and a 256-px train step ~20 s
 * on 2 CPU cores. Last line: `event-loop p99: sampling N ms, training M ms` (with the host).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'vitest';
import { type AppEngine, type HostTasks, hostTasks } from '../../src/main/app/hostTasks';
import { InProcessEngine, WorkerEngine } from '../../src/main/engine/client';
import { transferables } from '../../src/main/engine/protocol';
import type { HostOptions } from '../../src/main/engine/state';
import { defaultConfig } from '../../src/main/models/config';
import { parseProviderList } from '../../src/main/nn/backend';
import { builtEngine, ensureBuilt } from '../../test/main/cli/built';
import { latencyProbe, percentile } from '../../test/main/engine/latency';
import { finetuneInput, sampleInput, tinyModel } from '../../test/main/engine/workload';

const size = Number(process.env.BENCH_SIZE ?? 256);
const sampleSteps = Number(process.env.BENCH_SAMPLE_STEPS ?? (size >= 256 ? 3 : 20));
const trainSteps = Number(process.env.BENCH_TRAIN_STEPS ?? (size >= 256 ? 1 : 4));
const providers = parseProviderList(process.env.BENCH_PROVIDERS ?? 'cpu');
const threads = process.env.BENCH_THREADS ? Number(process.env.BENCH_THREADS) : undefined;

interface Phase {
  seconds: number;
  p50: number;
  p99: number;
  max: number;
}

async function phase(work: () => Promise<unknown>): Promise<Phase> {
  const probe = latencyProbe(10);
  const started = performance.now();
  await work();
  const seconds = (performance.now() - started) / 1000;
  const lags = probe.stop();
  return { seconds, p50: percentile(lags, 0.5), p99: percentile(lags, 0.99), max: Math.max(0, ...lags) };
}

it('event-loop latency during sampling and training, compute host vs in process', async () => {
  ensureBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'rig-bench-engine-'));
  try {
    const config = defaultConfig(size);
    const model = tinyModel(dir, 1, config);
    const options: HostOptions = { backend: { providers, intraOpThreads: threads }, trainBackend: { providers, intraOpThreads: threads } };
    const rows: string[] = [];
    const p99: Record<string, { sampling: number; training: number }> = {};
    for (const mode of ['host', 'in-process'] as const) {
      const engine: AppEngine = mode === 'host' ? new WorkerEngine<HostTasks>(builtEngine, options) : new InProcessEngine(hostTasks, options);
      try {
        // inputs are made before the probe starts and handed over (transferred), as the app does
        const sample = sampleInput(model, size, sampleSteps);
        const sampling = await phase(() => engine.request('sample', sample, { transfer: transferables(sample.items) }));
        const train = finetuneInput(model, join(dir, mode), size, trainSteps, { pairs: 1, batchSize: 1 });
        const training = await phase(() => engine.request('finetune', train, { transfer: transferables(train.pairs) }));
        p99[mode] = { sampling: sampling.p99, training: training.p99 };
        for (const [name, m] of [[`sampling DDIM-${sampleSteps}`, sampling], [`training ${trainSteps} step(s)`, training]] as const) {
          rows.push(`| ${mode === 'host' ? 'compute host' : 'in process (reference)'} | ${name} | ${m.seconds.toFixed(1)} s | ${m.p50.toFixed(1)} ms | ${m.p99.toFixed(1)} ms | ${m.max.toFixed(0)} ms |`);
        }
      } finally {
        await engine.close();
      }
    }
    console.log(
      [
        `## event-loop latency, ${size} px upstream default config (random weights), batch 1, ${providers.join(',')}${threads ? `, ${threads} intra-op threads` : ''}`,
        '| engine | work | wall | lag p50 | lag p99 | lag max |',
        '|---|---|---|---|---|---|',
        ...rows,
        `reference (in process) event-loop p99: sampling ${p99['in-process'].sampling.toFixed(0)} ms, training ${p99['in-process'].training.toFixed(0)} ms`,
        `event-loop p99: sampling ${p99.host.sampling.toFixed(0)} ms, training ${p99.host.training.toFixed(0)} ms`,
      ].join('\n'),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
