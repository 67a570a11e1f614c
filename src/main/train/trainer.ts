/**
 * A training run (stage 2 fine-tuning, or stage 1 with `trainable: 'all'`): draws batches from training pairs, samples timesteps, noise and
 * dropout masks from one seeded generator, runs the train-step graph, and saves / resumes its
 * whole state (parameters, Adam moments, step count, generator state, batch order) as one
 * safetensors file, so a resumed run continues exactly as the unbroken run would have.
 */
import { createHash } from 'node:crypto';
import type { StateDict } from '../checkpoint/stateDict';
import { readSafetensors, writeSafetensors } from '../checkpoint/safetensors';
import type { OnnxBackend } from '../nn/backend';
import { DeviceIo } from '../nn/device';
import { serializeGraph } from '../nn/serialize';
import type { DiffusionRigConfig } from '../models/config';
import type { AdamConfig } from './adam';
import type { RandomState } from './random';
import { ResumableRandom } from './random';
import { stage1Trainable } from './base';
import { writeSafetensorsDurably } from './stateFile';
import type { StepResult } from './runner';
import { TrainStepRunner, trainStateLocations } from './runner';
import type { TrainStepGraph, TrainStepOptions } from './trainStep';
import { buildTrainStep, momentNames, trainIo } from './trainStep';

/** One training example: an aligned photo and its physical buffers, at the training size. */
export interface TrainingPair {
  /** [3, S, S] in [−1, 1]. */
  image: Float32Array;
  /** [C−3, S, S]: rendered, normal, albedo. */
  physical: Float32Array;
  /** DiffusionRig-EMO v2 models: the photo's FLAME shape and identity ([shape, albedo code]). */
  shape?: Float32Array;
  identity?: Float32Array;
}

/** Settings of a run (upstream stage 2: batch 4, lr 1e-5). */
export interface TrainerSettings {
  batchSize: number;
  learningRate: number;
  seed: number;
  imageSize: number;
  /** Diffusion steps timesteps are drawn from (1000 upstream). */
  diffusionSteps?: number;
  adam?: AdamConfig;
  precision?: 'float32' | 'mixed-float16';
  /** Activation recomputation in the backward pass (upstream's use_checkpoint): less memory, same result. */
  recompute?: boolean;
  /**
   * What trains: 'unet' (stage 2, the default: encoder frozen) or 'all' (stage 1: UNet and
   * encoder jointly, BatchNorm running statistics updated as buffers; see base.ts).
   */
  trainable?: 'unet' | 'all';
}

/** Marks our training-state files. */
export const trainStateFormat = 'rig-studio-train-state/1';

interface SamplerState {
  random: RandomState;
  order: number[];
  cursor: number;
}

/** A training run on the ONNX backend. */
export class Trainer {
  /** Batch, noise and dropout-mask buffers, reused by every step. */
  private readonly buffers = new Map<string, Float32Array>();
  /** Dropout masks (one byte per value), reused by every step. */
  private readonly masks = new Map<string, Uint8Array>();

  private constructor(
    readonly graph: TrainStepGraph,
    readonly runner: TrainStepRunner,
    private readonly pairs: readonly TrainingPair[],
    readonly settings: TrainerSettings,
    private random: ResumableRandom,
    private order: number[],
    private cursor: number,
  ) {}

