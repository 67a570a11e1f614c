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
import type { LoopTransfers } from './ddimDevice';
import { ddimInvertOnDevice, ddimSampleOnDevice, ddimStepGraph } from './ddimDevice';
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
}

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

  private unetFeeds(x: HostTensor | ort.Tensor, timesteps: Float32Array, conditioning: { batch: number; imageSize: number; physical: HostTensor | ort.Tensor; latent: HostTensor | ort.Tensor }) {
    return {
      [unetIo.x]: x,
      [unetIo.timesteps]: { dtype: 'float32' as const, shape: [conditioning.batch], data: timesteps },
      [unetIo.physical]: conditioning.physical,
      [unetIo.latent]: conditioning.latent,
    };
  }

  private hostConditioning(conditioning: Conditioning): { physical: HostTensor; latent: HostTensor } {
    const { batch, imageSize, physical, latent } = conditioning;
    const channels = this.weights.config.unet.inChannels - 3;
    return {
      physical: { dtype: 'float32', shape: [batch, channels, imageSize, imageSize], data: physical },
      latent: { dtype: 'float32', shape: [batch, this.weights.config.unet.latentDim], data: latent },
    };
  }

  /** One UNet pass: ε for x_t at the given original step indices. */
  async predictNoise(x: Float32Array, timesteps: Float32Array, conditioning: Conditioning): Promise<Float32Array> {
    const { batch, imageSize } = conditioning;
    const session = await this.session('unet', batch, imageSize);
    const hostX: HostTensor = { dtype: 'float32', shape: [batch, 3, imageSize, imageSize], data: x };
    let out = (await session.run(this.unetFeeds(hostX, timesteps, { batch, imageSize, ...this.hostConditioning(conditioning) })))[unetIo.eps];
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
   * Runs a DDIM loop where the UNet runs: the step session on the UNet's provider, the
   * conditioning uploaded once. Falls back to the host loop when the step session lands on
   * another provider than the UNet (it then could not share device buffers).
   */
  private async loop(kind: 'sample' | 'invert', start: Float32Array, conditioning: Conditioning, settings: DiffusionSettings, options: DdimOptions): Promise<Float32Array> {
    const { batch, imageSize } = conditioning;
    const diffusion = createDiffusion(settings);
    const unet = await this.session('unet', batch, imageSize);
    const clip = options.clipDenoised ?? true;
    const stochastic = kind === 'sample' && (options.eta ?? 0) > 0;
    const epsChannels = this.weights.config.unet.outChannels;
    const stepKey = `${this.key}:ddim-step:${imageSize}:${epsChannels}:${clip ? 'clip' : 'noclip'}${stochastic ? ':eta' : ''}`;
    this.keys.add(stepKey);
    const step = await this.backend.load(stepKey, () => ddimStepGraph({ imageSize, epsChannels, clip, stochastic }), { precision: 'float32', outputLocation: { x_next: 'gpu-buffer' } });
    if (step.provider !== unet.provider) {
      this.lastLoop = undefined;
      const denoiser = this.denoiser(conditioning);
      return kind === 'sample' ? ddimSample(diffusion, denoiser, start, batch, options) : ddimInvert(diffusion, denoiser, start, batch, options);
    }
    const io = new DeviceIo(this.backend, unet.provider);
    const host = this.hostConditioning(conditioning);
    const physical = await io.upload(host.physical);
    const latent = await io.upload(host.latent);
    try {
      const parts = {
        denoise: async (x: HostTensor | ort.Tensor, timesteps: Float32Array, into?: HostTensor) => {
          const feeds = this.unetFeeds(x, timesteps, { batch, imageSize, physical, latent });
          return into ? (await unet.runInto(feeds, { [unetIo.eps]: into }))[unetIo.eps] : (await unet.run(feeds))[unetIo.eps];
        },
        epsChannels,
        step,
        io,
        transfers: this.backend.transfers,
      };
      const run = kind === 'sample' ? ddimSampleOnDevice(diffusion, parts, start, batch, imageSize, options) : ddimInvertOnDevice(diffusion, parts, start, batch, imageSize, options);
      const { result, transfers } = await run;
      this.lastLoop = transfers;
      return result;
    } finally {
      for (const t of [physical, latent]) if ('dims' in t && onDevice(t)) t.dispose();
    }
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
