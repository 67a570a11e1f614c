/**
 * Stage-2 training speed: time per train step (forward, backward, clip, Adam in one
 * session.run) and peak RSS, for the 64-px fixture configuration (32 channels, mult 1,2,2,
 * batch 2, random weights) and, with BENCH_TRAIN_256=1, upstream's default 256-px
 * configuration at batch 1 (about 133M trained parameters; several minutes on 2 cores).
 * The reference measured in the same run is the forward-only UNet pass of the same model and
 * batch (as sampling runs it); the ratio train step / forward pass is what to compare across
 * machines. Prints; asserts nothing.
 *
 *   npx vitest run --config bench/train/vitest.config.ts
 *
 * Environment: BENCH_TRAIN_256=1, BENCH_STEPS (timed steps, default 5), BENCH_PROVIDERS
 * (e.g. "cuda,cpu"; default every provider of the table this build has), BENCH_THREADS,
 * BENCH_OPT ('all' | 'basic', default 'basic').
 */
import * as ort from 'onnxruntime-node';
import { it } from 'vitest';
import type { DiffusionRigConfig } from '../../src/main/models/config';
import { configFromUpstream, defaultConfig } from '../../src/main/models/config';
import { unetGraph } from '../../src/main/models/diffusionrig';
import type { ProviderName } from '../../src/main/nn/backend';
import { OnnxBackend, defaultProviderOrder, parseProviderList, providers } from '../../src/main/nn/backend';
import { serializeGraph } from '../../src/main/nn/serialize';
import { randomWeights } from '../../src/main/train/init';
import { ResumableRandom } from '../../src/main/train/random';
import { TrainStepRunner } from '../../src/main/train/runner';
import { buildTrainStep } from '../../src/main/train/trainStep';

const steps = Number(process.env.BENCH_STEPS ?? 5);
const threads = process.env.BENCH_THREADS ? Number(process.env.BENCH_THREADS) : undefined;
const optimisation = (process.env.BENCH_OPT ?? 'basic') as 'all' | 'basic';

function available(): ProviderName[] {
  if (process.env.BENCH_PROVIDERS) return parseProviderList(process.env.BENCH_PROVIDERS);
  const built = new Set(ort.listSupportedBackends().map((b) => b.name));
  return defaultProviderOrder.filter((p) => built.has(providers[p].ortName));
}

const rssMb = () => process.resourceUsage().maxRSS / 1024;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function timed(run: () => Promise<unknown>, count: number): Promise<{ first: number; median: number }> {
  let start = performance.now();
  await run();
  const first = (performance.now() - start) / 1000;
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    start = performance.now();
    await run();
    times.push((performance.now() - start) / 1000);
  }
  return { first, median: median(times) };
}

async function benchConfig(label: string, config: DiffusionRigConfig, batch: number, imageSize: number): Promise<void> {
  const weights = randomWeights(config, 3);
  const random = new ResumableRandom(7);
  const x0 = random.fillNormal(new Float32Array(batch * 3 * imageSize * imageSize)).map((v) => Math.tanh(v));
  const physical = random.fillNormal(new Float32Array(batch * 9 * imageSize * imageSize));
  const noise = random.fillNormal(new Float32Array(batch * 3 * imageSize * imageSize));
  const latent = random.fillNormal(new Float32Array(batch * config.unet.latentDim));
  const timesteps = BigInt64Array.from({ length: batch }, (_, i) => BigInt(100 + 400 * i));
  for (const provider of available()) {
    const backend = new OnnxBackend({ providers: [provider], intraOpThreads: threads, graphOptimizationLevel: optimisation });
    try {
      // reference: forward-only UNet pass (as sampling runs it)
      const forward = await backend.load('forward', () => unetGraph(config, { kind: 'initializers', stateDict: weights }, { batch, imageSize }));
      const feeds = {
        x: { dtype: 'float32' as const, shape: [batch, 3, imageSize, imageSize], data: noise },
        timesteps: { dtype: 'float32' as const, shape: [batch], data: Float32Array.from(timesteps, Number) },
        physical: { dtype: 'float32' as const, shape: [batch, 9, imageSize, imageSize], data: physical },
        latent: { dtype: 'float32' as const, shape: [batch, config.unet.latentDim], data: latent },
      };
      const reference = await timed(() => forward.run(feeds), steps);
      await backend.dispose('forward');
      const forwardRss = rssMb();

      const built = performance.now();
      const graph = buildTrainStep({ config, stateDict: weights, batch, imageSize, dropout: false });
      const buildSeconds = (performance.now() - built) / 1000;
      const created = performance.now();
      // bytes, so a GPU backend does not convert the optimiser to float16 (Trainer does the same)
      const session = await backend.load('train', () => serializeGraph(graph.graph));
      const createSeconds = (performance.now() - created) / 1000;
      const runner = new TrainStepRunner(session, graph, weights);
      const trained = graph.parameters.reduce((n, p) => n + p.shape.reduce((a, d) => a * d, 1), 0);
      const step = await timed(() => runner.step({ x0, physical, timesteps, noise }, 1e-5), steps);
      console.log(
        `[${session.provider}] ${label}, batch ${batch}: train step ${step.median.toFixed(3)} s (median of ${steps}; first ${step.first.toFixed(2)} s), ` +
          `forward-only UNet pass ${reference.median.toFixed(3)} s → ratio ${(step.median / reference.median).toFixed(2)}×; ` +
          `${(trained / 1e6).toFixed(1)}M trained parameters, ${graph.graph.nodes.length} nodes (built in ${buildSeconds.toFixed(1)} s, session ${createSeconds.toFixed(1)} s, opt '${optimisation}'); ` +
          `peak RSS ${forwardRss.toFixed(0)} MB after the forward pass, ${rssMb().toFixed(0)} MB after training`,
      );
    } catch (error) {
      console.log(`[${provider}] ${label}: skipped: ${(error as Error).message.split('\n')[0]}`);
    } finally {
      await backend.disposeAll();
    }
  }
}

it('stage-2 train step (prints timings)', async () => {
  const fixtureConfig = configFromUpstream({
    image_size: 64, num_channels: 32, num_res_blocks: 1, channel_mult: '1,2,2', attention_resolutions: '16',
    dropout: 0, latent_dim: 64, in_channels: 12, encoder_type: 'resnet18',
  });
  await benchConfig('64 px fixture config (32 ch, mult 1,2,2)', fixtureConfig, 2, 64);
  if (process.env.BENCH_TRAIN_256 === '1') await benchConfig('256 px default config (128 ch)', defaultConfig(256), 1, 256);
  console.log(`peak RSS ${rssMb().toFixed(0)} MB`);
});
