/**
 * The one place the app talks to ONNX Runtime. Execution providers are tried in order from a
 * frozen table (providers.ts: default order per platform, user-overridable); the
 * provider that actually created the session is recorded on it and in sessionLog.ts (for the
 * Engine panel), with why each earlier one was skipped (CUDA's missing files name the install
 * command; a software WebGPU adapter is skipped unless asked for); feeds are validated against
 * the session's own input metadata (names, dtypes, shapes; a symbolic dimension such as the
 * batch 'N' takes any size, the same across inputs) with errors that name the model; sessions
 * are cached by key and disposed explicitly; runs are serialised on providers that cannot run
 * one session concurrently. On GPU providers a float32 Graph is converted to float16 first
 * (float16.ts) unless the backend or the load says float32; prebuilt bytes can bring their
 * float16 variant ({ float32, float16 }).
 *
 * Tensors on the device (the nn-level API for loops: DDIM in diffusion/ddimDevice.ts, and for
 * the trainer and the compute host):
 * - `load(key, build, { outputLocation })`: on WebGPU, outputs named 'gpu-buffer' stay in GPU
 *   buffers (`{ eps: 'gpu-buffer' }` per output, or 'gpu-buffer' for all outputs of a Graph);
 *   other providers ignore it (their outputs are always on the CPU).
 * - `session.run(feeds)` takes host tensors or ort.Tensors, including gpu-buffer outputs of an
 *   earlier run, which stay on the device; it returns gpu-buffer tensors for device outputs.
 *   Dispose a device tensor (`tensor.dispose()`) when it is no longer fed anywhere.
 * - Never call `getData()` on a gpu-buffer tensor: onnxruntime-node 1.30 terminates the process.
 *   Read back with `DeviceIo.download` (nn/device.ts: a run of an Identity session whose output
 *   is on the CPU), or fetch the scalars you need from outputs left on the CPU (loss, progress).
 *   `DeviceIo.upload` puts host data on the device once (e.g. the conditioning of a loop).
 * - `session.runInto(feeds, outputs)`: on the CPU, results are written into caller-owned
 *   buffers, so a loop reuses them instead of allocating outputs every step.
 * - `session.transfers` / `backend.transfers`: bytes copied host↔device by feeds on the host and
 *   outputs on the CPU of GPU sessions (0 on the CPU provider); diff them around a step.
 * - `onDevice(tensor)`: true for a gpu-buffer tensor.
 */
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describeAdapter, ensureRuntimeDir, webGpuAdapter } from './adapter';
import { convertGraphToFloat16 } from './float16';
import type { DType, Shape } from './ir';
import { GraphBuilder } from './builder';
import { Graph } from './ir';
import { serializeGraph } from './serialize';
import { type ProviderName, providerOrderFromEnvironment, providers } from './providers';
import { recordSession } from './sessionLog';

// The provider table lives in providers.ts (the session log needs it too); the backend is its public face.
export type { ProviderInfo, ProviderName } from './providers';
export { defaultOrderReason, defaultProviderOrder, defaultProviderOrderFor, parseProviderList, providerOrderFromEnvironment, providers } from './providers';

/** Session settings. */
export interface BackendOptions {
  /** Providers to try, in order (default: RIG_STUDIO_PROVIDERS, else defaultProviderOrder). */
  providers?: readonly ProviderName[];
  /** Threads inside one op (0 = ORT default). */
  intraOpThreads?: number;
  interOpThreads?: number;
  graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
  /** 'auto' converts to float16 on GPU providers only. */
  float16?: 'auto' | 'never';
  /** ORT's CPU arena: faster, but ~40% more peak RSS. Default true. */
  cpuMemArena?: boolean;
  /**
   * Writes an onnxruntime profile (per-node times, JSON) of every session to
   * `<prefix>_<date>.json` when the session is disposed. Default: RIG_STUDIO_ORT_PROFILE.
   */
  profilePrefix?: string;
  /**
   * Use WebGPU on a software rasteriser (llvmpipe, SwiftShader, WARP). Default: only when the
   * provider order was given explicitly (options or RIG_STUDIO_PROVIDERS); in the default order
   * such an adapter is skipped because the CPU provider is faster on the same CPU.
   */
  allowSoftwareAdapter?: boolean;
}

