/**
 * Runs a train-step graph step after step. Parameters, Adam moments and the step count live
 * as onnxruntime tensors between steps: each step's `X.new` outputs are fed back as `X`
 * without copying or re-serialising.
 *
 * Where they live follows the session: when its `X.new` outputs are 'gpu-buffer' (a WebGPU
 * session loaded with trainStateLocations), the state is uploaded once (before the first step,
 * through DeviceIo) and then stays on the device: per step only the batch, the learning rate
 * (and loss scale) go up and the scalars (loss, loss per item, grad norm, finite) come back.
 * The previous step's device tensors are disposed. The host sees the state only through
 * `download()` (a run of DeviceIo's CPU-output session, never getData(): it kills the process
 * in onnxruntime-node 1.30), called once per checkpoint.
 *
 * Elsewhere the state lives in one set of host buffers the runner owns: onnxruntime-node has no
 * IO binding on the CPU, and fresh outputs every step would hold two or three copies of the
 * parameters and moments at once (the old set until the garbage collector frees it).
 * - With the host optimiser (the CPU provider) the graph writes the gradients into the
 *   runner's buffers (ModelSession.runPartlyInto) and hostAdamStep updates parameters and
 *   moments in place.
 * - With the graph optimiser (GPU providers whose state comes back to the host) each step
 *   writes its updates into the very buffers it reads them from. That is safe because the graph
 *   computes every update after the last read of any parameter (train/adam.ts). The first step
 *   writes into fresh buffers, so `initial` is never written to.
 * The binding still returns a copy of each output it wrote; they are dropped after the run
 * (and collected at once for large models, nn/memory.ts).
 */
import * as ort from 'onnxruntime-node';
import type { StateDict } from '../checkpoint/stateDict';
import type { ModelSession, OutputLocation, TransferCounts } from '../nn/backend';
import { onDevice } from '../nn/backend';
import type { DeviceIo } from '../nn/device';
import type { Tensor } from '../nn/ir';
import type { DropoutSite, TrainStepGraph } from './trainStep';
import { gradientName, momentNames, trainIo, updated } from './trainStep';
import { hostAdamStep } from './adam';
import { collectGarbage } from '../nn/memory';

/** Gradient sets at least this large are collected after each step (see nn/memory.ts). */
const collectAbove = 64 * 2 ** 20;

/** One batch as the train step takes it. */
export interface TrainBatch {
  /** [N,3,S,S] in [−1,1]. */
  x0: Float32Array;
  /** [N,C−3,S,S]: rendered, normal, albedo. */
  physical: Float32Array;
  /** DiffusionRig-EMO v2 only: FLAME shape [N,100] and identity [N,150] per item. */
  shape?: Float32Array;
  identity?: Float32Array;
  /** [N] step indices of the 1000-step schedule. */
  timesteps: BigInt64Array;
  /** [N,3,S,S] standard normal. */
  noise: Float32Array;
  /** Dropout masks by site input name (1 keeps the value, 0 drops it); required when the graph has dropout sites. */
  dropoutMasks?: ReadonlyMap<string, Uint8Array>;
}

/** What one step reports. */
export interface StepResult {
  loss: number;
  lossPerItem: number[];
  /** Global gradient norm before clipping. */
  gradNorm: number;
  /** False when a mixed-precision step overflowed and was skipped. */
  finite: boolean;
  /** Steps taken so far (after this one). */
  step: number;
  /** Bytes this step copied host↔device (0 on the CPU provider). */
  transfers: TransferCounts;
}

/**
 * Output locations for a train-step session that keeps the training state on the device:
 * every `X.new` of a parameter, moment, buffer and the Adam step as 'gpu-buffer'; the scalars
 * stay on the CPU. Providers other than WebGPU ignore it.
 */
export function trainStateLocations(graph: TrainStepGraph): Record<string, OutputLocation> {
  const out: Record<string, OutputLocation> = {};
  for (const name of stateNames(graph)) out[updated(name)] = 'gpu-buffer';
  return out;
}

