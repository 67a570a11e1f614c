/**
 * Runs a loaded DiffusionRig model on ONNX Runtime: the latent encoder, the UNet as a DDIM
 * denoiser, sampling and inversion. One session per (network, image size) serves every batch
 * size (the batch dimension is symbolic), cached in the shared backend under `sessionKey`;
 * `dispose` frees them. Sampling and inversion run as device loops (ddimDevice.ts): on WebGPU
 * x_t, ε, the conditioning and the latent stay on the GPU between steps and only the result is
 * read back; on the CPU the loop writes into reused buffers. `lastLoop` holds the bytes the last
 * loop copied host↔device. On GPU providers the UNet and encoder run in float16 (GroupNorm,
 * softmax and the timestep embedding in float32) unless the runner is made with precision
 * 'float32'.
 */
import type * as ort from 'onnxruntime-node';
import type { DiffusionRigWeights } from '../models/diffusionrig';
import { encoderGraph, encoderIo, unetGraph, unetIo } from '../models/diffusionrig';
import type { HostTensor, ModelSession, OnnxBackend } from '../nn/backend';
import { onDevice } from '../nn/backend';
import { DeviceIo } from '../nn/device';
import type { DdimOptions, Denoiser } from './ddim';
import { ddimInvert, ddimSample } from './ddim';
import type { DeviceLoopParts, LoopTransfers } from './ddimDevice';
import { ddimInvertOnDevice, ddimSampleOnDevice, ddimStepGraph } from './ddimDevice';
import type { DpmSolverLoopOptions, DpmSolverOptions } from './dpmSolver';
import type { DpmSolverPlan } from './dpmSolver';
import { dpmSolverInversionPlan, dpmSolverPlan, dpmSolverSample } from './dpmSolver';
import { dpmSolverSampleOnDevice, dpmStepGraph, dpmStepIo } from './dpmSolverDevice';
import type { Graph } from '../nn/ir';
import { SeededRandom } from './rng';
import type { DiffusionSettings } from './schedule';
import { createDiffusion } from './schedule';

/** Per-model settings of a runner. */
export interface RunnerOptions {
  /** 'auto': float16 on GPU providers; 'float32': full precision on every provider; 'float16': on every provider. */
  precision?: 'auto' | 'float32' | 'float16';
}

/** Inputs shared by sampling and inversion. */
export interface Conditioning {
  batch: number;
  imageSize: number;
  /** Physical buffers [N, 9, S, S] (rendered, normal, albedo). */
  physical: Float32Array;
  /** Global latents [N, latentDim]. */
  latent: Float32Array;
  /** DiffusionRig-EMO v2 only: FLAME shape [N, 100] and identity [N, 150] (β, then the albedo code). */
  shape?: Float32Array;
  identity?: Float32Array;
}

/** The conditioning tensors the UNet reads besides x_t and the timesteps (host or device). */
type ConditionTensors = Record<string, HostTensor | ort.Tensor>;

/**
 * Starting noise x_T for `batch` images from a seed. With `shared`, every image gets the same
 * noise (upstream's released script starts all outputs from one fixed noise tensor).
 */
export function seededNoise(seed: number, batch: number, imageSize: number, shared = false): Float32Array {
  const per = 3 * imageSize * imageSize;
  const random = new SeededRandom(seed);
  if (!shared) return random.normals(batch * per);
  const one = random.normals(per);
  const out = new Float32Array(batch * per);
  for (let n = 0; n < batch; n++) out.set(one, n * per);
  return out;
}

/** A DiffusionRig model bound to a backend. */
export class DiffusionRigRunner {
  private readonly keys = new Set<string>();
  /** Provider of the last session used (for display). */
  lastProvider: string | undefined;
  /** Host↔device bytes of the last sampling or inversion loop. */
  lastLoop: LoopTransfers | undefined;

  constructor(
    readonly weights: DiffusionRigWeights,
    private readonly backend: OnnxBackend,
    /** Identifies the model in the session cache (e.g. its hash or path). */
    readonly key: string,
    readonly options: RunnerOptions = {},
  ) {}

  /** The backend key of a network's session at an image size (every batch size shares it). */
  sessionKey(kind: 'unet' | 'encoder', imageSize: number): string {
    const precision = this.options.precision ?? 'auto';
    return `${this.key}:${kind}:Nx${imageSize}${precision === 'auto' ? '' : `:${precision}`}`;
  }

  private async session(kind: 'unet' | 'encoder', batch: number, imageSize: number): Promise<ModelSession> {
    // a session loaded under the older per-batch key (prebuilt bytes, edit/model.ts) is used as it is
    const legacy = `${this.key}:${kind}:${batch}x${imageSize}`;
    const key = this.backend.has(legacy) ? legacy : this.sessionKey(kind, imageSize);
    this.keys.add(key);
    const parameters = { kind: 'initializers' as const, stateDict: this.weights.stateDict };
    const shape = { batch, imageSize, symbolicBatch: true };
    const precision = this.options.precision ?? 'auto';
    const session = await this.backend.load(
      key,
      () => (kind === 'unet' ? unetGraph(this.weights.config, parameters, shape) : encoderGraph(this.weights.config, parameters, shape)),
      // ε stays on the device on WebGPU: the DDIM step consumes it there
      kind === 'unet' ? { precision, outputLocation: { [unetIo.eps]: 'gpu-buffer' } } : { precision },
    );
    this.lastProvider = session.provider;
    return session;
  }

