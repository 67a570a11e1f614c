/**
 * The one place the app talks to ONNX Runtime. Execution providers are tried in order from a
 * frozen table (user-overridable); the provider that actually created the session is recorded
 * on it and in session-log.ts (for the Engine panel); feeds are validated against the
 * session's inputs (names, dtypes, shapes) with errors that name the model; sessions are
 * cached by key and disposed explicitly; runs are serialised on providers that cannot run one
 * session concurrently. On GPU providers a float32 graph is converted to float16 first
 * (float16.ts) unless the caller opts out.
 */
import * as ort from 'onnxruntime-node';
import { convertGraphToFloat16 } from './float16';
import type { DType, Graph, Shape } from './ir';
import { serializeGraph } from './serialize';
import { recordSession } from './session-log';

/** What we know about each execution provider. */
export interface ProviderInfo {
  /** Name onnxruntime-node expects in `executionProviders`. */
  ortName: string;
  gpu: boolean;
  /** False when one session must not run twice at once (DirectML, CoreML). */
  concurrentRuns: boolean;
}

/** The frozen provider table. */
export const providers: Readonly<Record<ProviderName, ProviderInfo>> = Object.freeze({
  cuda: Object.freeze({ ortName: 'cuda', gpu: true, concurrentRuns: true }),
  dml: Object.freeze({ ortName: 'dml', gpu: true, concurrentRuns: false }),
  coreml: Object.freeze({ ortName: 'coreml', gpu: true, concurrentRuns: false }),
  webgpu: Object.freeze({ ortName: 'webgpu', gpu: true, concurrentRuns: false }),
  cpu: Object.freeze({ ortName: 'cpu', gpu: false, concurrentRuns: true }),
});

export type ProviderName = 'cuda' | 'dml' | 'coreml' | 'webgpu' | 'cpu';

/** Default order: the first that creates a session wins. */
export const defaultProviderOrder: readonly ProviderName[] = Object.freeze(['cuda', 'dml', 'coreml', 'cpu']);

/** Parses a user list like "cuda,cpu" into provider names; throws on unknown names. */
export function parseProviderList(text: string): ProviderName[] {
  const names = text.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  for (const n of names) {
    if (!(n in providers)) throw new Error(`unknown execution provider '${n}' (known: ${Object.keys(providers).join(', ')})`);
  }
  if (names.length === 0) throw new Error('empty execution provider list');
  return names as ProviderName[];
}

/**
 * The user's provider order from the environment (RIG_STUDIO_PROVIDERS="cuda,cpu"), or the
 * default order when unset.
 */
export function providerOrderFromEnvironment(env: NodeJS.ProcessEnv = process.env): readonly ProviderName[] {
  const text = env.RIG_STUDIO_PROVIDERS;
  return text && text.trim() ? parseProviderList(text) : defaultProviderOrder;
}

/** Session settings. */
export interface BackendOptions {
  /** Providers to try, in order (default: defaultProviderOrder). */
  providers?: readonly ProviderName[];
  /** Threads inside one op (0 = ORT default). */
  intraOpThreads?: number;
  interOpThreads?: number;
  graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
  /** 'auto' converts to float16 on GPU providers only. */
  float16?: 'auto' | 'never';
  /** ORT's CPU arena: faster, but ~40% more peak RSS. Default true. */
  cpuMemArena?: boolean;
}

/** A plain tensor as the app's model code passes it around. */
export interface HostTensor {
  dtype: DType;
  shape: Shape;
  data: Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array | Uint16Array;
}

function isHostTensor(value: HostTensor | ort.Tensor): value is HostTensor {
  return !('dims' in value);
}

interface ExpectedInput {
  dtype: DType;
  shape: Shape;
}

/** One loaded model. */
export class ModelSession {
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;

  constructor(
    readonly key: string,
    private readonly session: ort.InferenceSession,
    /** The provider that actually created the session. */
    readonly provider: ProviderName,
    /** True when the graph was converted to float16. */
    readonly float16: boolean,
    private readonly expected: ReadonlyMap<string, ExpectedInput> | null,
    /** Providers tried before this one, with why they failed. */
    readonly fallbacks: readonly { provider: ProviderName; error: string }[],
  ) {}

  get inputNames(): readonly string[] {
    return this.session.inputNames;
  }

  get outputNames(): readonly string[] {
    return this.session.outputNames;
  }

  /** Validates feeds and runs; returns the requested (default: all) outputs. */
  async run(feeds: Record<string, HostTensor | ort.Tensor>, fetches?: readonly string[]): Promise<Record<string, ort.Tensor>> {
    if (this.disposed) throw new Error(`model ${this.key}: session already disposed`);
    const ortFeeds = this.validate(feeds);
    if (fetches) {
      const unknown = fetches.filter((f) => !this.session.outputNames.includes(f));
      if (unknown.length > 0) throw new Error(`model ${this.key}: unknown outputs ${unknown.join(', ')} (has ${this.session.outputNames.join(', ')})`);
    }
    const call = () => (fetches ? this.session.run(ortFeeds, fetches as string[]) : this.session.run(ortFeeds));
    if (providers[this.provider].concurrentRuns) return (await call()) as Record<string, ort.Tensor>;
    const result = this.queue.then(call, call);
    this.queue = result.catch(() => undefined);
    return (await result) as Record<string, ort.Tensor>;
  }