function stateNames(graph: TrainStepGraph): string[] {
  return [...graph.parameters.flatMap(({ key }) => withMoments(key)), ...graph.buffers.map(({ key }) => key), trainIo.step];
}

/** A parameter's name and its two Adam moments' names. */
function withMoments(key: string): string[] {
  const names = momentNames(key);
  return [key, names.m, names.v];
}

function disposeOnDevice(tensor: ort.Tensor | undefined): void {
  if (tensor && onDevice(tensor)) tensor.dispose();
}

/** Mutable training state: parameters, moments, step count and updated buffers (BatchNorm running statistics). */
export class TrainStepRunner {
  private readonly state = new Map<string, ort.Tensor>();
  /** The runner's own buffers: the graph optimiser's in-place state, the host optimiser's gradients. */
  private readonly owned = new Map<string, ort.Tensor>();
  /** Current loss scale (mixed precision only). */
  lossScale = 65536;
  private goodSteps = 0;
  /** True when the session keeps the state outputs on the device. */
  readonly resident: boolean;
  private uploaded = false;
  /** Host copies of the device state, as of step `hostStep` (resident runs only). */
  private host = new Map<string, ort.Tensor>();
  private hostStep = -1;
  private steps: number;
  /** Bytes of all trained parameters (and of their gradients). */
  private readonly gradientBytes: number;
  /** State names written in place (host runs): the parameters and moments. */
  private readonly inPlace: string[];

  /**
   * `initial` gives every trainable parameter; moments start at zero and the step count at 0
   * unless `initial` also holds `adam.m.*`, `adam.v.*` and `adam.step` (a resumed run).
   * Every buffer of `graph.buffers` must be in `initial`.
   */
  constructor(
    readonly session: ModelSession,
    readonly graph: TrainStepGraph,
    initial: StateDict,
    /** Moves the state to and from the device (needed when the session keeps it there). */
    private readonly io?: DeviceIo,
    /**
     * Names of `initial` tensors this runner may train in place (nobody else holds them: e.g.
     * the moments just read from a state file, or a checkpoint read for this run); the others
     * are copied before the first update. Tensors sharing memory are copied anyway.
     */
    adopt: ReadonlySet<string> = new Set(),
  ) {
    this.resident = session.outputLocation(updated(trainIo.step)) === 'gpu-buffer';
    if (this.resident && !io?.resident) throw new Error(`train step ${session.key}: the state stays on the device, but no device transfer (DeviceIo for ${session.provider}) was given`);
    // Inputs are only read by onnxruntime, and every step replaces them by its outputs, so the
    // state starts as views: of `initial` (no copy of the parameters) and, for fresh moments, of
    // one shared zero buffer as long as the largest parameter (instead of 2 × all parameters).
    const largest = graph.parameters.reduce((n, { shape }) => Math.max(n, shape.reduce((a, d) => a * d, 1)), 0);
    let zeros: Float32Array | undefined;
    for (const { key, shape } of graph.parameters) {
      const tensor = initial.get(key);
      if (!tensor) throw new Error(`train state: no value for parameter ${key}`);
      this.state.set(key, toOrt(tensor, key));
      const names = momentNames(key);
      for (const name of [names.m, names.v]) {
        const moment = initial.get(name);
        zeros ??= moment ? undefined : new Float32Array(largest);
        this.state.set(name, moment ? toOrt(moment, name) : new ort.Tensor('float32', zeros!.subarray(0, shape.reduce((a, d) => a * d, 1)), [...shape]));
      }
    }
    for (const { key, dtype } of graph.buffers) {
      const tensor = initial.get(key);
      if (!tensor) throw new Error(`train state: no value for buffer ${key}`);
      this.state.set(key, toOrt(tensor, key, dtype));
    }
    if (graph.optimizer === 'host') {
      // the runner's Adam writes into the state: own it (one copy of the start, separate
      // moments), except tensors handed over whose memory no other adopted tensor shares
      const names = graph.parameters.flatMap(({ key }) => withMoments(key));
      const adopted = adoptable(names.filter((name) => adopt.has(name) && initial.has(name)), initial);
      for (const name of names) {
        if (adopted.has(name)) continue;
        const now = this.state.get(name)!;
        this.state.set(name, new ort.Tensor('float32', (now.data as Float32Array).slice(), [...now.dims]));
      }
    }
    this.gradientBytes = 4 * graph.parameters.reduce((n, { shape }) => n + shape.reduce((a, d) => a * d, 1), 0);
    this.inPlace = this.resident || graph.optimizer === 'host' ? [] : graph.parameters.flatMap(({ key }) => withMoments(key));
    const step = initial.get(trainIo.step);
    this.steps = step ? Number(step.data[0]) : 0;
    this.state.set(trainIo.step, new ort.Tensor('float32', Float32Array.of(this.steps), []));
  }

