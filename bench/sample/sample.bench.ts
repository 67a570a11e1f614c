/**
 * DiffusionRig sampling speed: upstream's default 256-px configuration (128 channels,
 * ResNet-18 encoder) with random weights built in memory. For each execution provider that
 * loads (webgpu included; float32 and float16 rows on GPU providers): time per UNet pass at
 * batch 1 and 4 (one session serves both), seconds per DDIM-20 image with the bytes copied
 * host↔device per step, achieved GFLOP/s (2 × MACs counted from the graph / time) and peak RSS.
 * Then upstream's UNet pass in PyTorch (python3-torch, ../shared/reference) at the same size,
 * batch 1 and OMP_NUM_THREADS, last line `sample 256px b1: pass N× PyTorch`. And the float16 vs
 * float32 error on webgpu of ε and a DDIM-20 sample of the fixture model. Before those, the
 * samplers side by side: DDIM 20 and DPM-Solver++ 10 and 20 as whole loops at batch 1 from seeded
 * noise (passes, seconds per sample), against upstream's own DDIM-20 loop in PyTorch
 * (bench/sample/upstream_ddim.py) measured in the same run. Prints; asserts nothing.
 *
 *   npx vitest run --config bench/sample/vitest.config.ts
 *
 * The default run does one UNet pass per measurement (batch 1 inside a 1-step DDIM loop,
 * batch 4 once): about 3 minutes on 2 CPU cores, since a 256-px pass is ~280 GMAC per image.
 * BENCH_IMAGE_SIZE=64 gives a quick smoke run; BENCH_DDIM_STEPS=20 the real DDIM-20 loop.
 *
 * Environment: BENCH_IMAGE_SIZE (default 256), BENCH_DDIM_STEPS (steps actually run for the
 * DDIM figure, default 1, scaled to 20; set 20 for the real loop), BENCH_PROVIDERS (e.g.
 * "cuda,cpu"; default every provider of the table this build can use), BENCH_THREADS,
 * BENCH_REPEATS (batch-1 passes whose median is reported, default 3), BENCH_FLOAT16_ERROR=0 skips the float16 error measurement, BENCH_PYTHON the interpreter with
 * torch (default /usr/bin/python3), BENCH_SAMPLERS (the samplers timed as whole loops, default
 * 'ddim:20,dpm++:10,dpm++:20'; '' skips them and upstream's DDIM loop), BENCH_SAMPLER_PROVIDERS
 * (where they run, default cpu: whole loops on a software WebGPU adapter take hours).
 * A quick run: BENCH_IMAGE_SIZE=64 BENCH_PROVIDERS=cpu BENCH_FLOAT16_ERROR=0.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { it } from 'vitest';
import { parseSamplerSpec, samplerLabel } from '../../src/common/contract/edit';
import { readCheckpoint } from '../../src/main/checkpoint';
import type { StateDict } from '../../src/main/checkpoint/stateDict';
import { worstRelativeError } from '../../src/main/core/verifier';
import { SeededRandom } from '../../src/main/diffusion/rng';
import { DiffusionRigRunner, seededNoise } from '../../src/main/diffusion/runner';
import { readNpz } from '../../src/main/io/npy';
import { defaultConfig } from '../../src/main/models/config';
import { loadDiffusionRig, unetGraph } from '../../src/main/models/diffusionrig';
import { expectedShapes, parameterCount } from '../../src/main/models/infer';
import type { ProviderName } from '../../src/main/nn/backend';
import { OnnxBackend, parseProviderList, providerAvailability, providers } from '../../src/main/nn/backend';
import { countMacs } from '../../src/main/nn/flops';

const imageSize = Number(process.env.BENCH_IMAGE_SIZE ?? 256);
const ddimSteps = Number(process.env.BENCH_DDIM_STEPS ?? 1);
const threads = process.env.BENCH_THREADS ? Number(process.env.BENCH_THREADS) : undefined;
const repeats = Math.max(1, Number(process.env.BENCH_REPEATS ?? 3));
const samplers = (process.env.BENCH_SAMPLERS ?? 'ddim:20,dpm++:10,dpm++:20')
  .split(',')
  .filter((t) => t.trim() !== '')
  .map((text) => {
    const parsed = parseSamplerSpec(text);
    if (typeof parsed === 'string') throw new Error(`BENCH_SAMPLERS: ${parsed}`);
    return parsed;
  });
const samplerProviders = parseProviderList(process.env.BENCH_SAMPLER_PROVIDERS ?? 'cpu');

function randomWeights(shapes: Map<string, readonly number[]>): StateDict {
  // uniform ±1/√fan-in from an LCG: fast for ~150M values and keeps activations bounded
  let state = 12345;
  const out: StateDict = new Map();
  for (const [name, shape] of shapes) {
    const size = shape.reduce((a, d) => a * d, 1);
    const fanIn = shape.length > 1 ? shape.slice(1).reduce((a, d) => a * d, 1) : 1;
    const scale = name.endsWith('running_var') ? 0 : 1 / Math.sqrt(fanIn);
    const data = new Float32Array(size);
    for (let i = 0; i < size; i++) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      data[i] = name.endsWith('running_var') ? 1 : (state / 2 ** 31 - 1) * scale;
    }
    out.set(name, { dtype: 'float32', shape, data });
  }
  return out;
}

function available(): ProviderName[] {
  if (process.env.BENCH_PROVIDERS) return parseProviderList(process.env.BENCH_PROVIDERS);
  // every provider this build can use, WebGPU included (also on a software adapter: the row
  // then measures the software path CI tests, not a GPU)
  return (Object.keys(providers) as ProviderName[]).filter((p) => providerAvailability(p).available);
}

const rssMb = () => process.resourceUsage().maxRSS / 1024;
const kb = (bytes: number) => (bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KB`);

const python = () => process.env.BENCH_PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
const torchThreads = () => String(threads ?? availableParallelism());

/** Upstream's own DDIM loop (ddim_sample_loop, respaced to ddim`steps`) in PyTorch at batch 1. */
function pytorchDdim(steps: number): { seconds: number; threads: number } | { error: string } {
  const script = resolve('bench', 'sample', 'upstream_ddim.py');
  const upstream = resolve('..', 'shared', 'reference', 'diffusion-rig');
  if (!existsSync(upstream)) return { error: `${upstream} not found` };
  const run = spawnSync(python(), [script, upstream, String(imageSize), String(steps)], { env: { ...process.env, OMP_NUM_THREADS: torchThreads() }, encoding: 'utf8', timeout: 3_600_000 });
  if (run.status !== 0) return { error: `python3 upstream_ddim.py failed: ${(run.stderr || run.error?.message || '').trim().split('\n').pop()}` };
  const line = JSON.parse(run.stdout.trim().split('\n').pop()!) as { sample_s: number; threads: number };
  return { seconds: line.sample_s, threads: line.threads };
}

