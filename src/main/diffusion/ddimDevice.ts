/**
 * DDIM sampling and inversion with the loop state where the model runs. The update of one step
 * is a small graph (ddimStepGraph: the same float32 operations as ddim.ts, in the same order)
 * run by the UNet's provider, so on WebGPU x_t, ε, the conditioning and the latent stay in GPU
 * buffers for the whole loop (gpu-buffer outputs fed back as inputs); per step only the
 * timesteps ([N] float32) and the step's coefficients (5 float32) go to the device, plus the
 * noise when η > 0. x_0 (or x_T) is read back once at the end through a session with CPU
 * outputs (never getData(): it kills the process in onnxruntime-node 1.30). On the CPU
 * provider the loop writes into preallocated buffers (ModelSession.runInto) instead of
 * allocating new outputs each step. Bytes copied host↔device are counted and returned.
 */
import type * as ort from 'onnxruntime-node';
import type { HostTensor, ModelSession, TransferCounts } from '../nn/backend';
import { onDevice } from '../nn/backend';
import { GraphBuilder } from '../nn/builder';
import type { DeviceIo } from '../nn/device';
import type { Graph } from '../nn/ir';
import { symbolicBatch } from '../nn/ir';
import type { DdimOptions, StepCoefficients } from './ddim';
import { CancelledError } from '../core/cancellation';
import { inversionCoefficients, sampleCoefficients, timestepsAt } from './ddim';
import type { Diffusion } from './schedule';

/** Names of the step graph's inputs and output. */
export const ddimStepIo = Object.freeze({ x: 'x', eps: 'eps', coefficients: 'coefficients', noise: 'noise', next: 'x_next' });

/**
 * One DDIM update as a graph: x [N,3,S,S], eps [N,E,S,S] (the UNet output; ε is channels 0–2,
 * so learned-σ models with E = 6 work), coefficients [5] = (c1, c2, startScale, epsScale,
 * sigma), and with `stochastic` a noise input [N,3,S,S]; output x_next. The batch is symbolic.
 */
export function ddimStepGraph(options: { imageSize: number; epsChannels: number; clip: boolean; stochastic: boolean }): Graph {
  const { imageSize: s, epsChannels, clip, stochastic } = options;
  const b = new GraphBuilder();
  b.graph.name = `ddim-step-${clip ? 'clip' : 'noclip'}${stochastic ? '-eta' : ''}`;
  const x = b.input(ddimStepIo.x, 'float32', [1, 3, s, s]);
  let eps = b.input(ddimStepIo.eps, 'float32', [1, epsChannels, s, s]);
  const coefficients = b.input(ddimStepIo.coefficients, 'float32', [5]);
  const noise = stochastic ? b.input(ddimStepIo.noise, 'float32', [1, 3, s, s]) : null;
  if (epsChannels !== 3) eps = b.split(eps, [3, epsChannels - 3], 1)[0];
  const [c1, c2, startScale, epsScale, sigma] = b.split(coefficients, 5, 0);
  // the operations of ddim.ts predictStart and the update, in its order (float32 throughout)
  const scaled = b.mul(x, c1);
  let start = b.sub(scaled, b.mul(eps, c2));
  if (clip) start = b.clip(start, -1, 1);
  const rederived = b.div(b.sub(scaled, start), c2);
  let next = b.add(b.mul(start, startScale), b.mul(rederived, epsScale));
  if (noise) next = b.add(next, b.mul(noise, sigma));
  b.output(next, ddimStepIo.next);
  symbolicBatch(b.graph);
  // the coefficients are not batched: keep their dimension fixed
  b.graph.symbolicDims.delete(ddimStepIo.coefficients);
  return b.graph;
}

/** What the loop runs on. */
export interface DeviceLoopParts {
  /**
   * The UNet: x_t (host or device tensor) and timesteps → its output [N,E,S,S] (host or device).
   * `into`, when given, is a host buffer to write the output into (CPU provider).
   */
  denoise(x: HostTensor | ort.Tensor, timesteps: Float32Array, into?: HostTensor): Promise<HostTensor | ort.Tensor>;
  /** Channels E of the UNet output. */
  epsChannels: number;
  /** A session of ddimStepGraph for this loop's clip/stochastic setting, on the UNet's provider. */
  step: ModelSession;
  io: DeviceIo;
  /** The backend's transfer counter (for the per-step byte counts). */
  transfers: TransferCounts;
}

/** Bytes copied host↔device by one loop. */
export interface LoopTransfers {
  /** Per step, averaged over the loop's steps (timesteps and coefficients; noise when η > 0). */
  perStep: TransferCounts;
  /** Before the first step (x_T, conditioning already on the device not counted here). */
  setup: TransferCounts;
  /** Reading the result back. */
  readback: TransferCounts;
  steps: number;
  /** True when x_t stayed on the device between steps. */
  resident: boolean;
}

function snapshot(t: TransferCounts): TransferCounts {
  return { hostToDevice: t.hostToDevice, deviceToHost: t.deviceToHost };
}

