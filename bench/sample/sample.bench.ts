/**
 * DiffusionRig sampling speed: upstream's default 256-px configuration (128 channels,
 * ResNet-18 encoder) with random weights built in memory. For each execution provider that
 * loads: time per UNet pass at batch 1 and 4, seconds per DDIM-20 image, achieved GFLOP/s
 * (2 × MACs counted from the graph / time) and peak RSS. Prints; asserts nothing.
 *
 *   npx vitest run --config bench/sample/vitest.config.ts
 *
 * The default run does one UNet pass per measurement (batch 1 inside a 1-step DDIM loop,
 * batch 4 once): about 3 minutes on 2 CPU cores, since a 256-px pass is ~280 GMAC per image.
 * BENCH_IMAGE_SIZE=64 gives a quick smoke run; BENCH_DDIM_STEPS=20 the real DDIM-20 loop.
 *
 * Environment: BENCH_IMAGE_SIZE (default 256), BENCH_DDIM_STEPS (steps actually run for the
 * DDIM figure, default 1, scaled to 20; set 20 for the real loop), BENCH_PROVIDERS (e.g.
 * "cuda,cpu"; default every provider of the table this build has), BENCH_THREADS.
 */
import * as ort from 'onnxruntime-node';
import { it } from 'vitest';
import type { StateDict } from '../../src/main/checkpoint/state-dict';
import { ddimSample } from '../../src/main/diffusion/ddim';
import { SeededRandom } from '../../src/main/diffusion/rng';
import { createDiffusion } from '../../src/main/diffusion/schedule';
import { defaultConfig } from '../../src/main/models/config';
import { unetGraph } from '../../src/main/models/diffusionrig';
import { expectedShapes, parameterCount } from '../../src/main/models/infer';
import type { ProviderName } from '../../src/main/nn/backend';
import { OnnxBackend, defaultProviderOrder, parseProviderList, providers } from '../../src/main/nn/backend';
import { countMacs } from '../../src/main/nn/flops';

const imageSize = Number(process.env.BENCH_IMAGE_SIZE ?? 256);
const ddimSteps = Number(process.env.BENCH_DDIM_STEPS ?? 1);
const threads = process.env.BENCH_THREADS ? Number(process.env.BENCH_THREADS) : undefined;

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
  const built = new Set(ort.listSupportedBackends().map((b) => b.name));
  return defaultProviderOrder.filter((p) => built.has(providers[p].ortName));
}

const rssMb = () => process.resourceUsage().maxRSS / 1024;

async function measure(): Promise<void> {
  const config = defaultConfig(imageSize);
  const shapes = expectedShapes(config);
  const stateDict = randomWeights(shapes);
  const counts = parameterCount(shapes);
  console.log(`\nDiffusionRig UNet, ${imageSize} px, ${config.unet.modelChannels} channels, mult ${config.unet.channelMult.join(',')}: ${(counts.unet / 1e6).toFixed(1)}M UNet + ${(counts.encoder / 1e6).toFixed(1)}M encoder parameters`);
  for (const provider of available()) {
    const backend = new OnnxBackend({ providers: [provider], intraOpThreads: threads });
    try {
      for (const batch of [1, 4]) {
        const graph = unetGraph(config, { kind: 'initializers', stateDict }, { batch, imageSize });
        const macs = countMacs(graph);
        const started = performance.now();
        const session = await backend.load(`bench:${batch}`, () => graph);
        const createSeconds = (performance.now() - started) / 1000;
        const random = new SeededRandom(batch);
        const conditioning = {
          physical: random.normals(batch * 9 * imageSize * imageSize),
          latent: random.normals(batch * config.unet.latentDim),
        };
        const pass = async (x: Float32Array, timesteps: Float32Array) => {
          const out = await session.run({
            x: { dtype: 'float32', shape: [batch, 3, imageSize, imageSize], data: x },
            timesteps: { dtype: 'float32', shape: [batch], data: timesteps },
            physical: { dtype: 'float32', shape: [batch, 9, imageSize, imageSize], data: conditioning.physical },
            latent: { dtype: 'float32', shape: [batch, config.unet.latentDim], data: conditioning.latent },
          });
          return out.eps.data as Float32Array;
        };
        const noise = random.normals(batch * 3 * imageSize * imageSize);
        const report = (seconds: number, how: string) =>
          console.log(`[${session.provider}${session.float16 ? ', fp16' : ''}] batch ${batch}: ${seconds.toFixed(2)} s per UNet pass (${(seconds / batch).toFixed(2)} s per image, ${how}), ${((2 * macs) / seconds / 1e9).toFixed(1)} GFLOP/s achieved (${(macs / batch / 1e9).toFixed(1)} GMAC per image), session created in ${createSeconds.toFixed(1)} s, peak RSS ${rssMb().toFixed(0)} MB`);
        if (batch === 1) {
          // one UNet pass per DDIM step (an explicit list also allows a single step)
          const diffusion = createDiffusion({ respacing: Array.from({ length: ddimSteps }, (_, i) => Math.floor((i * 1000) / ddimSteps)) });
          const start = performance.now();
          await ddimSample(diffusion, pass, noise, batch);
          const loop = (performance.now() - start) / 1000;
          report(loop / ddimSteps, `mean of ${ddimSteps} DDIM step${ddimSteps > 1 ? 's' : ''}`);
          const per20 = (loop / ddimSteps) * 20;
          console.log(`[${session.provider}] DDIM-20: ${per20.toFixed(1)} s per image${ddimSteps === 20 ? '' : ` (measured ${ddimSteps} step${ddimSteps > 1 ? 's' : ''} in ${loop.toFixed(1)} s, scaled to 20)`}`);
        } else {
          const started4 = performance.now();
          await pass(noise, new Float32Array(batch).fill(500));
          report((performance.now() - started4) / 1000, 'one pass');
        }
        await backend.dispose(`bench:${batch}`);
      }
    } catch (error) {
      console.log(`[${provider}] skipped: ${(error as Error).message.split('\n')[0]}`);
    } finally {
      await backend.disposeAll();
    }
  }
  console.log(`peak RSS ${rssMb().toFixed(0)} MB`);
}

it('DiffusionRig UNet passes and DDIM-20 (prints timings)', measure);