/** Upstream's UNet pass in PyTorch (Debian python3-torch) at the same size, batch and threads; null when it cannot run. */
function pytorchPass(batch: number): { seconds: number; threads: number } | { error: string } {
  const dir = resolve('..', 'shared', 'reference');
  const script = join(dir, 'upstream_unet_pass.py');
  if (!existsSync(script)) return { error: `${script} not found` };
  // Debian's interpreter has python3-torch; a pyenv or venv python3 first on PATH may not
  const run = spawnSync(python(), [script, join(dir, 'diffusion-rig'), String(imageSize), String(batch), '3'], { env: { ...process.env, OMP_NUM_THREADS: torchThreads() }, encoding: 'utf8', timeout: 1_800_000 });
  if (run.status !== 0) return { error: `python3 upstream_unet_pass.py failed: ${(run.stderr || run.error?.message || '').trim().split('\n').pop()}` };
  const line = JSON.parse(run.stdout.trim().split('\n').pop()!) as { pass_s_median: number; threads: number };
  return { seconds: line.pass_s_median, threads: line.threads };
}

let built: { weights: { config: ReturnType<typeof defaultConfig>; stateDict: StateDict; strippedPrefix: string }; shapes: Map<string, readonly number[]> } | undefined;

/** Upstream's default configuration at BENCH_IMAGE_SIZE with random weights (built once). */
function benchModel() {
  if (!built) {
    const config = defaultConfig(imageSize);
    const shapes = expectedShapes(config);
    built = { weights: { config, stateDict: randomWeights(shapes), strippedPrefix: '' }, shapes };
  }
  return built;
}