  /** Global latents [N, latentDim] of images [N, 3, S, S] in [-1, 1] (BatchNorm in eval mode). */
  async encode(images: Float32Array, batch: number, imageSize: number): Promise<Float32Array> {
    const session = await this.session('encoder', batch, imageSize);
    const out = await session.run({ [encoderIo.image]: { dtype: 'float32', shape: [batch, 3, imageSize, imageSize], data: images } });
    return out[encoderIo.latent].data as Float32Array;
  }

  private unetFeeds(x: HostTensor | ort.Tensor, timesteps: Float32Array, batch: number, condition: ConditionTensors): ConditionTensors {
    return { [unetIo.x]: x, [unetIo.timesteps]: { dtype: 'float32' as const, shape: [batch], data: timesteps }, ...condition };
  }

  /** The UNet's condition inputs as host tensors, checked against the model (shape and identity only for EMO v2). */
  private hostConditioning(conditioning: Conditioning): ConditionTensors {
    const { batch, imageSize, physical, latent } = conditioning;
    const unet = this.weights.config.unet;
    const channels = unet.inChannels - 3;
    const tensor = (name: string, data: Float32Array, shape: number[]): HostTensor => {
      const size = shape.reduce((a, d) => a * d, 1);
      if (data.length !== size) throw new Error(`${name}: ${data.length} values, the model needs [${shape.join(',')}] (${size})`);
      return { dtype: 'float32', shape, data };
    };
    const feeds: ConditionTensors = {
      [unetIo.physical]: tensor('physical buffers', physical, [batch, channels, imageSize, imageSize]),
      [unetIo.latent]: tensor('latent', latent, [batch, unet.latentDim]),
    };
    const face = unet.faceCondition;
    if (face) {
      if (!conditioning.shape || !conditioning.identity) throw new Error(`${this.key}: a DiffusionRig-EMO v2 model needs shape and identity codes with every sample`);
      feeds[unetIo.shape] = tensor('shape', conditioning.shape, [batch, face.shapeDim]);
      feeds[unetIo.identity] = tensor('identity', conditioning.identity, [batch, face.identityDim]);
    }
    return feeds;
  }

  /** One UNet pass: ε for x_t at the given original step indices. */
  async predictNoise(x: Float32Array, timesteps: Float32Array, conditioning: Conditioning): Promise<Float32Array> {
    const { batch, imageSize } = conditioning;
    const session = await this.session('unet', batch, imageSize);
    const hostX: HostTensor = { dtype: 'float32', shape: [batch, 3, imageSize, imageSize], data: x };
    let out = (await session.run(this.unetFeeds(hostX, timesteps, batch, this.hostConditioning(conditioning))))[unetIo.eps];
    if (onDevice(out)) {
      const device = out;
      out = await new DeviceIo(this.backend, session.provider).download(device);
      device.dispose();
    }
    const eps = out.data as Float32Array;
    // a learned-σ model outputs 6 channels; DDIM uses the ε half
    if (this.weights.config.unet.outChannels === 3) return eps;
    const per = 3 * imageSize * imageSize;
    const result = new Float32Array(batch * per);
    for (let n = 0; n < batch; n++) result.set(eps.subarray(2 * n * per, (2 * n + 1) * per), n * per);
    return result;
  }

  /** The UNet as a DDIM denoiser under fixed conditioning (host arrays in and out). */
  denoiser(conditioning: Conditioning): Denoiser {
    return (x, timesteps) => this.predictNoise(x, timesteps, conditioning);
  }

  /**
   * Runs a sampling loop where the UNet runs: the step session (`stepGraph`, cached under
   * `stepKey`) on the UNet's provider, the conditioning uploaded once. Falls back to `onHost`
   * when the step session lands on another provider than the UNet (it then could not share
   * device buffers).
   */
  private async deviceLoop(
    conditioning: Conditioning,
    step: { key: string; graph: () => Graph; deviceOutputs: string[] },
    onHost: () => Promise<Float32Array>,
    run: (parts: DeviceLoopParts) => Promise<{ result: Float32Array; transfers: LoopTransfers }>,
  ): Promise<Float32Array> {
    const { batch, imageSize } = conditioning;
    const unet = await this.session('unet', batch, imageSize);
    const stepKey = `${this.key}:${step.key}`;
    this.keys.add(stepKey);
    const outputLocation = Object.fromEntries(step.deviceOutputs.map((name) => [name, 'gpu-buffer' as const]));
    const stepSession = await this.backend.load(stepKey, step.graph, { precision: 'float32', outputLocation });
    if (stepSession.provider !== unet.provider) {
      this.lastLoop = undefined;
      return onHost();
    }
    const io = new DeviceIo(this.backend, unet.provider);
    const condition: ConditionTensors = {};
    try {
      for (const [name, tensor] of Object.entries(this.hostConditioning(conditioning))) condition[name] = await io.upload(tensor as HostTensor);
      const parts: DeviceLoopParts = {
        denoise: async (x: HostTensor | ort.Tensor, timesteps: Float32Array, into?: HostTensor) => {
          const feeds = this.unetFeeds(x, timesteps, batch, condition);
          return into ? (await unet.runInto(feeds, { [unetIo.eps]: into }))[unetIo.eps] : (await unet.run(feeds))[unetIo.eps];
        },
        epsChannels: this.weights.config.unet.outChannels,
        step: stepSession,
        io,
        transfers: this.backend.transfers,
      };
      const { result, transfers } = await run(parts);
      this.lastLoop = transfers;
      return result;
    } finally {
      for (const t of Object.values(condition)) if ('dims' in t && onDevice(t)) t.dispose();
    }
  }