/** Where a session leaves an output: host memory, or a GPU buffer (WebGPU only). */
export type OutputLocation = 'cpu' | 'gpu-buffer';

/** Per-model settings of one load. */
export interface LoadOptions {
  /**
   * 'auto' (default): float16 on GPU providers unless the backend says never; 'float32': keep
   * float32 everywhere (per model: e.g. a model whose float16 error is too large); 'float16':
   * convert on every provider, also the CPU (whose float16 kernels are few: it may not load).
   */
  precision?: 'auto' | 'float32' | 'float16';
  /**
   * Where outputs stay on a WebGPU session: one location for all, or per output name (the rest
   * on the CPU), or a function giving the record, called only when a WebGPU session is made.
   * Ignored on other providers, whose outputs are always on the CPU.
   */
  outputLocation?: OutputLocation | Readonly<Record<string, OutputLocation>> | (() => Readonly<Record<string, OutputLocation>>);
  /**
   * This session's CPU arena (default: the backend's cpuMemArena). Off, every large tensor is
   * allocated and freed as it lives, so the process's peak memory is the graph's peak instead
   * of the arena's high-water mark (the train step keeps it off: a lower peak, a little slower).
   */
  cpuMemArena?: boolean;
}

/**
 * A model as ONNX bytes built elsewhere (e.g. in a worker), with its float16 variant when the
 * builder made one: GPU providers use `float16` when given, else run `float32` as it is.
 */
export interface PrebuiltModel {
  float32: Uint8Array;
  float16?: Uint8Array;
}

/** What `load` accepts: a Graph (converted as needed), plain bytes, or both variants. */
export type ModelSource = Graph | Uint8Array | PrebuiltModel;

/** A plain tensor as the app's model code passes it around. */
export interface HostTensor {
  dtype: DType;
  shape: Shape;
  data: Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array | Uint16Array;
}

function isHostTensor(value: HostTensor | ort.Tensor): value is HostTensor {
  return !('dims' in value);
}

/** Bytes copied between host and device by the app's feeds and CPU-located outputs. */
export interface TransferCounts {
  hostToDevice: number;
  deviceToHost: number;
}

interface ExpectedInput {
  dtype: string;
  /** A number, or a symbol shared by every input that has it. */
  shape: readonly (number | string)[];
}

/** True when a tensor lives in a GPU buffer (never call getData() on it: see file header). */
export function onDevice(tensor: ort.Tensor): boolean {
  return tensor.location === 'gpu-buffer';
}

function tensorBytes(tensor: ort.Tensor): number {
  const bytesPer = tensor.type === 'float16' ? 2 : tensor.type === 'int64' || tensor.type === 'float64' ? 8 : tensor.type === 'bool' || tensor.type === 'uint8' || tensor.type === 'int8' ? 1 : 4;
  return tensor.size * bytesPer;
}