/**
 * DDIM and DPM-Solver++ as whole loops at batch 1 from seeded noise, per provider, next to
 * upstream's own DDIM-20 loop in PyTorch. A pass costs the same in every sampler; an edit that
 * starts from the inversion of its source costs twice the passes.
 */
async function measureSamplers(): Promise<void> {
  const { weights } = benchModel();
  const { config } = weights;
  const lines = [`\nsamplers at ${imageSize} px, batch 1, whole loops from seeded noise (an edit from the inversion of its source costs twice the passes):`, 'sampler | passes | s/sample | s/pass | × upstream DDIM 20'];
  const upstream = pytorchDdim(20);
  const upstreamSeconds = 'error' in upstream ? undefined : upstream.seconds;
  const ratio = (seconds: number) => (upstreamSeconds === undefined ? '-' : `${(seconds / upstreamSeconds).toFixed(2)}×`);
  if ('error' in upstream) lines.push(`upstream DDIM 20 (PyTorch) | 20 | skipped: ${upstream.error} | - | -`);
  else lines.push(`upstream DDIM 20 (PyTorch 1.13, ${upstream.threads} threads) | 20 | ${upstream.seconds.toFixed(1)} | ${(upstream.seconds / 20).toFixed(2)} | 1.00×`);
  for (const provider of samplerProviders) {
    const backend = new OnnxBackend({ providers: [provider], intraOpThreads: threads });
    const runner = new DiffusionRigRunner(weights, backend, `bench-samplers-${provider}`);
    try {
      const random = new SeededRandom(3);
      const conditioning = { batch: 1, imageSize, physical: random.normals(9 * imageSize * imageSize), latent: random.normals(config.unet.latentDim) };
      const noise = seededNoise(4, 1, imageSize);
      // one warm-up pass builds the sessions, so no row pays for them
      await runner.predictNoise(noise, Float32Array.of(500), conditioning);
      await runner.sampleDpmSolver(noise, conditioning, {}, 2);
      for (const sampler of samplers) {
        const started = performance.now();
        if (sampler.method === 'dpm++') await runner.sampleDpmSolver(noise, conditioning, {}, sampler.steps);
        else await runner.sample(noise, conditioning, { respacing: `ddim${sampler.steps}` });
        const seconds = (performance.now() - started) / 1000;
        lines.push(`${samplerLabel(sampler)} (Rig Studio, ${provider}) | ${sampler.steps} | ${seconds.toFixed(1)} | ${(seconds / sampler.steps).toFixed(2)} | ${ratio(seconds)}`);
      }
    } catch (error) {
      lines.push(`[${provider}] skipped: ${(error as Error).message.split('\n')[0]}`);
    } finally {
      await runner.dispose();
      await backend.disposeAll();
    }
  }
  lines.push('upstream DPM-Solver++: not timed. Upstream DiffusionRig has no DPM-Solver (its code samples with DDPM and DDIM only), and ../shared/reference holds no copy of the official dpm_solver library the fixture was written with.');
  console.log(lines.join('\n'));
}

