/**
 * Stage-2 training against upstream, measured in the same run on the same machine: for each
 * case it runs upstream's own stage-2 step (PyTorch via Debian's python3-torch and
 * ../shared/reference/upstream_train_step.py: encoder frozen, whole model in train mode,
 * dropout 0.1, P2-weighted ε-MSE, clip 1.0, Adam) and then ours (Trainer: batch drawing,
 * noise, dropout masks, forward and backward in one session.run, clipping and Adam on the host
 * as the CPU provider runs them, the weights handed over as the app's host does) at the same size,
 * batch and thread count (OMP_NUM_THREADS = our intra-op threads), and prints step time and
 * peak RSS for both and their ratios. Each of our variants runs in a process of its own (this
 * file again, under BENCH_TRAIN_CHILD), so its peak RSS is its own; that process also holds
 * vitest (~150 MB), as upstream's holds the Python interpreter and torch.
 *
 *   npx vitest run --config bench/train/vitest.config.ts                   # 64 px, batch 2
 *   BENCH_TRAIN_256=1 npx vitest run --config bench/train/vitest.config.ts # 256 px, batch 1 instead
 *
 * Both use upstream's default architecture at that size (128 channels, dropout 0.1).
 *
 * Prints a side-by-side table; last line `train 256px b1: step N× PyTorch, peak RSS M× PyTorch`.
 * Environment: BENCH_STEPS (timed steps after one warm-up, default 2 as upstream's script),
 * BENCH_THREADS (default: the CPU count), BENCH_GRAPH_OPT (onnxruntime's optimisation level,
 * default 'all' as the app's training backend; 'basic' builds the session faster), BENCH_RECOMPUTE=0 to skip the recomputation
 * variant, BENCH_PYTHON (default /usr/bin/python3), BENCH_REFERENCE (default
 * ../shared/reference), BENCH_TRAIN_WEBGPU=1 to also run our step on the WebGPU provider (any
 * adapter, software ones too: minutes on Mesa's llvmpipe) for its line of bytes copied
 * host↔device per train step (parameters and Adam moments stay on the device; CPU: 0).
 * Prints; asserts nothing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { it } from 'vitest';
import { defaultConfig } from '../../src/main/models/config';
import { unetGraph } from '../../src/main/models/diffusionrig';
import { OnnxBackend } from '../../src/main/nn/backend';
import { randomWeights } from '../../src/main/train/init';
import { ResumableRandom } from '../../src/main/train/random';
import { Trainer } from '../../src/main/train/trainer';

const steps = Number(process.env.BENCH_STEPS ?? 2);
const threads = Number(process.env.BENCH_THREADS ?? availableParallelism());
const python = process.env.BENCH_PYTHON ?? '/usr/bin/python3';
const graphLevel = (process.env.BENCH_GRAPH_OPT ?? 'all') as 'basic' | 'all';
const referenceDir = process.env.BENCH_REFERENCE ?? join(process.cwd(), '..', 'shared', 'reference');

interface Case {
  size: number;
  batch: number;
  recompute: boolean;
  /** Default 'cpu'. */
  provider?: 'cpu' | 'webgpu';
}