/** One loaded model. */
export class ModelSession {
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;
  /** Bytes this session's runs copied host↔device (0 on the CPU provider). */
  readonly transfers: TransferCounts = { hostToDevice: 0, deviceToHost: 0 };

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
    /** Output name → where it lands (absent: the CPU). */
    private readonly locations: ReadonlyMap<string, OutputLocation> = new Map(),
    /** Adds to the backend's totals. */
    private readonly counter?: TransferCounts,
    /** The session profiles its runs (BackendOptions.profilePrefix): written on dispose. */
    private readonly profiling = false,
  ) {}

  get inputNames(): readonly string[] {
    return this.session.inputNames;
  }

  get outputNames(): readonly string[] {
    return this.session.outputNames;
  }

  /** Where `output` lands: 'gpu-buffer' only for device-kept outputs of a WebGPU session. */
  outputLocation(output: string): OutputLocation {
    return this.locations.get(output) ?? 'cpu';
  }

  /**
   * Validates feeds and runs; returns the requested (default: all) outputs. Feeds may be host
   * tensors or ort.Tensors, including gpu-buffer outputs of an earlier run (they stay on the
   * device). Outputs the session keeps on the device come back as gpu-buffer tensors: feed
   * them on, read them through a session with CPU outputs (DeviceIo.download), dispose them.
   */
  async run(feeds: Record<string, HostTensor | ort.Tensor>, fetches?: readonly string[]): Promise<Record<string, ort.Tensor>> {
    if (this.disposed) throw new Error(`model ${this.key}: session already disposed`);
    const ortFeeds = this.validate(feeds);
    if (fetches) {
      const unknown = fetches.filter((f) => !this.session.outputNames.includes(f));
      if (unknown.length > 0) throw new Error(`model ${this.key}: unknown outputs ${unknown.join(', ')} (has ${this.session.outputNames.join(', ')})`);
    }
    const call = async () => {
      try {
        const out = (await (fetches ? this.session.run(ortFeeds, fetches as string[]) : this.session.run(ortFeeds))) as Record<string, ort.Tensor>;
        this.count(ortFeeds, out);
        return out;
      } catch (error) {
        if (!providers[this.provider].gpu) throw error;
        // a GPU run can fail mid-job (device lost, out of memory): say where and what to do
        throw new Error(
          `model ${this.key}: run failed on the ${this.provider} provider: ${error instanceof Error ? error.message : String(error)} ` +
            `(run on the CPU with RIG_STUDIO_PROVIDERS=cpu, or retry: the next session is created afresh)`,
          { cause: error },
        );
      }
    };
    if (providers[this.provider].concurrentRuns) return await call();
    const result = this.queue.then(call, call);
    this.queue = result.catch(() => undefined);
    return await result;
  }

  /**
   * Runs into caller-owned host buffers (`outputs`: name → tensor of the output's exact shape):
   * on the CPU provider ORT writes the results into them, so a loop reuses its buffers instead
   * of allocating new outputs each step. Returns the same buffers. Not for outputs the session
   * keeps on the device.
   */
  async runInto(feeds: Record<string, HostTensor | ort.Tensor>, outputs: Record<string, HostTensor>): Promise<Record<string, HostTensor>> {
    await this.runPartlyInto(feeds, outputs);
    return outputs;
  }

  /**
   * `runInto` for some outputs, with `others` (default: every other output) allocated by
   * onnxruntime as `run` does; returns all of them, the `into` ones as tensors over the
   * caller's buffers.
   *
   * A buffer of `into` may also be fed (an update written over its own input, as the train
   * step does with parameters and Adam moments) only when the graph computes that output
   * after every node that reads the input: ONNX has no control dependencies, so that order
   * must follow from the data (see train/adam.ts). If a build ever stops writing into the
   * buffers, the results are copied in after the run, which keeps that case correct too.
   */
  async runPartlyInto(
    feeds: Record<string, HostTensor | ort.Tensor>,
    into: Record<string, HostTensor | ort.Tensor>,
    others: readonly string[] = this.session.outputNames.filter((name) => !(name in into)),
  ): Promise<Record<string, ort.Tensor>> {
    if (this.disposed) throw new Error(`model ${this.key}: session already disposed`);
    const ortFeeds = this.validate(feeds);
    const fetches: Record<string, ort.Tensor | null> = {};
    const given: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(into)) {
      if (!this.session.outputNames.includes(name)) throw new Error(`model ${this.key}: unknown output ${name} (has ${this.session.outputNames.join(', ')})`);
      if (this.outputLocation(name) !== 'cpu') throw new Error(`model ${this.key}: output ${name} stays on the device; runInto takes host outputs only`);
      given[name] = fetches[name] = isHostTensor(t) ? new ort.Tensor(t.dtype as 'float32', t.data as Float32Array, [...t.shape]) : t;
    }
    for (const name of others) {
      if (!this.session.outputNames.includes(name)) throw new Error(`model ${this.key}: unknown output ${name} (has ${this.session.outputNames.join(', ')})`);
      if (!(name in fetches)) fetches[name] = null;
    }
    const call = async () => {
      const out = (await this.session.run(ortFeeds, fetches)) as Record<string, ort.Tensor>;
      this.count(ortFeeds, out);
      // onnxruntime-node 1.30 writes into the given buffers (and returns copies, dropped here);
      // probed once per process, copying should a build ever stop doing so
      const inPlace = await writesIntoGivenBuffers();
      const result: Record<string, ort.Tensor> = { ...out };
      for (const [name, t] of Object.entries(given)) {
        const data = out[name].data as Float32Array;
        if (!inPlace && data.buffer !== (t.data as Float32Array).buffer) (t.data as Float32Array).set(data);
        result[name] = t;
      }
      return result;
    };
    if (providers[this.provider].concurrentRuns) return await call();
    const result = this.queue.then(call, call);
    this.queue = result.catch(() => undefined);
    return await result;
  }

  private count(feeds: Record<string, ort.Tensor>, outputs: Record<string, ort.Tensor>): void {
    if (!providers[this.provider].gpu) return;
    let up = 0;
    let down = 0;
    for (const t of Object.values(feeds)) if (!onDevice(t)) up += tensorBytes(t);
    for (const t of Object.values(outputs)) if (!onDevice(t)) down += tensorBytes(t);
    for (const c of this.counter ? [this.transfers, this.counter] : [this.transfers]) {
      c.hostToDevice += up;
      c.deviceToHost += down;
    }
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
    // symbolic dimensions (e.g. the batch 'N') must agree across inputs
    const bound = new Map<string, { size: number; input: string }>();
    for (const name of names) {
      const feed = feeds[name];
      const tensor = isHostTensor(feed) ? new ort.Tensor(feed.dtype as 'float32', feed.data as Float32Array, [...feed.shape]) : feed;
      const want = this.expected?.get(name);
      if (want) {
        const dims = tensor.dims;
        const describe = () => `${want.dtype}[${want.shape.join(',')}]`;
        if (tensor.type !== want.dtype || dims.length !== want.shape.length) {
          throw new Error(`model ${this.key}: input ${name} must be ${describe()}, got ${tensor.type}[${dims.join(',')}]`);
        }
        want.shape.forEach((d, i) => {
          if (typeof d === 'number') {
            if (dims[i] !== d) throw new Error(`model ${this.key}: input ${name} must be ${describe()}, got ${tensor.type}[${dims.join(',')}]`);
            return;
          }
          if (!(dims[i] > 0)) throw new Error(`model ${this.key}: input ${name} dimension ${d} must be positive, got ${dims[i]}`);
          const seen = bound.get(d);
          if (seen && seen.size !== dims[i]) {
            throw new Error(`model ${this.key}: input ${name} has ${d}=${dims[i]} but ${seen.input} has ${d}=${seen.size} (${describe()})`);
          }
          if (!seen) bound.set(d, { size: dims[i], input: name });
        });
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
    if (this.profiling) this.session.endProfiling();
    await this.session.release();
  }
}

let inPlaceProbe: Promise<boolean> | undefined;

/**
 * Whether this onnxruntime-node build writes a run's results into the output buffers the
 * caller gives (true for 1.30 on every provider: the binding hands ORT the caller's memory as
 * the output); found by running y = x + 1 into a NaN-filled buffer on the CPU, once.
 */
export function writesIntoGivenBuffers(): Promise<boolean> {
  inPlaceProbe ??= (async () => {
    const b = new GraphBuilder();
    b.output(b.add(b.input('x', 'float32', [4]), b.scalar(1)), 'y');
    const session = await ort.InferenceSession.create(serializeGraph(b.graph), { executionProviders: ['cpu'] });
    try {
      const y = new Float32Array(4).fill(Number.NaN);
      await session.run({ x: new ort.Tensor('float32', Float32Array.of(1, 2, 3, 4), [4]) }, { y: new ort.Tensor('float32', y, [4]) });
      return y.every((v, i) => v === i + 2);
    } finally {
      await session.release();
    }
  })();
  return inPlaceProbe;
}

function isPrebuilt(model: ModelSource): model is PrebuiltModel {
  return !(model instanceof Uint8Array) && !(model instanceof Graph);
}

/** The ORT binary folder (where the CUDA provider's files would be installed). */
function ortBinaryFolders(): string[] {
  try {
    const root = join(dirname(createRequire(__filename).resolve('onnxruntime-node')), '..', 'bin');
    return readdirSync(root).map((napi) => join(root, napi, process.platform, process.arch));
  } catch {
    return [];
  }
}

/** True when the CUDA provider's library is installed next to onnxruntime-node's binding. */
export function cudaFilesInstalled(): boolean {
  const file = process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so';
  return ortBinaryFolders().some((folder) => existsSync(join(folder, file)));
}

/** What the Engine panel says instead of "Failed to load shared library" when CUDA's files are absent. */
export const cudaInstallHint =
  'CUDA files not installed — how to install: on a machine with an NVIDIA driver, CUDA 12 and cuDNN 9, run `npm run install-cuda` ' +
  "(it fetches onnxruntime-node's CUDA 12 provider, which npm install leaves out); without them Rig Studio uses WebGPU, which needs no download";

/** Whether this onnxruntime-node can use a provider at all, and why not. */
export function providerAvailability(name: ProviderName): { available: boolean; reason: string | null } {
  const backends = ort.listSupportedBackends();
  const entry = backends.find((b) => b.name === providers[name].ortName);
  if (!entry) return { available: false, reason: 'not available in this onnxruntime-node build' };
  // cuda is listed with bundled: false: its files come from a separate download at install
  if (!entry.bundled && name === 'cuda' && !cudaFilesInstalled()) return { available: false, reason: cudaInstallHint };
  return { available: true, reason: null };
}

/** Creates and caches sessions. */
export class OnnxBackend {
  private readonly sessions = new Map<string, Promise<ModelSession>>();
  /** Bytes all sessions of this backend copied host↔device (see ModelSession.transfers). */
  readonly transfers: TransferCounts = { hostToDevice: 0, deviceToHost: 0 };

  constructor(readonly options: BackendOptions = {}) {}

  /**
   * The session for `key`, building it with `build` the first time (called with each provider
   * tried, until one loads; return the same object for providers that share a model). A Graph is serialised
   * (converted to float16 first on GPU providers); plain bytes are used as they are; a
   * PrebuiltModel supplies its own float16 variant.
   */
  load(key: string, build: (provider: ProviderName) => ModelSource, options: LoadOptions = {}): Promise<ModelSession> {
    let pending = this.sessions.get(key);
    if (!pending) {
      pending = this.create(key, build, options);
      pending.catch(() => this.sessions.delete(key));
      this.sessions.set(key, pending);
    }
    return pending;
  }

  /** True when a session for `key` is cached. */
  has(key: string): boolean {
    return this.sessions.has(key);
  }

  private async create(key: string, build: (provider: ProviderName) => ModelSource, options: LoadOptions): Promise<ModelSession> {
    const explicitOrder = this.options.providers !== undefined || Boolean(process.env.RIG_STUDIO_PROVIDERS?.trim());
    const order = this.options.providers ?? providerOrderFromEnvironment();
    const allowSoftware = this.options.allowSoftwareAdapter ?? explicitOrder;
    const fallbacks: { provider: ProviderName; error: string }[] = [];
    let built: { model: ModelSource; fp32Bytes?: Uint8Array; fp16Bytes?: Uint8Array } | undefined;
    for (const provider of order) {
      const info = providers[provider];
      const availability = providerAvailability(provider);
      if (!availability.available) {
        fallbacks.push({ provider, error: availability.reason ?? 'not available' });
        continue;
      }
      if (provider === 'webgpu') {
        ensureRuntimeDir();
        if (!allowSoftware) {
          const adapter = await webGpuAdapter();
          if (!adapter.ok || adapter.software) {
            fallbacks.push({ provider, error: adapter.ok ? `only a software adapter: ${describeAdapter(adapter)} (the CPU provider is faster; ask for webgpu explicitly to use it)` : describeAdapter(adapter) });
            continue;
          }
        }
      }
      // built per provider (a graph may differ by provider, e.g. the train step's optimiser), converted once per graph
      const model = build(provider);
      if (built?.model !== model) built = { model };
      const variant = built;
      const wantHalf = options.precision === 'float16' || (info.gpu && this.options.float16 !== 'never' && options.precision !== 'float32');
      let bytes: Uint8Array;
      let useFloat16 = false;
      if (model instanceof Uint8Array) bytes = model;
      else if (isPrebuilt(model)) {
        useFloat16 = wantHalf && model.float16 !== undefined;
        bytes = useFloat16 ? model.float16! : model.float32;
      } else {
        useFloat16 = wantHalf;
        bytes = useFloat16 ? (variant.fp16Bytes ??= serializeGraph(convertGraphToFloat16(model))) : (variant.fp32Bytes ??= serializeGraph(model));
      }
      try {
        const sessionOptions: ort.InferenceSession.SessionOptions = {
          executionProviders: [info.ortName],
          graphOptimizationLevel: this.options.graphOptimizationLevel ?? 'all',
          enableCpuMemArena: options.cpuMemArena ?? this.options.cpuMemArena ?? true,
        };
        const profilePrefix = this.options.profilePrefix ?? process.env.RIG_STUDIO_ORT_PROFILE;
        if (profilePrefix) Object.assign(sessionOptions, { enableProfiling: true, profileFilePrefix: profilePrefix });
        // onnxruntime-node rejects undefined thread counts, so set them only when given
        if (this.options.intraOpThreads !== undefined) sessionOptions.intraOpNumThreads = this.options.intraOpThreads;
        if (this.options.interOpThreads !== undefined) sessionOptions.interOpNumThreads = this.options.interOpThreads;
        const locations = provider === 'webgpu' ? outputLocations(model, options.outputLocation) : new Map<string, OutputLocation>();
        if (locations.size > 0) sessionOptions.preferredOutputLocation = Object.fromEntries(locations);
        const session = await ort.InferenceSession.create(bytes, sessionOptions);
        const expected = new Map<string, ExpectedInput>();
        for (const m of session.inputMetadata) if (m.isTensor) expected.set(m.name, { dtype: m.type, shape: m.shape });
        recordSession({ key, provider, fallbacks: [...fallbacks], float16: useFloat16, intraOpThreads: this.options.intraOpThreads ?? null, at: new Date() });
        return new ModelSession(key, session, provider, useFloat16, expected, fallbacks, locations, this.transfers, Boolean(profilePrefix));
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        fallbacks.push({ provider, error: provider === 'cuda' && /shared library/i.test(message) ? `${cudaInstallHint} (${message})` : message });
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

/** Output name → location for a WebGPU session (names known from a Graph, or given per name). */
function outputLocations(model: ModelSource, wanted: LoadOptions['outputLocation']): Map<string, OutputLocation> {
  const map = new Map<string, OutputLocation>();
  if (typeof wanted === 'function') wanted = wanted();
  if (!wanted) return map;
  if (typeof wanted === 'string') {
    if (wanted === 'cpu') return map;
    if (!(model instanceof Graph)) throw new Error("outputLocation 'gpu-buffer' for all outputs needs a Graph (bytes do not name their outputs here): give a per-output record");
    for (const v of model.outputs) map.set(v.name, wanted);
    return map;
  }
  for (const [name, location] of Object.entries(wanted)) if (location !== 'cpu') map.set(name, location);
  return map;
}