  /** Steps taken so far. */
  get stepCount(): number {
    return this.steps;
  }

  /** Puts the starting state on the device once (resident runs). */
  private async upload(): Promise<void> {
    if (!this.resident || this.uploaded) return;
    for (const [name, tensor] of this.state) {
      const data = tensor.data as Float32Array | BigInt64Array;
      const device = (await this.io!.upload({ dtype: tensor.type as 'float32', shape: [...tensor.dims], data })) as ort.Tensor;
      this.state.set(name, device);
    }
    this.uploaded = true;
  }

  /**
   * Reads the device state back to the host (resident runs; a no-op elsewhere and when already
   * read since the last step): one download per checkpoint, never per step.
   */
  async download(): Promise<void> {
    if (!this.resident || !this.uploaded || this.hostStep === this.steps) return;
    const host = new Map<string, ort.Tensor>();
    for (const [name, tensor] of this.state) host.set(name, await this.io!.download(tensor));
    this.host = host;
    this.hostStep = this.steps;
  }

  /** Frees the device state (resident runs); the runner is unusable afterwards. */
  dispose(): void {
    for (const tensor of this.state.values()) disposeOnDevice(tensor);
    this.state.clear();
  }

  /**
   * Runs one train step on a batch. `inspect` sees every output of the run (e.g. the
   * `grad.<key>` outputs of a graph built with exposeGradients).
   */
  async step(batch: TrainBatch, learningRate: number, inspect?: (outputs: Record<string, ort.Tensor>) => void): Promise<StepResult> {
    const [n, , size] = this.graph.graph.value(trainIo.x0)!.shape;
    const physicalChannels = this.graph.graph.value(trainIo.physical)!.shape[1];
    const feeds: Record<string, ort.Tensor> = {
      [trainIo.x0]: new ort.Tensor('float32', batch.x0, [n, 3, size, size]),
      [trainIo.physical]: new ort.Tensor('float32', batch.physical, [n, physicalChannels, size, size]),
      [trainIo.timesteps]: new ort.Tensor('int64', batch.timesteps, [n]),
      [trainIo.noise]: new ort.Tensor('float32', batch.noise, [n, 3, size, size]),
    };
    for (const name of [trainIo.shape, trainIo.identity] as const) {
      const input = this.graph.graph.value(name);
      if (!input || !this.graph.graph.inputs.includes(input)) continue;
      const data = batch[name];
      if (!data || data.length !== n * input.shape[1]) throw new Error(`train step: this DiffusionRig-EMO v2 model needs ${name} codes [${n}, ${input.shape[1]}] with every batch`);
      feeds[name] = new ort.Tensor('float32', data, [n, input.shape[1]]);
    }
    if (this.graph.precision === 'mixed-float16') feeds[trainIo.lossScale] = new ort.Tensor('float32', Float32Array.of(this.lossScale), []);
    for (const site of this.graph.dropout) feeds[site.input] = maskTensor(site, batch.dropoutMasks);
    if (this.graph.optimizer === 'host') return this.stepOnHost(feeds, learningRate, inspect);
    feeds[trainIo.learningRate] = new ort.Tensor('float32', Float32Array.of(learningRate), []);
    await this.upload();
    for (const [name, tensor] of this.state) feeds[name] = tensor;
    const before = { ...this.session.transfers };
    let out: Record<string, ort.Tensor>;
    if (this.inPlace.length > 0) {
      const into: Record<string, ort.Tensor> = {};
      for (const name of this.inPlace) into[updated(name)] = this.ownBuffer(name, this.state.get(name)!.dims);
      out = await this.session.runPartlyInto(feeds, into);
      if (3 * this.gradientBytes >= collectAbove) collectGarbage(); // the binding's copies of the state
    } else {
      out = await this.session.run(feeds);
    }
    const transfers = { hostToDevice: this.session.transfers.hostToDevice - before.hostToDevice, deviceToHost: this.session.transfers.deviceToHost - before.deviceToHost };
    inspect?.(out);
    for (const name of this.state.keys()) {
      const next = out[updated(name)];
      if (!next) throw new Error(`train step: the graph has no output ${updated(name)}`);
      disposeOnDevice(this.state.get(name));
      this.state.set(name, next);
    }
    const finite = this.graph.precision === 'mixed-float16' ? Boolean(out[trainIo.finite].data[0]) : true;
    if (this.graph.precision === 'mixed-float16') this.updateLossScale(finite);
    // the step count is on the device in resident runs: follow it here (a skipped step keeps it)
    if (!this.resident) this.steps = Number(this.state.get(trainIo.step)!.data[0]);
    else if (finite) this.steps++;
    return {
      loss: Number(out[trainIo.loss].data[0]),
      lossPerItem: Array.from(out[trainIo.lossPerItem].data as Float32Array),
      gradNorm: Number(out[trainIo.gradNorm].data[0]),
      finite,
      step: this.stepCount,
      transfers,
    };
  }

