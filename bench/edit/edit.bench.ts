/**
 * Edit speed: seconds per edited image (buffers rendered at the model's size with the shared
 * rasteriser, global latent, DDIM-20, with and without DDIM inversion of the source), for the
 * 64-px fixture config (fixtures/diffusionrig-a's checkpoint) and the upstream 256-px default
 * config (random weights built in memory), on each execution provider that loads. Printed
 * beside a reference measured in the same run: one bare UNet pass at batch 1, so the ratio
 * "edit / (passes × bare pass)" (median of 3 bare passes) shows what the edit adds around the network. Asserts nothing.
 *
 *   npx vitest run --config bench/edit/vitest.config.ts
 *
 * A 256-px UNet pass is ~280 GMAC, so the 256-px rows run BENCH_DDIM_STEPS_256 steps (default 2)
 * and scale the per-step time to 20 (marked "scaled"); BENCH_DDIM_STEPS_256=20 runs the real loop.
 * Environment: BENCH_PROVIDERS (e.g. "cuda,cpu"), BENCH_SIZES (default "64,256").
 */
import * as ort from 'onnxruntime-node';
import { it } from 'vitest';
import { readCheckpoint } from '../../src/main/checkpoint';
import { DiffusionRigRunner } from '../../src/main/diffusion/runner';
import { PhysicalRenderer } from '../../src/main/diffusion/buffers';
import { editCodes } from '../../src/main/edit/codes';
import { generateBatch } from '../../src/main/diffusion/generate';
import { InlinePool } from '../../src/main/jobs/pool';
import { workerTasks } from '../../src/main/app/workerTasks';
import { defaultConfig } from '../../src/main/models/config';
import { loadDiffusionRig, type DiffusionRigWeights } from '../../src/main/models/diffusionrig';
import type { ProviderName } from '../../src/main/nn/backend';
import { OnnxBackend, defaultProviderOrder, parseProviderList, providers } from '../../src/main/nn/backend';
import { randomWeights } from '../../src/main/train/init';
import { defaultDemoHeadDir, loadHeadModel, locateHeadModel } from '../../src/main/head/activeModel';
import { syntheticCodes } from '../../test/helpers/editFixture';
import { sharedPath } from '../../test/helpers/shared';

const sizes = (process.env.BENCH_SIZES ?? '64,256').split(',').map(Number);
const steps256 = Number(process.env.BENCH_DDIM_STEPS_256 ?? 2);

function available(): ProviderName[] {
  if (process.env.BENCH_PROVIDERS) return parseProviderList(process.env.BENCH_PROVIDERS);
  const built = new Set(ort.listSupportedBackends().map((b) => b.name));
  return defaultProviderOrder.filter((p) => built.has(providers[p].ortName));
}

function weightsFor(size: number): { label: string; weights: DiffusionRigWeights } {
  if (size === 64) {
    const checkpoint = readCheckpoint(sharedPath('fixtures', 'diffusionrig-a', 'model000000.pt'));
    return { label: '64 px fixture config (diffusionrig-a)', weights: loadDiffusionRig(checkpoint.stateDict, checkpoint.path) };
  }
  const config = defaultConfig(size);
  return { label: `${size} px upstream default (random weights)`, weights: { config, stateDict: randomWeights(config, 1), strippedPrefix: '' } };
}

it('seconds per edited image', async () => {
  const head = await loadHeadModel(locateHeadModel({ flameFiles: () => null, demoHeadDir: defaultDemoHeadDir() }));
  const renderer = new PhysicalRenderer(new InlinePool(workerTasks), head);
  const source = syntheticCodes(1);
  const target = syntheticCodes(3);
  const rows: string[] = [];
  for (const size of sizes) {
    const { label, weights } = weightsFor(size);
    const run = size >= 256 ? steps256 : 20;
    for (const provider of available()) {
      const backend = new OnnxBackend({ providers: [provider] });
      const runner = new DiffusionRigRunner(weights, backend, `bench-edit-${size}`);
      try {
        // the source "photo": the source's own buffers' rendered image, in [-1, 1]
        const own = await renderer.render(source, size);
        const sourceImage = own.physical.slice(0, 3 * size * size).map((v) => Math.min(1, Math.max(-1, v * 2 - 1)));
        const warm = performance.now();
        await runner.encode(sourceImage, 1, size);
        const conditioning = { batch: 1, imageSize: size, physical: own.physical, latent: await runner.encode(sourceImage, 1, size) };
        await runner.predictNoise(sourceImage, new Float32Array([500]), conditioning);
        const sessionsMs = performance.now() - warm;
        // median of 3 bare passes (the machine may be shared)
        const passes3: number[] = [];
        for (let k = 0; k < 3; k++) {
          const passStart = performance.now();
          await runner.predictNoise(sourceImage, new Float32Array([500]), conditioning);
          passes3.push(performance.now() - passStart);
        }
        const passMs = passes3.sort((a, b) => a - b)[1];
        for (const inversion of [false, true]) {
          const started = performance.now();
          const edited = await renderer.render(editCodes(source, target, ['exp', 'light'], null), size);
          const renderMs = performance.now() - started;
          const generated = await generateBatch(runner, [{ sourceImage, sourcePhysical: own.physical, physical: edited.physical, latentImage: sourceImage }], size, { steps: run, eta: 0, seed: 0, clip: true, inversion });
          const totalMs = performance.now() - started;
          const passes = run * (inversion ? 2 : 1);
          const perStep = (generated.samplingMs + generated.inversionMs) / passes;
          const seconds20 = (totalMs + perStep * (20 - run) * (inversion ? 2 : 1)) / 1000;
          const ratio = (seconds20 * 1000) / (passMs * 20 * (inversion ? 2 : 1));
          rows.push(
            `${label.padEnd(42)} ${provider.padEnd(5)} ${inversion ? 'DDIM-20 + inversion' : 'DDIM-20            '}  ${seconds20.toFixed(2).padStart(8)} s/image${run < 20 ? ` (scaled from ${run} steps)` : '                    '}  render ${renderMs.toFixed(0)} ms  bare pass ${passMs.toFixed(0)} ms  edit/bare ${ratio.toFixed(2)}  sessions ${(sessionsMs / 1000).toFixed(1)} s`,
          );
          console.log(rows[rows.length - 1]);
        }
      } catch (error) {
        rows.push(`${label.padEnd(42)} ${provider.padEnd(5)} unavailable: ${(error as Error).message.split('\n').slice(-1)[0].trim()}`);
        console.log(rows[rows.length - 1]);
      } finally {
        await runner.dispose();
      }
    }
  }
  console.log(`\nEdit speed (batch 1, ${ort.env.versions?.common ?? 'onnxruntime-node'}):\n${rows.join('\n')}`);
});