async function measure(): Promise<void> {
  const { weights, shapes } = benchModel();
  const { config, stateDict } = weights;
  const counts = parameterCount(shapes);
  console.log(`\nDiffusionRig UNet, ${imageSize} px, ${config.unet.modelChannels} channels, mult ${config.unet.channelMult.join(',')}: ${(counts.unet / 1e6).toFixed(1)}M UNet + ${(counts.encoder / 1e6).toFixed(1)}M encoder parameters`);
  let cpuPass: number | undefined;
  const macsPerImage = countMacs(unetGraph(config, { kind: 'initializers', stateDict }, { batch: 1, imageSize }));
  for (const provider of available()) {
    // float16 rows on GPU providers (float32 as well, for the comparison)
    for (const precision of providers[provider].gpu ? (['float32', 'float16'] as const) : (['float32'] as const)) {
      const backend = new OnnxBackend({ providers: [provider], intraOpThreads: threads });
      const runner = new DiffusionRigRunner(weights, backend, `bench-${provider}-${precision}`, { precision });
      const row = `${provider}${precision === 'float16' ? ', fp16' : ''}`;
      try {
        const random = new SeededRandom(1);
        const conditioning = (batch: number) => ({ batch, imageSize, physical: random.normals(batch * 9 * imageSize * imageSize), latent: random.normals(batch * config.unet.latentDim) });
        // one session (symbolic batch) serves batch 1 and 4
        const started = performance.now();
        await runner.predictNoise(random.normals(3 * imageSize * imageSize), Float32Array.of(500), conditioning(1));
        const firstSeconds = (performance.now() - started) / 1000;
        for (const batch of [1, 4]) {
          const c = conditioning(batch);
          const x = random.normals(batch * 3 * imageSize * imageSize);
          // batch 1: the median of BENCH_REPEATS passes, as the PyTorch script takes its median
          const times: number[] = [];
          for (let r = 0; r < (batch === 1 ? repeats : 1); r++) {
            const t0 = performance.now();
            await runner.predictNoise(x, new Float32Array(batch).fill(500), c);
            times.push((performance.now() - t0) / 1000);
          }
          const seconds = times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
          if (provider === 'cpu' && batch === 1) cpuPass = seconds;
          console.log(`[${row}] batch ${batch}: ${seconds.toFixed(2)} s per UNet pass (${(seconds / batch).toFixed(2)} s per image), ${((2 * macsPerImage * batch) / seconds / 1e9).toFixed(1)} GFLOP/s achieved (${(macsPerImage / 1e9).toFixed(1)} GMAC per image)${batch === 1 ? `, session + first pass ${firstSeconds.toFixed(1)} s` : ''}, peak RSS ${rssMb().toFixed(0)} MB`);
        }
        // one UNet pass per DDIM step (an explicit list also allows a single step), as a device loop
        const c = conditioning(1);
        const diffusionSteps = Array.from({ length: ddimSteps }, (_, i) => Math.floor((i * 1000) / ddimSteps));
        const start = performance.now();
        await runner.sample(random.normals(3 * imageSize * imageSize), c, { respacing: diffusionSteps });
        const loop = (performance.now() - start) / 1000;
        const per20 = (loop / ddimSteps) * 20;
        const io = runner.lastLoop;
        const bytes = io ? `host→device ${kb(io.perStep.hostToDevice)}, device→host ${kb(io.perStep.deviceToHost)} per step (${io.resident ? 'x_t on the device' : 'host loop'}; result read back: ${kb(io.readback.deviceToHost)})` : 'bytes not counted';
        console.log(`[${row}] DDIM-20: ${per20.toFixed(1)} s per image${ddimSteps === 20 ? '' : ` (measured ${ddimSteps} step${ddimSteps > 1 ? 's' : ''} in ${loop.toFixed(1)} s, scaled to 20)`}; ${bytes}`);
      } catch (error) {
        console.log(`[${row}] skipped: ${(error as Error).message.split('\n')[0]}`);
      } finally {
        await runner.dispose();
        await backend.disposeAll();
      }
    }
  }
  console.log(`peak RSS ${rssMb().toFixed(0)} MB`);
  const torch = pytorchPass(1);
  if ('error' in torch) console.log(`PyTorch reference skipped: ${torch.error}`);
  else if (cpuPass !== undefined) {
    console.log(`PyTorch 1.13 (upstream code, ${torch.threads} threads): ${torch.seconds.toFixed(2)} s per UNet pass at batch 1 (median of 3; ours: median of ${repeats})`);
    console.log(`sample ${imageSize}px b1: pass ${(cpuPass / torch.seconds).toFixed(2)}× PyTorch`);
  }
}