interface Measured {
  stepSeconds: number;
  forwardSeconds: number;
  peakRssMb: number;
  detail?: string;
  /** Bytes host↔device of the last timed step. */
  transfers?: { hostToDevice: number; deviceToHost: number };
  provider?: string;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Ours, in this process (the child). */
async function measureOurs({ size, batch, recompute, provider = 'cpu' }: Case): Promise<Measured> {
  const config = defaultConfig(size); // upstream's defaults: 128 channels, dropout 0.1
  const weights = randomWeights(config, 3);
  const random = new ResumableRandom(7);
  const pairs = Array.from({ length: batch }, () => ({
    image: random.fillNormal(new Float32Array(3 * size * size)).map(Math.tanh),
    physical: random.fillNormal(new Float32Array(9 * size * size)),
  }));
  // the compute host's training backend: default optimisation level ('all'), no float16 conversion
  const backend = new OnnxBackend({ providers: [provider], allowSoftwareAdapter: true, intraOpThreads: threads, graphOptimizationLevel: graphLevel, float16: 'never' });
  try {
    const created = performance.now();
    const trainer = await Trainer.create({ backend, config, weights, pairs, settings: { batchSize: batch, learningRate: 1e-5, seed: 1, imageSize: size, recompute }, adoptWeights: true });
    const setup = (performance.now() - created) / 1000;
    await trainer.step();
    const times: number[] = [];
    let transfers = { hostToDevice: 0, deviceToHost: 0 };
    for (let i = 0; i < steps; i++) {
      const start = performance.now();
      transfers = (await trainer.step()).transfers;
      times.push((performance.now() - start) / 1000);
    }
    if (provider !== 'cpu') {
      const step = median(times);
      trainer.dispose();
      return { stepSeconds: step, forwardSeconds: 0, peakRssMb: process.resourceUsage().maxRSS / 1024, transfers, provider: trainer.runner.session.provider };
    }
    await backend.dispose(`train-step:${batch}x${size}:float32${recompute ? ':recompute' : ''}`);
    // forward-only UNet pass, after training as upstream's script does it
    const forward = await backend.load('forward', () => unetGraph(config, { kind: 'initializers', stateDict: weights }, { batch, imageSize: size }));
    const stack = (parts: Float32Array[]) => {
      const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
      parts.reduce((offset, p) => (out.set(p, offset), offset + p.length), 0);
      return out;
    };
    const feeds = {
      x: { dtype: 'float32' as const, shape: [batch, 3, size, size], data: stack(pairs.map((p) => p.image)) },
      timesteps: { dtype: 'float32' as const, shape: [batch], data: new Float32Array(batch).fill(500) },
      physical: { dtype: 'float32' as const, shape: [batch, 9, size, size], data: stack(pairs.map((p) => p.physical)) },
      latent: { dtype: 'float32' as const, shape: [batch, config.unet.latentDim], data: random.fillNormal(new Float32Array(batch * config.unet.latentDim)) },
    };
    await forward.run(feeds);
    const start = performance.now();
    await forward.run(feeds);
    const forwardSeconds = (performance.now() - start) / 1000;
    return {
      stepSeconds: median(times),
      forwardSeconds,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
      detail: `${trainer.graph.graph.nodes.length} nodes, setup ${setup.toFixed(1)} s, steps ${times.map((t) => t.toFixed(2)).join(' ')} s`,
      transfers,
      provider: trainer.runner.session.provider,
    };
  } finally {
    await backend.disposeAll();
  }
}

/** Ours, in a fresh process (so the peak RSS is this variant's alone). */
function runOurs(c: Case): Measured {
  const vitest = join(process.cwd(), 'node_modules', 'vitest', 'vitest.mjs');
  const run = spawnSync(process.execPath, [vitest, 'run', '--config', 'bench/train/vitest.config.ts'], {
    env: { ...process.env, BENCH_TRAIN_CHILD: JSON.stringify(c) },
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  const line = /BENCH_RESULT (\{.*\})/.exec(run.stdout ?? '')?.[1];
  if (!line) throw new Error(`our ${c.size}-px run printed no result (exit ${run.status}):\n${(run.stdout ?? '').slice(-2000)}\n${(run.stderr ?? '').slice(-2000)}`);
  return JSON.parse(line) as Measured;
}

/** Upstream's PyTorch step at the same size, batch and thread count. */
function runUpstream(size: number, batch: number): Measured {
  const script = join(referenceDir, 'upstream_train_step.py');
  const upstream = join(referenceDir, 'diffusion-rig');
  if (!existsSync(script) || !existsSync(upstream)) throw new Error(`${script} or ${upstream} not found (set BENCH_REFERENCE)`);
  const run = spawnSync(python, [script, upstream, String(size), String(batch), String(steps)], {
    env: { ...process.env, OMP_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads) },
    encoding: 'utf8',
    maxBuffer: 16 << 20,
  });
  if (run.error) throw new Error(`${python}: ${run.error.message} (install python3-torch)`);
  const line = (run.stdout ?? '').trim().split('\n').at(-1) ?? '';
  let parsed: { step_s_median: number; forward_s: number; peak_rss_mb: number; threads: number; step_s_all: number[] };
  try {
    parsed = JSON.parse(line);
  } catch {
    throw new Error(`upstream_train_step.py printed no result (exit ${run.status}):\n${(run.stderr ?? '').slice(-2000)}`);
  }
  return { stepSeconds: parsed.step_s_median, forwardSeconds: parsed.forward_s, peakRssMb: parsed.peak_rss_mb, detail: `torch threads ${parsed.threads}, steps ${parsed.step_s_all.map((t) => t.toFixed(2)).join(' ')} s` };
}

const x = (a: number, b: number) => `${(a / b).toFixed(2)}×`;

it('stage-2 train step against upstream PyTorch (prints)', async () => {
  const child = process.env.BENCH_TRAIN_CHILD;
  if (child) {
    console.log(`BENCH_RESULT ${JSON.stringify(await measureOurs(JSON.parse(child) as Case))}`);
    return;
  }
  // the 256-px case alone with BENCH_TRAIN_256=1 (each case costs minutes on 2 cores)
  const cases = process.env.BENCH_TRAIN_256 === '1' ? [{ size: 256, batch: 1 }] : [{ size: 64, batch: 2 }];
  let summary = '';
  let recomputeSummary = '';
  const transferLines: string[] = [];
  const bytes = (m: Measured, size: number, batch: number) =>
    `bytes host↔device per train step (${size} px, batch ${batch}, ${m.provider}): ${m.transfers?.hostToDevice ?? '?'} up, ${m.transfers?.deviceToHost ?? '?'} down`;
  for (const { size, batch } of cases) {
    const upstream = runUpstream(size, batch);
    const ours = runOurs({ size, batch, recompute: false });
    transferLines.push(bytes(ours, size, batch));
    if (process.env.BENCH_TRAIN_WEBGPU === '1') {
      const gpu = runOurs({ size, batch, recompute: false, provider: 'webgpu' });
      transferLines.push(`${bytes(gpu, size, batch)} (parameters and Adam moments stay on the device; step ${gpu.stepSeconds.toFixed(2)} s)`);
    }
    const recomputed = process.env.BENCH_RECOMPUTE === '0' ? undefined : runOurs({ size, batch, recompute: true });
    const rows: [string, string, string, string][] = [
      ['one train step', `${upstream.stepSeconds.toFixed(2)} s`, `${ours.stepSeconds.toFixed(2)} s`, x(ours.stepSeconds, upstream.stepSeconds)],
      ['peak RSS', `${(upstream.peakRssMb / 1024).toFixed(2)} GB`, `${(ours.peakRssMb / 1024).toFixed(2)} GB`, x(ours.peakRssMb, upstream.peakRssMb)],
      ['forward-only UNet pass', `${upstream.forwardSeconds.toFixed(2)} s`, `${ours.forwardSeconds.toFixed(2)} s`, x(ours.forwardSeconds, upstream.forwardSeconds)],
      ['train step / forward', x(upstream.stepSeconds, upstream.forwardSeconds), x(ours.stepSeconds, ours.forwardSeconds), ''],
    ];
    if (recomputed) {
      rows.push(['step, recomputation', '', `${recomputed.stepSeconds.toFixed(2)} s`, `${x(recomputed.stepSeconds, upstream.stepSeconds)} (${x(recomputed.stepSeconds, ours.stepSeconds)} ours)`]);
      rows.push(['peak RSS, recomputation', '', `${(recomputed.peakRssMb / 1024).toFixed(2)} GB`, x(recomputed.peakRssMb, upstream.peakRssMb)]);
    }
    console.log(`\n${size} px, batch ${batch}, ${threads} threads (upstream: ${upstream.detail}; ours: ${ours.detail}${recomputed ? `; recomputation: ${recomputed.detail}` : ''})`);
    console.log('| | upstream PyTorch | Rig Studio | ratio |\n|---|---|---|---|');
    for (const r of rows) console.log(`| ${r.join(' | ')} |`);
    summary = `train ${size}px b${batch}: step ${x(ours.stepSeconds, upstream.stepSeconds)} PyTorch, peak RSS ${x(ours.peakRssMb, upstream.peakRssMb)} PyTorch`;
    recomputeSummary = recomputed
      ? `train ${size}px b${batch} with recomputation: step ${x(recomputed.stepSeconds, upstream.stepSeconds)} PyTorch (${x(recomputed.stepSeconds, ours.stepSeconds)} without), peak RSS ${x(recomputed.peakRssMb, upstream.peakRssMb)} PyTorch`
      : '';
  }
  // bytes copied host↔device per train step, one line per provider measured
  for (const line of transferLines) console.log(line);
  if (recomputeSummary) console.log(recomputeSummary);
  console.log(summary);
});
