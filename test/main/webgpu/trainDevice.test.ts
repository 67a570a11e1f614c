/**
 * Device-resident training on WebGPU (same adapter gate as webgpu.test.ts: without an adapter
 * this FAILS under CI=true and is skipped with the reason printed elsewhere). Tiny model, 16 px,
 * batch 2: software Vulkan is slow.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { describeAdapter, probeWebGpuAdapter } from '../../../src/main/nn/adapter';
import { OnnxBackend } from '../../../src/main/nn/backend';
import type { Tensor } from '../../../src/main/nn/ir';
import { randomWeights } from '../../../src/main/train/init';
import { Trainer, type TrainerSettings } from '../../../src/main/train/trainer';
import { momentNames, trainIo } from '../../../src/main/train/trainStep';
import { size, syntheticAlbum, tinyConfig } from '../train/tiny';

const adapter = await probeWebGpuAdapter();
const inCi = process.env.CI === 'true';
if (!adapter.ok && !inCi) console.warn(`WebGPU training suite skipped: ${describeAdapter(adapter)}`);

const bytesOf = (dtype: string, shape: readonly number[]) => shape.reduce((a, d) => a * d, 1) * (dtype === 'int64' ? 8 : dtype === 'bool' || dtype === 'uint8' ? 1 : 4);

function maxDifference(a: Tensor, b: Tensor): number {
  let worst = 0;
  for (let i = 0; i < a.data.length; i++) worst = Math.max(worst, Math.abs(Number(a.data[i]) - Number(b.data[i])));
  return worst;
}

async function stateOf(trainer: Trainer) {
  await trainer.runner.download();
  return trainer.runner.stateViews();
}

describe.runIf(inCi || adapter.ok)('device-resident training on WebGPU', () => {
  const settings: TrainerSettings = { batchSize: 2, learningRate: 1e-3, seed: 5, imageSize: size };
  const weights = randomWeights(tinyConfig, 1);
  const pairs = syntheticAlbum();
  const gpuBackend = new OnnxBackend({ providers: ['webgpu'], allowSoftwareAdapter: true, float16: 'never', graphOptimizationLevel: 'basic' });
  const cpuBackend = new OnnxBackend({ providers: ['cpu'], graphOptimizationLevel: 'basic' });
  afterAll(() => Promise.all([gpuBackend.disposeAll(), cpuBackend.disposeAll()]));

  it('3 steps with parameters and Adam moments on the device equal 3 CPU steps, move only the batch and the scalars per step, and a checkpoint resumes to the same parameters', async () => {
    expect(adapter.error, `no WebGPU adapter: ${adapter.error}`).toBeNull();
    const cpu = await Trainer.create({ backend: cpuBackend, config: tinyConfig, weights, pairs, settings });
    const gpu = await Trainer.create({ backend: gpuBackend, config: tinyConfig, weights, pairs, settings });
    const host = await Trainer.create({ backend: gpuBackend, config: tinyConfig, weights, pairs, settings, stateOnDevice: false });
    expect(host.runner.resident).toBe(false);
    const hostSteps = [];
    for (let i = 0; i < 3; i++) hostSteps.push((await host.step()).transfers);
    try {
      expect(gpu.runner.session.provider).toBe('webgpu');
      expect(gpu.runner.resident).toBe(true);
      expect(cpu.runner.resident).toBe(false);

      // what may cross per step: the non-state inputs up (batch, noise, timesteps, lr, dropout
      // masks) and the CPU-located scalar outputs down; the state itself must not
      const stateNames = new Set([trainIo.step, ...gpu.graph.buffers.map((b) => b.key)]);
      let parameterBytes = 0;
      for (const { key, shape } of gpu.graph.parameters) {
        const m = momentNames(key);
        [key, m.m, m.v].forEach((n) => stateNames.add(n));
        parameterBytes += bytesOf('float32', shape);
      }
      const upBound = gpu.graph.graph.inputs.filter((v) => !stateNames.has(v.name)).reduce((n, v) => n + bytesOf(v.dtype, v.shape), 0);
      const scalarBytes = (2 + settings.batchSize) * 4; // loss, grad norm, loss per item (float32 run: no finite)
      const stateBytes = 3 * parameterBytes; // parameters and both Adam moments

      const steps = [];
      let checkpoint: Uint8Array = new Uint8Array();
      for (let i = 0; i < 3; i++) {
        const expected = await cpu.step();
        const got = await gpu.step();
        steps.push({ expected, got });
        if (i === 1) checkpoint = await gpu.saveState(); // read back mid-run; the run goes on from the device
      }
      const perStep = steps.map((s) => s.got.transfers);
      console.info(`webgpu train step (tiny, ${size} px, batch ${settings.batchSize}): bytes per step ${JSON.stringify(perStep)}; expected up ${upBound}, down ${scalarBytes}; parameters ${parameterBytes} B, with moments ${stateBytes} B`);
      for (const t of perStep) {
        expect(t).toEqual({ hostToDevice: upBound, deviceToHost: scalarBytes });
        // (dropout masks are most of upBound; the state would be stateBytes each way)
        expect(t.hostToDevice + t.deviceToHost).toBeLessThan(stateBytes / 10);
      }
      for (const { expected, got } of steps) {
        expect(got.step).toBe(expected.step);
        expect(Math.abs(got.loss - expected.loss) / expected.loss).toBeLessThan(1e-4);
      }

      const cpuState = await stateOf(cpu);
      const gpuState = await stateOf(gpu);
      let worstParameter = 0;
      let worstMoment = 0;
      let largestMoment = 0;
      for (const { key } of gpu.graph.parameters) {
        worstParameter = Math.max(worstParameter, maxDifference(gpuState.get(key)!, cpuState.get(key)!));
        const m = momentNames(key);
        worstMoment = Math.max(worstMoment, maxDifference(gpuState.get(m.m)!, cpuState.get(m.m)!));
        for (const v of cpuState.get(m.m)!.data) largestMoment = Math.max(largestMoment, Math.abs(Number(v)));
      }
      expect(Number(gpuState.get(trainIo.step)!.data[0])).toBe(3);
      console.info(`webgpu vs cpu after 3 steps: parameters max |Δ| ${worstParameter.toExponential(2)}, first moments max |Δ| ${worstMoment.toExponential(2)} (largest ${largestMoment.toExponential(2)})`);
      // against the CPU: Adam turns gradient noise into updates of size lr (biases ahead of a
      // GroupNorm have a true gradient of 0 and float noise of 1e-10 whose sign differs by
      // provider), so parameters are compared as bounded by the 3 steps' lr; the moments are
      // linear in the gradients and compared to the largest moment
      expect(worstParameter).toBeLessThan(3 * settings.learningRate);
      expect(worstMoment / largestMoment).toBeLessThan(1e-2);
      // against the same provider with the state copied through the host every step: the
      // device-resident loop changes no arithmetic, so it must be the same to the bit
      let worstHost = 0;
      const hostState = await stateOf(host);
      for (const [key, tensor] of gpuState) worstHost = Math.max(worstHost, maxDifference(tensor, hostState.get(key)!));
      console.info(`webgpu resident vs webgpu host-state: max |Δ| ${worstHost}; host-state bytes per step ${JSON.stringify(hostSteps)}`);
      expect(worstHost).toBe(0);
      for (const t of hostSteps) expect(t.hostToDevice).toBeGreaterThan(stateBytes);

      const resumed = await Trainer.create({ backend: gpuBackend, config: tinyConfig, weights, pairs, settings, resume: { bytes: checkpoint, path: 'state.safetensors' } });
      try {
        expect(resumed.stepCount).toBe(2);
        const last = await resumed.step();
        expect(last.loss).toBe(steps[2].got.loss);
        const ours = await resumed.trainedParameters();
        let worstResumed = 0;
        for (const [key, tensor] of await gpu.trainedParameters()) worstResumed = Math.max(worstResumed, maxDifference(ours.get(key)!, tensor));
        console.info(`webgpu resumed vs unbroken: parameters max |Δ| ${worstResumed.toExponential(2)}`);
        expect(worstResumed).toBe(0);
      } finally {
        resumed.dispose();
      }
    } finally {
      gpu.dispose();
    }
  }, 900_000);
});
