/**
 * DPM-Solver++ with the loop state where the model runs, as ddimDevice.ts does for DDIM: one
 * small step graph (the float32 operations of dpmSolver.ts's host loop, in its order) run by
 * the UNet's provider, so on WebGPU x_t, ε and the previous data prediction stay in GPU buffers
 * for the whole loop; per step only the timesteps and five coefficients go to the device. The
 * sample is read back once and clamped. On the CPU provider the step writes into reused host
 * buffers.
 */
import type * as ort from 'onnxruntime-node';
import type { HostTensor } from '../nn/backend';
import { onDevice } from '../nn/backend';
import { GraphBuilder } from '../nn/builder';
import type { Graph } from '../nn/ir';
import { symbolicBatch } from '../nn/ir';
import { CancelledError } from '../core/cancellation';
import type { DeviceLoopParts, LoopTransfers } from './ddimDevice';
import type { DpmSolverLoopOptions, DpmSolverPlan } from './dpmSolver';
import { clampSample } from './dpmSolver';

/** Names of the step graph's inputs and outputs. */
export const dpmStepIo = Object.freeze({ x: 'x', eps: 'eps', previous: 'previous', coefficients: 'coefficients', next: 'x_next', data: 'data' });

/**
 * One DPM-Solver++ update as a graph: x [N,3,S,S], eps [N,E,S,S] (ε is channels 0–2),
 * previous [N,3,S,S] (the last step's data prediction; any values when correction is 0),
 * coefficients [5] = (alpha, sigma, ratio, dataScale, correction); outputs x_next and data
 * (this step's x̂0, clamped to [−1, 1] with `clip`; the next step's `previous`). The batch is
 * symbolic.
 */
export function dpmStepGraph(options: { imageSize: number; epsChannels: number; clip?: boolean }): Graph {
  const { imageSize: s, epsChannels } = options;
  const b = new GraphBuilder();
  b.graph.name = `dpm-solver-step${options.clip ? '-clip' : ''}`;
  const x = b.input(dpmStepIo.x, 'float32', [1, 3, s, s]);
  let eps = b.input(dpmStepIo.eps, 'float32', [1, epsChannels, s, s]);
  const previous = b.input(dpmStepIo.previous, 'float32', [1, 3, s, s]);
  const coefficients = b.input(dpmStepIo.coefficients, 'float32', [5]);
  if (epsChannels !== 3) eps = b.split(eps, [3, epsChannels - 3], 1)[0];
  const [alpha, sigma, ratio, dataScale, correction] = b.split(coefficients, 5, 0);
  let data = b.div(b.sub(x, b.mul(eps, sigma)), alpha);
  if (options.clip) data = b.clip(data, -1, 1);
  const next = b.sub(b.sub(b.mul(x, ratio), b.mul(data, dataScale)), b.mul(b.sub(data, previous), correction));
  b.output(next, dpmStepIo.next);
  b.output(data, dpmStepIo.data);
  symbolicBatch(b.graph);
  b.graph.symbolicDims.delete(dpmStepIo.coefficients);
  return b.graph;
}

function dispose(tensor: HostTensor | ort.Tensor | undefined): void {
  if (tensor && 'dims' in tensor && onDevice(tensor)) tensor.dispose();
}

/** DPM-Solver++ from x_T with the loop state on the model's device; same results as dpmSolverSample. */
export async function dpmSolverSampleOnDevice(
  plan: DpmSolverPlan,
  parts: DeviceLoopParts,
  noise: Float32Array,
  batch: number,
  imageSize: number,
  options: DpmSolverLoopOptions = {},
): Promise<{ result: Float32Array; transfers: LoopTransfers }> {
  const shape = [batch, 3, imageSize, imageSize];
  const resident = parts.io.resident;
  const counts = () => ({ ...parts.transfers });
  const since = (from: { hostToDevice: number; deviceToHost: number }) => ({ hostToDevice: parts.transfers.hostToDevice - from.hostToDevice, deviceToHost: parts.transfers.deviceToHost - from.deviceToHost });
  const t0 = counts();
  let x: HostTensor | ort.Tensor = await parts.io.upload({ dtype: 'float32', shape, data: Float32Array.from(noise) });
  // the first step has no previous prediction (its correction is 0): zeros stand in
  let previous: HostTensor | ort.Tensor = await parts.io.upload({ dtype: 'float32', shape, data: new Float32Array(noise.length) });
  const setup = since(t0);
  const buffer = (): HostTensor => ({ dtype: 'float32', shape, data: new Float32Array(noise.length) });
  // CPU: x and data each alternate between two host buffers (a step reads one, writes the other)
  const hostX = resident ? [] : [x as HostTensor, buffer()];
  const hostData = resident ? [] : [previous as HostTensor, buffer()];
  const hostEps: HostTensor | undefined = resident ? undefined : { dtype: 'float32', shape: [batch, parts.epsChannels, imageSize, imageSize], data: new Float32Array(batch * parts.epsChannels * imageSize * imageSize) };
  const t1 = counts();
  const total = plan.steps.length;
  try {
    for (let k = 0; k < total; k++) {
      if (options.signal?.aborted) throw new CancelledError();
      const step = plan.steps[k];
      const eps = await parts.denoise(x, new Float32Array(batch).fill(step.timestep), hostEps);
      const feeds: Record<string, HostTensor | ort.Tensor> = {
        [dpmStepIo.x]: x,
        [dpmStepIo.eps]: eps,
        [dpmStepIo.previous]: previous,
        [dpmStepIo.coefficients]: { dtype: 'float32', shape: [5], data: Float32Array.of(step.alpha, step.sigma, step.ratio, step.dataScale, step.correction) },
      };
      let out: Record<string, HostTensor | ort.Tensor>;
      if (resident) out = await parts.step.run(feeds);
      else out = await parts.step.runInto(feeds, { [dpmStepIo.next]: hostX[(k + 1) % 2], [dpmStepIo.data]: hostData[(k + 1) % 2] });
      dispose(eps);
      dispose(x);
      dispose(previous);
      x = out[dpmStepIo.next];
      previous = out[dpmStepIo.data];
      options.onStep?.({ step: k + 1, total, timestep: step.timestep });
    }
    const loop = since(t1);
    const t2 = counts();
    const host = 'dims' in x ? await parts.io.download(x) : x;
    const raw = Float32Array.from(host.data as Float32Array);
    const result = options.clampResult === false ? raw : clampSample(raw);
    const readback = since(t2);
    return { result, transfers: { perStep: { hostToDevice: loop.hostToDevice / total, deviceToHost: loop.deviceToHost / total }, setup, readback, steps: total, resident } };
  } finally {
    dispose(x);
    dispose(previous);
  }
}