  private validate(feeds: Record<string, HostTensor | ort.Tensor>): Record<string, ort.Tensor> {
    const names = this.session.inputNames;
    const missing = names.filter((n) => !(n in feeds));
    const unexpected = Object.keys(feeds).filter((n) => !names.includes(n));
    if (missing.length > 0 || unexpected.length > 0) {
      const parts = [];
      if (missing.length > 0) parts.push(`missing inputs: ${missing.join(', ')}`);
      if (unexpected.length > 0) parts.push(`unexpected inputs: ${unexpected.join(', ')}`);
      throw new Error(`model ${this.key}: ${parts.join('; ')} (expects ${names.join(', ')})`);
    }
    const out: Record<string, ort.Tensor> = {};
    for (const name of names) {
      const feed = feeds[name];
      const tensor = isHostTensor(feed) ? new ort.Tensor(feed.dtype as 'float32', feed.data as Float32Array, [...feed.shape]) : feed;
      const want = this.expected?.get(name);
      if (want) {
        const dims = tensor.dims;
        if (tensor.type !== want.dtype || dims.length !== want.shape.length || dims.some((d, i) => d !== want.shape[i])) {
          throw new Error(`model ${this.key}: input ${name} must be ${want.dtype}[${want.shape.join(',')}], got ${tensor.type}[${dims.join(',')}]`);
        }
      }
      out[name] = tensor;
    }
    return out;
  }

  /** Frees the native session; later runs throw. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.queue;
    await this.session.release();
  }
}

/** Creates and caches sessions. */
export class OnnxBackend {
  private readonly sessions = new Map<string, Promise<ModelSession>>();

  constructor(readonly options: BackendOptions = {}) {}

  /**
   * The session for `key`, building it with `build` the first time. A Graph is serialised
   * (converted to float16 first on GPU providers); bytes are used as they are.
   */
  load(key: string, build: () => Graph | Uint8Array): Promise<ModelSession> {
    let pending = this.sessions.get(key);
    if (!pending) {
      pending = this.create(key, build());
      pending.catch(() => this.sessions.delete(key));
      this.sessions.set(key, pending);
    }
    return pending;
  }

  /** True when a session for `key` is cached. */
  has(key: string): boolean {
    return this.sessions.has(key);
  }

  private async create(key: string, model: Graph | Uint8Array): Promise<ModelSession> {
    const order = this.options.providers ?? providerOrderFromEnvironment();
    const fallbacks: { provider: ProviderName; error: string }[] = [];
    const expected = model instanceof Uint8Array ? null : new Map(model.inputs.map((v) => [v.name, { dtype: v.dtype, shape: v.shape }]));
    let fp32Bytes: Uint8Array | undefined;
    let fp16Bytes: Uint8Array | undefined;
    const built = new Set(ort.listSupportedBackends().map((backend) => backend.name));
    for (const provider of order) {
      const info = providers[provider];
      if (!built.has(info.ortName)) {
        fallbacks.push({ provider, error: 'not available in this onnxruntime-node build' });
        continue;
      }
      const useFloat16 = info.gpu && this.options.float16 !== 'never' && !(model instanceof Uint8Array);
      let bytes: Uint8Array;
      if (model instanceof Uint8Array) bytes = model;
      else if (useFloat16) bytes = fp16Bytes ??= serializeGraph(convertGraphToFloat16(model));
      else bytes = fp32Bytes ??= serializeGraph(model);
      try {
        const sessionOptions: ort.InferenceSession.SessionOptions = {
          executionProviders: [info.ortName],
          graphOptimizationLevel: this.options.graphOptimizationLevel ?? 'all',
          enableCpuMemArena: this.options.cpuMemArena ?? true,
        };
        // onnxruntime-node rejects undefined thread counts, so set them only when given
        if (this.options.intraOpThreads !== undefined) sessionOptions.intraOpNumThreads = this.options.intraOpThreads;
        if (this.options.interOpThreads !== undefined) sessionOptions.interOpNumThreads = this.options.interOpThreads;
        const session = await ort.InferenceSession.create(bytes, sessionOptions);
        recordSession({ key, provider, fallbacks: [...fallbacks], float16: useFloat16, intraOpThreads: this.options.intraOpThreads ?? null, at: new Date() });
        return new ModelSession(key, session, provider, useFloat16, expected, fallbacks);
      } catch (error) {
        fallbacks.push({ provider, error: error instanceof Error ? error.message : String(error) });
      }
    }
    recordSession({ key, provider: null, fallbacks, float16: false, intraOpThreads: this.options.intraOpThreads ?? null, at: new Date() });
    throw new Error(`model ${key}: no execution provider could load it:\n${fallbacks.map((f) => `  ${f.provider}: ${f.error}`).join('\n')}`);
  }

  /** Disposes the session for `key` (no-op when absent). */
  async dispose(key: string): Promise<void> {
    const pending = this.sessions.get(key);
    if (!pending) return;
    this.sessions.delete(key);
    const session = await pending.catch(() => undefined);
    await session?.dispose();
  }

  /** Disposes every cached session. */
  async disposeAll(): Promise<void> {
    await Promise.all([...this.sessions.keys()].map((k) => this.dispose(k)));
  }
}