  /**
   * Starts a run from `weights` (a full DiffusionRig state dict), or resumes one from a state
   * file written by `saveState` (`resume`), whose parameters and moments replace the start.
   */
  static async create(options: {
    backend: OnnxBackend;
    config: DiffusionRigConfig;
    weights: StateDict;
    pairs: readonly TrainingPair[];
    settings: TrainerSettings;
    resume?: { bytes: Uint8Array; path: string };
    graph?: Partial<TrainStepOptions>;
    /** Session cache key (defaults to one per batch/size/precision/architecture, plus `tag`). */
    key?: string;
    /** Told apart in the default key: what the graph bakes in besides the architecture (stage 2's frozen encoder weights: the base model's hash). */
    tag?: string;
    /**
     * False keeps the training state on the host between steps even on WebGPU (copied up and
     * down every step: the reference the device-resident run is measured against). Default true.
     */
    stateOnDevice?: boolean;
    /**
     * Where clipping and Adam run (TrainStepOptions.optimizer). Default 'auto': on the host
     * for the CPU provider (one pass over the buffers instead of ~15 ORT kernels), in the
     * graph on GPU providers (where the state stays on the device).
     */
    optimizer?: 'auto' | 'graph' | 'host';
    /**
     * The caller hands `weights` over (read for this run, e.g. from the checkpoint file): the
     * trained tensors are updated in place instead of copied first, which saves one copy of
     * the parameters. Default false: `weights` stays as it is.
     */
    adoptWeights?: boolean;
  }): Promise<Trainer> {
    const { config, weights, pairs, settings } = options;
    if (pairs.length === 0) throw new Error('training needs at least one pair');
    const size = settings.imageSize;
    const physicalLength = (config.unet.inChannels - 3) * size * size;
    pairs.forEach((p, i) => {
      if (p.image.length !== 3 * size * size) throw new Error(`training pair ${i}: image has ${p.image.length} values, expected 3×${size}×${size}`);
      if (p.physical.length !== physicalLength) throw new Error(`training pair ${i}: buffers have ${p.physical.length} values, expected ${config.unet.inChannels - 3}×${size}×${size}`);
      const face = config.unet.faceCondition;
      if (face && (p.shape?.length !== face.shapeDim || p.identity?.length !== face.identityDim)) {
        throw new Error(`training pair ${i}: a DiffusionRig-EMO v2 model trains on shape (${face.shapeDim}) and identity (${face.identityDim}) per photo; the pair has ${p.shape?.length ?? 'no'} and ${p.identity?.length ?? 'no'} values`);
      }
    });
    // one graph per optimiser placement, built when a provider asks for it (Trainer.create's `optimizer`)
    const variants = new Map<'graph' | 'host', TrainStepGraph>();
    const variant = (optimizer: 'graph' | 'host') => {
      let built = variants.get(optimizer);
      if (!built) {
        built = buildTrainStep({
          optimizer,
          config,
          stateDict: weights,
          batch: settings.batchSize,
          imageSize: size,
          schedule: { kind: 'linear', steps: settings.diffusionSteps ?? 1000 },
          adam: settings.adam,
          precision: settings.precision,
          recompute: settings.recompute,
          trainable: settings.trainable === 'all' ? stage1Trainable : undefined,
          ...options.graph,
        });
        variants.set(optimizer, built);
      }
      return built;
    };
    const choice = options.optimizer ?? 'auto';
    const optimizerFor = (provider: string) => (choice === 'auto' ? (provider === 'cpu' ? 'host' : 'graph') : choice);
    const key = options.key ?? `train-step:${settings.batchSize}x${size}:${settings.precision ?? 'float32'}${settings.recompute ? ':recompute' : ''}${settings.trainable === 'all' ? ':all' : ''}:${createHash('sha256').update(JSON.stringify(config)).digest('hex').slice(0, 12)}${options.tag ? `:${options.tag}` : ''}${options.stateOnDevice === false ? ':host-state' : ''}`;
    // a backend that turns graphs into float16 on GPU providers would also turn the master
    // weights and Adam into float16: hand it bytes, which it runs as they are
    // on WebGPU the parameters, moments and step stay on the device between steps (runner.ts);
    // other providers ignore the locations
    const serialised = new Map<TrainStepGraph, Uint8Array>();
    const session = await options.backend.load(
      `${key}${choice === 'auto' ? '' : `:${choice}`}`,
      (provider) => {
        const graph = variant(optimizerFor(provider));
        if (options.backend.options.float16 === 'never') return graph.graph;
        if (!serialised.has(graph)) serialised.set(graph, serializeGraph(graph.graph));
        return serialised.get(graph)!;
      },
      // the graph optimiser's state outputs (the host optimiser has none but the buffers)
      {
        outputLocation: options.stateOnDevice === false || choice === 'host' ? undefined : () => trainStateLocations(variant(optimizerFor('webgpu'))),
        // without the arena a 256-px step peaks ~2.7 GB lower for ~1.3 s more (measured)
        cpuMemArena: false,
      },
    );
    const graph = variant(optimizerFor(session.provider));
    let initial = weights;
    let sampler: SamplerState = { random: new ResumableRandom(settings.seed).state, order: [], cursor: 0 };
    const resumed = options.resume && readTrainState(options.resume.bytes, options.resume.path);
    if (resumed) {
      initial = new Map([...weights, ...resumed.tensors]);
      sampler = resumed.sampler;
    }
    // the resumed tensors were copied out of the file for this run: trained in place
    const adopt = new Set([...(resumed ? resumed.tensors.keys() : []), ...(options.adoptWeights ? weights.keys() : [])]);
    const runner = new TrainStepRunner(session, graph, initial, new DeviceIo(options.backend, session.provider), adopt);
    if (resumed?.lossScale !== undefined) runner.lossScale = resumed.lossScale;
    return new Trainer(graph, runner, pairs, settings, new ResumableRandom(sampler.random), sampler.order, sampler.cursor);
  }

  /** Steps taken so far. */
  get stepCount(): number {
    return this.runner.stepCount;
  }