/**
 * float16 against float32 on WebGPU with the fixture model (64 px): ε of io.npz and a DDIM-20
 * sample from seeded noise (README, "Agreement with upstream").
 */
async function float16Error(): Promise<void> {
  const dir = resolve('..', 'shared', 'fixtures', 'diffusionrig-a');
  if (!providerAvailability('webgpu').available || !existsSync(join(dir, 'io.npz'))) {
    console.log('float16 vs float32 on webgpu: skipped (no webgpu provider or no fixture)');
    return;
  }
  const weights = loadDiffusionRig(readCheckpoint(join(dir, 'model000000.pt')).stateDict, 'fixture');
  const arrays = readNpz(readFileSync(join(dir, 'io.npz')), 'io.npz');
  const backend = new OnnxBackend({ providers: ['webgpu'] });
  const half = new DiffusionRigRunner(weights, backend, 'fixture-half', { precision: 'float16' });
  const full = new DiffusionRigRunner(weights, backend, 'fixture-full', { precision: 'float32' });
  try {
    const per = 3 * 64 * 64;
    const x0 = (arrays.get('x0')!.data as Float32Array).slice(0, per);
    const item = { batch: 1, imageSize: 64, physical: (arrays.get('physic_cond')!.data as Float32Array).slice(0, 9 * 64 * 64), latent: await full.encode(x0, 1, 64) };
    const xt = (arrays.get('x_t')!.data as Float32Array).slice(0, per);
    const t = Float32Array.of(Number((arrays.get('t')!.data as ArrayLike<number | bigint>)[0]));
    const epsError = worstRelativeError(await half.predictNoise(xt, t, item), await full.predictNoise(xt, t, item));
    const noise = new SeededRandom(7).normals(per);
    const settings = { respacing: 'ddim20' };
    const measures = async (clipDenoised: boolean) => {
      const a = await half.sample(noise, item, settings, { clipDenoised });
      const b = await full.sample(noise, item, settings, { clipDenoised });
      let squares = 0;
      let reference = 0;
      for (let i = 0; i < a.length; i++) {
        squares += (a[i] - b[i]) ** 2;
        reference += b[i] ** 2;
      }
      return `${worstRelativeError(a, b).toExponential(2)} max, ${Math.sqrt(squares / reference).toExponential(2)} rms`;
    };
    console.log(
      `float16 vs float32 on webgpu (fixture, 64 px, item 0): eps ${epsError.toExponential(2)}; DDIM-20 sample ${await measures(true)}; ` +
        `without clipping ${await measures(false)} (max |Δ| / max |float32|; rms ‖Δ‖ / ‖float32‖)`,
    );
  } finally {
    await backend.disposeAll();
  }
}

// the float16 error and the samplers first, so the PyTorch ratio of the timings is the last line
it.runIf(process.env.BENCH_FLOAT16_ERROR !== '0')('float16 vs float32 error on webgpu (prints)', float16Error);
it.runIf(samplers.length > 0)('DDIM and DPM-Solver++ against upstream DDIM (prints timings)', measureSamplers);
it('DiffusionRig UNet passes and DDIM-20 (prints timings)', measure);