  /** A DDIM loop (sampling or inversion) on the UNet's device. */
  private loop(kind: 'sample' | 'invert', start: Float32Array, conditioning: Conditioning, settings: DiffusionSettings, options: DdimOptions): Promise<Float32Array> {
    const { batch, imageSize } = conditioning;
    const diffusion = createDiffusion(settings);
    const clip = options.clipDenoised ?? true;
    const stochastic = kind === 'sample' && (options.eta ?? 0) > 0;
    const epsChannels = this.weights.config.unet.outChannels;
    const step = {
      key: `ddim-step:${imageSize}:${epsChannels}:${clip ? 'clip' : 'noclip'}${stochastic ? ':eta' : ''}`,
      graph: () => ddimStepGraph({ imageSize, epsChannels, clip, stochastic }),
      deviceOutputs: ['x_next'],
    };
    const onHost = () => {
      const denoiser = this.denoiser(conditioning);
      return kind === 'sample' ? ddimSample(diffusion, denoiser, start, batch, options) : ddimInvert(diffusion, denoiser, start, batch, options);
    };
    return this.deviceLoop(conditioning, step, onHost, (parts) =>
      kind === 'sample' ? ddimSampleOnDevice(diffusion, parts, start, batch, imageSize, options) : ddimInvertOnDevice(diffusion, parts, start, batch, imageSize, options),
    );
  }

  /**
   * DPM-Solver++ (multistep, order 2) in `steps` steps from `noise` (x_T) over the model's
   * unrespaced schedule (`settings.respacing` is ignored); the sample is clamped to [−1, 1],
   * and with `clipDenoised` every x̂0 too.
   */
  sampleDpmSolver(noise: Float32Array, conditioning: Conditioning, settings: DiffusionSettings, steps: number, options: DpmSolverLoopOptions & DpmSolverOptions = {}): Promise<Float32Array> {
    return this.dpmSolverLoop(dpmSolverPlan(settings, steps, options), noise, conditioning, options);
  }

  /**
   * The inversion that DPM-Solver++ in `steps` steps retraces: clean images up the sampler's own
   * time grid to t = 1 (dpmSolverInversionPlan), unclamped; `order` 1 is DDIM inversion on that grid.
   */
  invertDpmSolver(images: Float32Array, conditioning: Conditioning, settings: DiffusionSettings, steps: number, options: DpmSolverLoopOptions & DpmSolverOptions = {}): Promise<Float32Array> {
    return this.dpmSolverLoop(dpmSolverInversionPlan(settings, steps, options), images, conditioning, { ...options, clampResult: false });
  }

  private dpmSolverLoop(plan: DpmSolverPlan, start: Float32Array, conditioning: Conditioning, options: DpmSolverLoopOptions): Promise<Float32Array> {
    const { batch, imageSize } = conditioning;
    const epsChannels = this.weights.config.unet.outChannels;
    const clip = options.clipDenoised ?? false;
    const step = { key: `dpm-step:${imageSize}:${epsChannels}${clip ? ':clip' : ''}`, graph: () => dpmStepGraph({ imageSize, epsChannels, clip }), deviceOutputs: [dpmStepIo.next, dpmStepIo.data] };
    return this.deviceLoop(conditioning, step, () => dpmSolverSample(plan, this.denoiser(conditioning), start, batch, options), (parts) =>
      dpmSolverSampleOnDevice(plan, parts, start, batch, imageSize, options),
    );
  }

  /** DDIM sampling from `noise` (x_T). */
  sample(noise: Float32Array, conditioning: Conditioning, settings: DiffusionSettings, options: DdimOptions = {}): Promise<Float32Array> {
    return this.loop('sample', noise, conditioning, settings, options);
  }

  /** DDIM inversion of clean images to their noise. */
  invert(images: Float32Array, conditioning: Conditioning, settings: DiffusionSettings, options: DdimOptions = {}): Promise<Float32Array> {
    return this.loop('invert', images, conditioning, settings, options);
  }

  /** Frees every session this runner created. */
  async dispose(): Promise<void> {
    await Promise.all([...this.keys].map((k) => this.backend.dispose(k)));
    this.keys.clear();
  }
}
