/**
 * The compute host's sessions and caches. One HostState holds every onnxruntime session of the
 * product: the sampling/scoring/estimation backend, the training backend and the loaded
 * DiffusionRig models. It knows no feature: what a feature builds once per host (an estimator
 * set, a face scorer) it keeps here with `shared`.
 */
import { ModelKit } from '../diffusion/kit';
import { OnnxBackend, type BackendOptions } from '../nn/backend';

/** Sessions options of the host's two backends (default: the provider order in force). */
export interface HostOptions {
  /** Sampling, scoring, estimation. */
  backend?: BackendOptions;
  /** Training (float16 is the run's choice, so the backend never converts by itself). */
  trainBackend?: BackendOptions;
}

export class HostState {
  readonly backend: OnnxBackend;
  readonly trainBackend: OnnxBackend;
  readonly kit: ModelKit;
  private readonly cache = new Map<string, unknown>();

  constructor(options: HostOptions = {}) {
    // No provider list unless the host was given one: the backend then reads RIG_STUDIO_PROVIDERS
    // (e.g. "cpu" or "cuda,cpu") itself, and only the default order skips a software WebGPU
    // adapter (passing the default order here made it "explicit" and training ran on llvmpipe,
    // 15× slower than the CPU provider)
    this.backend = new OnnxBackend({ ...options.backend });
    this.trainBackend = new OnnxBackend({ ...options.trainBackend, float16: 'never' });
    this.kit = new ModelKit(this.backend);
  }

  /** The one `key` object of this host, made by `make` on first use (its sessions live in the backends). */
  shared<T>(key: string, make: (state: HostState) => T): T {
    if (!this.cache.has(key)) this.cache.set(key, make(this));
    return this.cache.get(key) as T;
  }

  /** Frees every session. */
  async dispose(): Promise<void> {
    this.cache.clear();
    await this.kit.releaseIdle();
    await Promise.all([this.backend.disposeAll(), this.trainBackend.disposeAll()]);
  }
}