function since(t: TransferCounts, from: TransferCounts): TransferCounts {
  return { hostToDevice: t.hostToDevice - from.hostToDevice, deviceToHost: t.deviceToHost - from.deviceToHost };
}

function dispose(tensor: HostTensor | ort.Tensor | undefined): void {
  if (tensor && 'dims' in tensor && onDevice(tensor)) tensor.dispose();
}

/**
 * Runs the loop over `indices` with `coefficientsAt(index)`; x0 is the start (x_T for
 * sampling, the image for inversion), `batch` items of 3·S·S.
 */
async function runLoop(
  parts: DeviceLoopParts,
  start: Float32Array,
  batch: number,
  imageSize: number,
  indices: number[],
  coefficientsAt: (index: number) => StepCoefficients,
  diffusion: Diffusion,
  options: DdimOptions,
  reportStep: (index: number, position: number) => void,
): Promise<{ result: Float32Array; transfers: LoopTransfers }> {
  const shape = [batch, 3, imageSize, imageSize];
  const resident = parts.io.resident;
  const stochastic = parts.step.inputNames.includes(ddimStepIo.noise);
  const t0 = snapshot(parts.transfers);
  let x: HostTensor | ort.Tensor = await parts.io.upload({ dtype: 'float32', shape, data: Float32Array.from(start) });
  const setup = since(parts.transfers, t0);
  // CPU: two x buffers used in turn and one ε buffer, written in place each step
  const hostX = resident ? [] : [x as HostTensor, { dtype: 'float32' as const, shape, data: new Float32Array(start.length) }];
  const hostEps: HostTensor | undefined = resident ? undefined : { dtype: 'float32', shape: [batch, parts.epsChannels, imageSize, imageSize], data: new Float32Array(batch * parts.epsChannels * imageSize * imageSize) };
  const t1 = snapshot(parts.transfers);
  try {
    for (let position = 0; position < indices.length; position++) {
      if (options.signal?.aborted) throw new CancelledError();
      const index = indices[position];
      const eps = await parts.denoise(x, timestepsAt(diffusion, index, batch), hostEps);
      const k = coefficientsAt(index);
      const feeds: Record<string, HostTensor | ort.Tensor> = {
        [ddimStepIo.x]: x,
        [ddimStepIo.eps]: eps,
        [ddimStepIo.coefficients]: { dtype: 'float32', shape: [5], data: Float32Array.of(k.c1, k.c2, k.startScale, k.epsScale, k.sigma) },
      };
      if (stochastic) {
        const noise = new Float32Array(start.length);
        if (k.sigma !== 0 && index !== 0) for (let i = 0; i < noise.length; i++) noise[i] = options.random!.normal();
        feeds[ddimStepIo.noise] = { dtype: 'float32', shape, data: noise };
      }
      let next: HostTensor | ort.Tensor;
      if (resident) next = (await parts.step.run(feeds)).x_next;
      else next = (await parts.step.runInto(feeds, { [ddimStepIo.next]: hostX[(position + 1) % 2] }))[ddimStepIo.next];
      dispose(eps);
      dispose(x);
      x = next;
      reportStep(index, position);
    }
    const loop = since(parts.transfers, t1);
    const t2 = snapshot(parts.transfers);
    const host = 'dims' in x ? await parts.io.download(x) : x;
    const data = Float32Array.from(host.data as Float32Array);
    const readback = since(parts.transfers, t2);
    const steps = indices.length;
    return {
      result: data,
      transfers: { perStep: { hostToDevice: loop.hostToDevice / steps, deviceToHost: loop.deviceToHost / steps }, setup, readback, steps, resident },
    };
  } finally {
    dispose(x);
  }
}

/** DDIM sampling from x_T with the loop state on the model's device; same results as ddimSample. */
export async function ddimSampleOnDevice(diffusion: Diffusion, parts: DeviceLoopParts, noise: Float32Array, batch: number, imageSize: number, options: DdimOptions = {}) {
  const eta = options.eta ?? 0;
  if (eta > 0 && !options.random) throw new Error('ddimSample: eta > 0 needs a seeded random source');
  const total = diffusion.steps;
  const indices = Array.from({ length: total }, (_, i) => total - 1 - i);
  return runLoop(parts, noise, batch, imageSize, indices, (index) => sampleCoefficients(diffusion, index, eta), diffusion, options, (index, position) =>
    options.onStep?.({ step: position + 1, total, timestep: diffusion.timestepMap[index] }),
  );
}

/** DDIM inversion from x_0 with the loop state on the model's device; same results as ddimInvert. */
export async function ddimInvertOnDevice(diffusion: Diffusion, parts: DeviceLoopParts, image: Float32Array, batch: number, imageSize: number, options: DdimOptions = {}) {
  if ((options.eta ?? 0) !== 0) throw new Error('DDIM inversion is only defined for eta = 0');
  const total = diffusion.steps;
  const indices = Array.from({ length: total }, (_, i) => i);
  return runLoop(parts, image, batch, imageSize, indices, (index) => inversionCoefficients(diffusion, index), diffusion, options, (index, position) =>
    options.onStep?.({ step: position + 1, total, timestep: diffusion.timestepMap[index] }),
  );
}
