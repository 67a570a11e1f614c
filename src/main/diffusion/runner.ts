/**
 * Runs a loaded DiffusionRig model on ONNX Runtime: the latent encoder, the UNet as a DDIM
 * denoiser, sampling and inversion. Sessions are built per (network, batch, image size) and
 * cached in the shared backend under this model's key; `dispose` frees them.
 */
import type { DiffusionRigWeights } from '../models/diffusionrig';
import { encoderGraph, encoderIo, unetGraph, unetIo } from '../models/diffusionrig';
import type { ModelSession, OnnxBackend } from '../nn/backend';
import type { DdimOptions, Denoiser } from './ddim';
import { ddimInvert, ddimSample } from './ddim';
import { SeededRandom } from './rng';
import type { DiffusionSettings } from './schedule';
import { createDiffusion } from './schedule';

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

  constructor(
    readonly weights: DiffusionRigWeights,
    private readonly backend: OnnxBackend,
    /** Identifies the model in the session cache (e.g. its hash or path). */
    readonly key: string,
  ) {}

  private async session(kind: 'unet' | 'encoder', batch: number, imageSize: number): Promise<ModelSession> {
    const key = `${this.key}:${kind}:${batch}x${imageSize}`;
    this.keys.add(key);
    const parameters = { kind: 'initializers' as const, stateDict: this.weights.stateDict };
    const session = await this.backend.load(key, () =>
      kind === 'unet'
        ? unetGraph(this.weights.config, parameters, { batch, imageSize })
        : encoderGraph(this.weights.config, parameters, { batch, imageSize }),
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

  /** One UNet pass: ε for x_t at the given original step indices. */
  async predictNoise(x: Float32Array, timesteps: Float32Array, conditioning: Conditioning): Promise<Float32Array> {
    const { batch, imageSize, physical, latent } = conditioning;
    const session = await this.session('unet', batch, imageSize);
    const channels = this.weights.config.unet.inChannels - 3;
    const out = await session.run({
      [unetIo.x]: { dtype: 'float32', shape: [batch, 3, imageSize, imageSize], data: x },
      [unetIo.timesteps]: { dtype: 'float32', shape: [batch], data: timesteps },
      [unetIo.physical]: { dtype: 'float32', shape: [batch, channels, imageSize, imageSize], data: physical },
      [unetIo.latent]: { dtype: 'float32', shape: [batch, this.weights.config.unet.latentDim], data: latent },
    });
    const eps = out[unetIo.eps].data as Float32Array;
    // a learned-σ model outputs 6 channels; DDIM uses the ε half
    if (this.weights.config.unet.outChannels === 3) return eps;
    const per = 3 * imageSize * imageSize;
    const result = new Float32Array(batch * per);
    for (let n = 0; n < batch; n++) result.set(eps.subarray(2 * n * per, (2 * n + 1) * per), n * per);
    return result;
  }

  /** The UNet as a DDIM denoiser under fixed conditioning. */
  denoiser(conditioning: Conditioning): Denoiser {
    return (x, timesteps) => this.predictNoise(x, timesteps, conditioning);
  }

  /** DDIM sampling from `noise` (x_T). */
  sample(noise: Float32Array, conditioning: Conditioning, settings: DiffusionSettings, options: DdimOptions = {}): Promise<Float32Array> {
    return ddimSample(createDiffusion(settings), this.denoiser(conditioning), noise, conditioning.batch, options);
  }

  /** DDIM inversion of clean images to their noise. */
  invert(images: Float32Array, conditioning: Conditioning, settings: DiffusionSettings, options: DdimOptions = {}): Promise<Float32Array> {
    return ddimInvert(createDiffusion(settings), this.denoiser(conditioning), images, conditioning.batch, options);
  }

  /** Frees every session this runner created. */
  async dispose(): Promise<void> {
    await Promise.all([...this.keys].map((k) => this.backend.dispose(k)));
    this.keys.clear();
  }
}