  /**
   * A step of a graph that returns gradients (optimizer 'host'): the gradients land in the
   * runner's buffers, and clipping and Adam update the parameters and moments in place.
   */
  private async stepOnHost(feeds: Record<string, ort.Tensor>, learningRate: number, inspect?: (outputs: Record<string, ort.Tensor>) => void): Promise<StepResult> {
    for (const { key } of this.graph.parameters) feeds[key] = this.state.get(key)!;
    for (const { key } of this.graph.buffers) feeds[key] = this.state.get(key)!;
    const into: Record<string, ort.Tensor> = {};
    for (const { key, shape } of this.graph.parameters) into[gradientName(key)] = this.ownBuffer(gradientName(key), shape);
    const out = await this.session.runPartlyInto(feeds, into);
    inspect?.(out);
    // the binding's copies of the gradients are garbage now: free them before the next step
    // makes its own (a few ms; skipped for small models)
    if (this.gradientBytes >= collectAbove) collectGarbage();
    for (const { key } of this.graph.buffers) {
      const next = out[updated(key)];
      if (!next) throw new Error(`train step: the graph has no output ${updated(key)}`);
      this.state.set(key, next);
    }
    const gradNorm = Number(out[trainIo.gradNorm].data[0]);
    const finite = this.graph.precision === 'mixed-float16' ? Boolean(out[trainIo.finite].data[0]) : true;
    if (this.graph.precision === 'mixed-float16') this.updateLossScale(finite);
    if (finite) {
      const slots = this.graph.parameters.map(({ key }) => {
        const names = momentNames(key);
        const data = (name: string) => this.state.get(name)!.data as Float32Array;
        return { param: data(key), grad: into[gradientName(key)].data as Float32Array, m: data(names.m), v: data(names.v) };
      });
      hostAdamStep(slots, this.steps, learningRate, gradNorm, this.graph.adam);
      this.steps++;
      this.state.set(trainIo.step, new ort.Tensor('float32', Float32Array.of(this.steps), []));
    }
    return {
      loss: Number(out[trainIo.loss].data[0]),
      lossPerItem: Array.from(out[trainIo.lossPerItem].data as Float32Array),
      gradNorm,
      finite,
      step: this.steps,
      transfers: { hostToDevice: 0, deviceToHost: 0 },
    };
  }