  /** Draws a batch and runs one train step. */
  async step(): Promise<StepResult> {
    const { batchSize: n, imageSize: size } = this.settings;
    const imageLength = 3 * size * size;
    const physicalLength = this.pairs[0].physical.length;
    // the batch buffers are reused from step to step: the CPU session reads them during the
    // (synchronous) run and keeps nothing
    const buffer = (name: string, length: number) => {
      let b = this.buffers.get(name);
      if (!b) this.buffers.set(name, (b = new Float32Array(length)));
      return b;
    };
    const x0 = buffer(trainIo.x0, n * imageLength);
    const physical = buffer(trainIo.physical, n * physicalLength);
    // EMO v2: shape and identity of each batch item, beside its buffers
    const face = this.pairs[0].shape && this.pairs[0].identity ? { shape: buffer(trainIo.shape, n * this.pairs[0].shape.length), identity: buffer(trainIo.identity, n * this.pairs[0].identity.length) } : undefined;
    for (let i = 0; i < n; i++) {
      if (this.cursor >= this.order.length) {
        this.order = this.random.permutation(this.pairs.length);
        this.cursor = 0;
      }
      const pair = this.pairs[this.order[this.cursor++]];
      x0.set(pair.image, i * imageLength);
      physical.set(pair.physical, i * physicalLength);
      if (face) {
        face.shape.set(pair.shape!, i * pair.shape!.length);
        face.identity.set(pair.identity!, i * pair.identity!.length);
      }
    }
    const steps = this.settings.diffusionSteps ?? 1000;
    const timesteps = BigInt64Array.from({ length: n }, () => BigInt(this.random.integer(steps)));
    const noise = this.random.fillNormal(buffer(trainIo.noise, n * imageLength));
    const dropoutMasks = new Map<string, Uint8Array>();
    for (const site of this.graph.dropout) {
      const length = site.shape.reduce((a, d) => a * d, 1);
      let mask = this.masks.get(site.input);
      if (!mask) {
        mask = new Uint8Array(length);
        this.masks.set(site.input, mask);
      }
      // uniform() < rate on the 32-bit word itself (the same draws, without the division)
      const threshold = site.rate * 4294967296;
      for (let i = 0; i < length; i++) mask[i] = this.random.nextUint32() < threshold ? 0 : 1;
      dropoutMasks.set(site.input, mask);
    }
    return this.runner.step({ x0, physical, ...face, timesteps, noise, dropoutMasks }, this.settings.learningRate);
  }

  /** The whole run state as safetensors bytes (one copy of every tensor; see writeState for files). */
  async saveState(extra: Record<string, string> = {}): Promise<Uint8Array> {
    await this.runner.download();
    return writeSafetensors(this.runner.stateViews(), this.stateMetadata(extra));
  }

  /**
   * Writes the whole run state to `path` atomically and durably (stateFile.ts), straight from
   * the tensors' memory: no copy of the state is made. `extra` adds metadata (e.g. the loss curve).
   */
  async writeState(path: string, extra: Record<string, string> = {}): Promise<void> {
    // device-resident runs read their state back here, once per checkpoint
    await this.runner.download();
    await writeSafetensorsDurably(path, this.runner.stateViews(), this.stateMetadata(extra));
  }

  private stateMetadata(extra: Record<string, string>): Record<string, string> {
    const sampler: SamplerState = { random: this.random.state, order: this.order, cursor: this.cursor };
    return {
      ...extra,
      format: trainStateFormat,
      sampler: JSON.stringify(sampler),
      lossScale: String(this.runner.lossScale),
      settings: JSON.stringify(this.settings),
    };
  }

  /**
   * The trained parameters and the updated buffers (BatchNorm running statistics), by
   * state-dict key: what differs from the base model, e.g. to register the personalised model.
   */
  async trainedParameters(): Promise<StateDict> {
    await this.runner.download();
    const out: StateDict = new Map();
    for (const { key } of this.graph.parameters) out.set(key, this.runner.tensor(key));
    for (const { key } of this.graph.buffers) out.set(key, this.runner.tensor(key));
    return out;
  }

  /** Frees the training state kept on the device (WebGPU); the trainer is unusable afterwards. */
  dispose(): void {
    this.runner.dispose();
  }
}

/** Parses a training-state file; errors name the file. */
export function readTrainState(bytes: Uint8Array, path: string): { tensors: StateDict; sampler: SamplerState; lossScale?: number; settings: TrainerSettings; metadata: Record<string, string> } {
  const file = readSafetensors(bytes, path);
  if (file.metadata.format !== trainStateFormat) throw new Error(`${path}: not a Rig Studio training state (format ${file.metadata.format ?? 'missing'})`);
  if (!file.stateDict.has(trainIo.step)) throw new Error(`${path}: training state has no ${trainIo.step}`);
  let sampler: SamplerState;
  let settings: TrainerSettings;
  try {
    sampler = JSON.parse(file.metadata.sampler) as SamplerState;
    settings = JSON.parse(file.metadata.settings) as TrainerSettings;
  } catch (error) {
    throw new Error(`${path}: unreadable training-state metadata (${(error as Error).message})`, { cause: error });
  }
  for (const key of file.stateDict.keys()) {
    if (key.startsWith('adam.m.') && !file.stateDict.has(momentNames(key.slice('adam.m.'.length)).v)) throw new Error(`${path}: ${key} has no matching second moment`);
  }
  const lossScale = file.metadata.lossScale === undefined ? undefined : Number(file.metadata.lossScale);
  return { tensors: file.stateDict, sampler, lossScale, settings, metadata: file.metadata };
}