  /** The runner's float32 buffer `name` (allocated on first use, then reused every step). */
  private ownBuffer(name: string, shape: readonly number[]): ort.Tensor {
    let own = this.owned.get(name);
    if (!own) {
      own = new ort.Tensor('float32', new Float32Array(shape.reduce((a, d) => a * d, 1)), [...shape]);
      this.owned.set(name, own);
    }
    return own;
  }

  /** GradScaler's policy: halve on overflow, double after 2000 clean steps. */
  private updateLossScale(finite: boolean): void {
    if (!finite) {
      this.lossScale /= 2;
      this.goodSteps = 0;
    } else if (++this.goodSteps >= 2000) {
      this.lossScale *= 2;
      this.goodSteps = 0;
    }
  }

  /**
   * Current value of a parameter, moment or `adam.step` (a view: the next step writes into
   * it). In resident runs: as of the last `download()`, which must have happened since the
   * last step.
   */
  tensor(name: string): Tensor {
    if (this.resident && this.uploaded && this.hostStep !== this.steps) throw new Error(`train state is on the device: await download() before reading ${name} (step ${this.steps})`);
    const t = this.resident && this.uploaded ? this.host.get(name) : this.state.get(name);
    if (!t) throw new Error(`train state has no ${name}`);
    return t.type === 'int64' ? { dtype: 'int64', shape: [...t.dims], data: t.data as BigInt64Array } : { dtype: 'float32', shape: [...t.dims], data: t.data as Float32Array };
  }

  /** Parameters, moments and the step count (copies), e.g. to save a checkpoint. */
  exportState(): StateDict {
    const out: StateDict = new Map();
    for (const name of this.state.keys()) {
      const t = this.tensor(name);
      out.set(name, { ...t, data: t.data.slice() } as Tensor);
    }
    return out;
  }

  /**
   * The current state without copying: views of the runner's buffers, valid until the next
   * step writes into them (a checkpoint is written from them between steps).
   */
  stateViews(): StateDict {
    const out: StateDict = new Map();
    for (const name of this.state.keys()) out.set(name, this.tensor(name));
    return out;
  }
}

/**
 * The names among `names` whose float32 data overlaps no other's (a checkpoint may let two
 * keys share one storage; training one in place would change the other).
 */
function adoptable(names: readonly string[], tensors: StateDict): Set<string> {
  const spans = names.flatMap((name) => {
    const data = tensors.get(name)!.data;
    return data instanceof Float32Array ? [{ name, buffer: data.buffer, start: data.byteOffset, end: data.byteOffset + data.byteLength }] : [];
  });
  const shared = new Set<string>();
  const byBuffer = new Map<ArrayBufferLike, typeof spans>();
  for (const span of spans) {
    const list = byBuffer.get(span.buffer);
    if (list) list.push(span);
    else byBuffer.set(span.buffer, [span]);
  }
  for (const list of byBuffer.values()) {
    list.sort((a, b) => a.start - b.start);
    // the span reaching furthest so far: a later span starting before its end overlaps it
    let reach = list[0];
    for (const span of list.slice(1)) {
      if (span.start < reach.end) {
        shared.add(span.name);
        shared.add(reach.name);
      }
      if (span.end > reach.end) reach = span;
    }
  }
  return new Set(spans.map((span) => span.name).filter((name) => !shared.has(name)));
}

/** A view of `tensor` as an onnxruntime input (not a copy: see the constructor). */
function toOrt(tensor: Tensor, name: string, dtype: 'float32' | 'int64' = 'float32'): ort.Tensor {
  if (tensor.dtype !== dtype) throw new Error(`train state: ${name} is ${tensor.dtype}, expected ${dtype}`);
  return dtype === 'int64'
    ? new ort.Tensor('int64', tensor.data as BigInt64Array, [...tensor.shape])
    : new ort.Tensor('float32', tensor.data as Float32Array, [...tensor.shape]);
}

function maskTensor(site: DropoutSite, masks: ReadonlyMap<string, Uint8Array> | undefined): ort.Tensor {
  const mask = masks?.get(site.input);
  if (!mask) throw new Error(`train step: no dropout mask for ${site.input}`);
  return new ort.Tensor('bool', mask, [...site.shape]);
}
