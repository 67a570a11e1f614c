/**
 * The DiffusionRig stage-2 train-step graph: one `session.run` takes the trainable
 * parameters, their Adam moments, the step count, the learning rate and a batch, and returns
 * the loss and the updated parameters and moments.
 *
 *   x_t = √ᾱ_t·x0 + √(1−ᾱ_t)·noise                  (q_sample, tables gathered by a one-hot MatMul)
 *   z   = encoder(x0)                               (frozen; BatchNorm on batch statistics)
 *   ε̂   = UNet(x_t, t, buffers, z)                 (EMO v2: condition [z, shape, identity])
 *   loss_i = mean_chw( w_t · (noise − ε̂)² ),  w_t = 1/(k + SNR_t)^γ;  loss = mean_i loss_i
 *   then the gradient of loss for the trainable parameters, norm clipping and Adam (adam.ts).
 *
 * Names: parameters keep their state-dict keys; moments are `adam.m.<key>` / `adam.v.<key>`;
 * updated tensors are `<input>.new` (an output cannot share an input's name), so the runner
 * feeds each `X.new` back as `X` on the next step.
 *
 * Mixed precision (`precision: 'mixed-float16'`, for GPU providers): the UNet is built as its
 * own graph, converted to float16 (nn/float16.ts: float32 inputs are cast on entry, outputs
 * cast back) and spliced in, so parameters stay float32 master weights and their gradients
 * come back float32 through the Cast rule. The loss is multiplied by the `loss_scale` input
 * (the gradient seed), gradients are divided by it, and a step whose gradient norm is not
 * finite leaves parameters, moments and step count unchanged (`finite` output is false); the
 * runner then halves the scale, as torch.cuda.amp.GradScaler does.
 */
import type { StateDict } from '../checkpoint/stateDict';
import { addGradients } from '../nn/autodiff';
import { scalarOf } from '../nn/autodiff/util';
import { GraphBuilder } from '../nn/builder';
import { convertGraphToFloat16 } from '../nn/float16';
import type { Graph, Node, Shape, Value } from '../nn/ir';
import type { DiffusionRigConfig } from '../models/config';
import type { ParameterSource, TrainingHooks } from '../models/layers';
import { normSegmentPrefix, recordBatchStatistics } from '../models/layers';
import { buildEncoder } from '../models/resnet';
import { buildUNet } from '../models/unet';
import type { AdamConfig } from './adam';
import { appendAdamStep, appendGradientNorm, upstreamAdam } from './adam';
import { inlineGraph } from './inline';
import type { P2Config, ScheduleConfig } from './schedule';
import { trainingTables } from './schedule';

/** Fixed names of the train-step graph's batch inputs and scalar outputs. */
export const trainIo = Object.freeze({
  x0: 'x0',
  physical: 'physical',
  shape: 'shape',
  identity: 'identity',
  timesteps: 'timesteps',
  noise: 'noise',
  step: 'adam.step',
  learningRate: 'learning_rate',
  lossScale: 'loss_scale',
  loss: 'loss',
  lossPerItem: 'loss_per_item',
  gradNorm: 'grad_norm',
  finite: 'finite',
});

/** Name of the updated value of an input. */
export const updated = (name: string): string => `${name}.new`;
/** Names of the Adam moments of a parameter. */
export const momentNames = (key: string): { m: string; v: string } => ({ m: `adam.m.${key}`, v: `adam.v.${key}` });
/** Name of the (optional) gradient output of a parameter. */
export const gradientName = (key: string): string => `grad.${key}`;

/** Settings of a train-step graph. */
export interface TrainStepOptions {
  config: DiffusionRigConfig;
  /** Values of frozen tensors (baked into the graph) and shapes of trainable ones. */
  stateDict: StateDict;
  batch: number;
  imageSize: number;
  schedule?: ScheduleConfig;
  p2?: P2Config;
  adam?: AdamConfig;
  /** Which state-dict keys are trained (default: every `denoisingUNet.` tensor: stage 2). */
  trainable?: (key: string) => boolean;
  /**
   * Encoder BatchNorm: 'batch' statistics as upstream's train-mode stage 2 (default), or
   * 'running' (eval mode). In 'batch' mode the running statistics are state: graph inputs
   * updated as torch does in train mode (see `buffers`).
   */
  batchNorm?: 'batch' | 'running';
  /** Apply the config's dropout (default true); masks come in as `dropout.<layer>` inputs. */
  dropout?: boolean;
  precision?: 'float32' | 'mixed-float16';
  /** Also output `grad.<key>` (pre-clip gradients), for verification. */
  exposeGradients?: boolean;
  /**
   * Where the optimiser runs: 'graph' (default) appends clipping and Adam to the graph, which
   * takes `adam.step`, `learning_rate` and the moments and returns the updated state; 'host'
   * leaves them out: the graph returns the gradients (`grad.<key>`, divided by the loss scale)
   * and their norm, and the runner applies clipping and Adam to its buffers in one pass
   * (adam.ts hostAdamStep). The host optimiser is what the CPU provider uses: there ORT runs
   * Adam as about fifteen kernels that each read and write every parameter.
   */
  optimizer?: 'graph' | 'host';
  /**
   * Recompute the normalisation segments (GroupNorm, FiLM, SiLU, dropout up to the next
   * convolution; models/layers.ts normSegment) in the backward pass instead of keeping their
   * inner values. Default true; false only to compare against (same gradients, bit for bit).
   */
  recomputeNorms?: boolean;
  /**
   * Activation recomputation (upstream's use_checkpoint): the backward pass recomputes each
   * UNet ResBlock's and attention block's inner activations from the block's input instead of
   * keeping them from the forward pass. Same gradients, less memory, about one more forward.
   */
  recompute?: boolean;
}

/**
 * The recomputation segment of a UNet node: the ResBlock or attention block (upstream module
 * `input_blocks.i.j`, `middle_block.j`, `output_blocks.i.j`) its name lies in, when that block
 * has GroupNorm layers (in_layers/out_layers or norm); plain convolutions and resamplers are
 * not worth recomputing.
 */
export function unetBlockSegments(graph: Graph): (node: Node) => string | undefined {
  const blockOf = (name: string) => /(?:^|[./])((?:input_blocks|output_blocks)\.\d+\.\d+|middle_block\.\d+)(?=[./])/.exec(name)?.[1];
  const normalised = new Set<string>();
  for (const node of graph.nodes) {
    const block = blockOf(node.name);
    if (block && /\.(in_layers|out_layers|norm)\.?\d*\//.test(node.name)) normalised.add(block);
  }
  return (node) => {
    if (node.name.startsWith('grad/')) return undefined;
    const block = blockOf(node.name);
    return block && normalised.has(block) ? block : undefined;
  };
}

/** A dropout site: its mask input (bool: true keeps the value, scaled by 1/(1−rate)). */
export interface DropoutSite {
  input: string;
  shape: Shape;
  rate: number;
}

/**
 * A non-trained buffer the step updates (a train-mode BatchNorm's running_mean, running_var,
 * num_batches_tracked): input `key`, output `key.new`.
 */
export interface BufferSlot {
  key: string;
  shape: Shape;
  dtype: 'float32' | 'int64';
}

/** torch BatchNorm's default momentum of the running statistics. */
export const batchNormMomentum = 0.1;

/** The built graph and the names its runner needs. */
export interface TrainStepGraph {
  graph: Graph;
  /** Trainable parameter keys with shapes, in input order. */
  parameters: { key: string; shape: Shape }[];
  /** Buffers updated by the forward pass (empty with batchNorm 'running'). */
  buffers: BufferSlot[];
  dropout: DropoutSite[];
  precision: 'float32' | 'mixed-float16';
  /** Where the optimiser runs (TrainStepOptions.optimizer). */
  optimizer: 'graph' | 'host';
  /** The clipping and Adam settings (applied by the graph, or by the runner with 'host'). */
  adam: AdamConfig;
}

/** Upstream's schedule and P2 defaults (linear, 1000 steps, k = γ = 1). */
export const upstreamSchedule: Readonly<ScheduleConfig> = Object.freeze({ kind: 'linear', steps: 1000 });
export const upstreamP2: Readonly<P2Config> = Object.freeze({ k: 1, gamma: 1 });

/** Builds the train-step graph. */
export function buildTrainStep(options: TrainStepOptions): TrainStepGraph {
  const { config, stateDict, batch: n, imageSize: size } = options;
  const schedule = options.schedule ?? upstreamSchedule;
  const p2 = options.p2 ?? upstreamP2;
  const isTrainable = options.trainable ?? ((key: string) => key.startsWith('denoisingUNet.'));
  const precision = options.precision ?? 'float32';
  const b = new GraphBuilder();
  b.graph.name = 'diffusionrig-train-step';

  const x0 = b.input(trainIo.x0, 'float32', [n, 3, size, size]);
  const physical = b.input(trainIo.physical, 'float32', [n, config.unet.inChannels - 3, size, size]);
  const timesteps = b.input(trainIo.timesteps, 'int64', [n]);
  const noise = b.input(trainIo.noise, 'float32', [n, 3, size, size]);
  // DiffusionRig-EMO v2: FLAME shape and identity per item, beside the latent in the condition
  const face = config.unet.faceCondition;
  const faceCondition = face ? { shape: b.input(trainIo.shape, 'float32', [n, face.shapeDim]), identity: b.input(trainIo.identity, 'float32', [n, face.identityDim]) } : {};
  const optimizer = options.optimizer ?? 'graph';
  const lossScale = precision === 'mixed-float16' ? b.input(trainIo.lossScale, 'float32', []) : undefined;

  const parameters: { key: string; shape: Shape }[] = [];
  const trainableValues: Value[] = [];
  const trackRunning = (options.batchNorm ?? 'batch') === 'batch';
  const buffers: BufferSlot[] = [];
  const bufferOutputs: Value[] = [];
  const source = (target: GraphBuilder, declare: boolean): ParameterSource => (key, shape) => {
    const existing = target.graph.value(key);
    if (existing) return existing;
    const tensor = stateDict.get(key);
    if (!tensor) throw new Error(`train step: the state dict has no ${key}`);
    if (tensor.shape.join(',') !== shape.join(',')) throw new Error(`train step: ${key} has shape [${tensor.shape.join(',')}], the model needs [${shape.join(',')}]`);
    if (!isTrainable(key)) {
      if (trackRunning && /\.running_(mean|var)$/.test(key)) return target.input(key, 'float32', shape);
      return target.initializer(key, tensor);
    }
    const value = target.input(key, 'float32', shape);
    if (declare) {
      parameters.push({ key, shape });
      trainableValues.push(value);
    }
    return value;
  };

  // q_sample and the P2 weight: per-item table rows picked by a one-hot MatMul (no Gather in the op set)
  const tables = trainingTables(schedule, p2);
  const rows = new Float32Array(schedule.steps * 3);
  for (let i = 0; i < schedule.steps; i++) {
    rows[3 * i] = tables.sqrtAlphasCumprod[i];
    rows[3 * i + 1] = tables.sqrtOneMinusAlphasCumprod[i];
    rows[3 * i + 2] = tables.p2Weight[i];
  }
  const [sqrtAlpha, sqrtOneMinusAlpha, weight] = b.scope('q_sample', () => {
    const range = b.constant(BigInt64Array.from({ length: schedule.steps }, (_, i) => BigInt(i)), [1, schedule.steps], 'int64');
    const oneHot = b.cast(b.equal(b.reshape(timesteps, [n, 1]), range), 'float32');
    const picked = b.matmul(oneHot, b.constant(rows, [schedule.steps, 3]));
    return b.split(picked, 3, 1).map((v) => b.reshape(v, [n, 1, 1, 1]));
  });
  const xT = b.add(b.mul(sqrtAlpha, x0), b.mul(sqrtOneMinusAlpha, noise));

  // torch train mode: running ← (1−m)·running + m·batch, the variance unbiased (×n/(n−1)),
  // num_batches_tracked += 1, every forward (also a skipped mixed-precision step: its forward ran)
  const stopRecording = trackRunning
    ? recordBatchStatistics(b, ({ mean, variance, count, runningMean, runningVar }) => {
        if (count < 2) throw new Error(`train step: BatchNorm ${runningMean.name} sees ${count} value per channel; train mode needs more than 1 (batch or image too small)`);
        const m = batchNormMomentum;
        const blend = (running: Value, batchValue: Value) => b.add(b.mul(running, b.scalar(1 - m)), b.mul(batchValue, b.scalar(m)));
        const newMean = blend(runningMean, mean);
        const newVar = blend(runningVar, b.mul(variance, b.scalar(count / (count - 1))));
        buffers.push({ key: runningMean.name, shape: runningMean.shape, dtype: 'float32' }, { key: runningVar.name, shape: runningVar.shape, dtype: 'float32' });
        bufferOutputs.push(newMean, newVar);
        const trackedKey = runningMean.name.replace(/running_mean$/, 'num_batches_tracked');
        const tracked = stateDict.get(trackedKey);
        if (tracked) {
          if (tracked.dtype !== 'int64' || tracked.shape.length !== 0) throw new Error(`train step: ${trackedKey} is ${tracked.dtype}[${tracked.shape.join(',')}], expected an int64 scalar`);
          const counter = b.input(trackedKey, 'int64', []);
          buffers.push({ key: trackedKey, shape: [], dtype: 'int64' });
          bufferOutputs.push(b.add(counter, b.constant(BigInt64Array.of(1n), [], 'int64')));
        }
      })
    : undefined;
  const latent = b.scope('encoder', () => buildEncoder(b, config.encoder, source(b, true), x0, { batchStatistics: trackRunning }));
  stopRecording?.();

  const dropout: DropoutSite[] = [];
  const rate = config.unet.dropout;
  const hooks = (target: GraphBuilder): TrainingHooks =>
    options.dropout === false || rate <= 0
      ? {}
      : {
          dropout: (h, where) => {
            const name = `dropout.${where}`;
            dropout.push({ input: name, shape: h.shape, rate });
            // kept values scaled by 1/(1−p) as torch's dropout does; the mask is one byte per
            // value (a quarter of a float mask), and Where's backward reads only the mask
            const kept = target.input(name, 'bool', h.shape);
            return target.where(kept, target.mul(h, scalarOf(target, 1 / (1 - rate), h.dtype)), scalarOf(target, 0, h.dtype));
          },
        };

  const timestepsFloat = b.cast(timesteps, 'float32');
  let eps: Value;
  if (precision === 'float32') {
    eps = buildUNet(b, config.unet, source(b, true), { x: xT, timesteps: timestepsFloat, physical, latent, ...faceCondition }, { hooks: hooks(b) });
  } else {
    // the UNet alone, float16 inside, float32 at its boundary (parameters are master weights)
    const f = new GraphBuilder();
    f.graph.name = 'unet';
    const inputs = {
      x: f.input('x', 'float32', xT.shape),
      timesteps: f.input('t', 'float32', [n]),
      physical: f.input('physical', 'float32', physical.shape),
      latent: f.input('latent', 'float32', latent.shape),
      ...(faceCondition.shape && faceCondition.identity
        ? { shape: f.input('shape', 'float32', faceCondition.shape.shape), identity: f.input('identity', 'float32', faceCondition.identity.shape) }
        : {}),
    };
    f.output(buildUNet(f, config.unet, source(f, false), inputs, { hooks: hooks(f) }), 'eps');
    const half = convertGraphToFloat16(f.graph);
    const bindings = new Map<string, Value>([['x', xT], ['t', timestepsFloat], ['physical', physical], ['latent', latent]]);
    if (faceCondition.shape && faceCondition.identity) bindings.set('shape', faceCondition.shape).set('identity', faceCondition.identity);
    const before = new Set(b.graph.inputs);
    eps = inlineGraph(b, half, bindings).get('eps')!;
    for (const input of b.graph.inputs) {
      if (!before.has(input) && isTrainable(input.name) && stateDict.has(input.name)) {
        parameters.push({ key: input.name, shape: input.shape });
        trainableValues.push(input);
      }
    }
  }

  const lossPerItem = b.scope('loss', () => {
    const diff = b.sub(noise, eps);
    return b.reshape(b.reduceMean(b.mul(weight, b.mul(diff, diff)), [1, 2, 3], false), [n]);
  });
  const loss = b.reduceMean(lossPerItem, [0], false);

  const seed = lossScale ? b.identity(lossScale) : undefined;
  const segments = options.recompute ? unetBlockSegments(b.graph) : undefined;
  if (segments && !b.graph.nodes.some((node) => segments(node) !== undefined)) {
    // the float16 conversion (nn/float16.ts) renames nodes, and blocks are told by name
    throw new Error(`activation recomputation found no UNet block in the ${precision} train step${precision === 'mixed-float16' ? ' (the float16 conversion does not keep node names yet); train with float32 or without recomputation' : ''}`);
  }
  // the normalisation segments (models/layers.ts normSegment) are always recomputed; a block
  // segment, when recomputing, contains its norm segments
  const normSegments = options.recomputeNorms === false ? undefined : (node: Node) => {
    if (node.name.startsWith('grad/')) return undefined;
    return node.tags.find((tag) => tag.startsWith(normSegmentPrefix));
  };
  const segmentOf = segments || normSegments ? (node: Node) => segments?.(node) ?? normSegments?.(node) : undefined;
  const { grads } = addGradients(b, loss, trainableValues, { seed, unreachable: 'throw', recompute: segmentOf });
  const unscaled = trainableValues.map((param) => (lossScale ? b.div(grads.get(param)!, lossScale) : grads.get(param)!));
  b.output(loss, trainIo.loss);
  b.output(lossPerItem, trainIo.lossPerItem);
  if (optimizer === 'host') {
    const { gradNorm, finite } = appendGradientNorm(b, unscaled);
    b.output(gradNorm, trainIo.gradNorm);
    if (precision === 'mixed-float16') b.output(finite, trainIo.finite);
    unscaled.forEach((grad, i) => b.output(grad, gradientName(trainableValues[i].name)));
  } else {
    const step = b.input(trainIo.step, 'float32', []);
    const learningRate = b.input(trainIo.learningRate, 'float32', []);
    const slots = trainableValues.map((param, i) => {
      const names = momentNames(param.name);
      return { param, grad: unscaled[i], m: b.input(names.m, 'float32', param.shape), v: b.input(names.v, 'float32', param.shape) };
    });
    const result = appendAdamStep(b, slots, step, learningRate, options.adam ?? upstreamAdam, { skipNonFinite: precision === 'mixed-float16' });
    b.output(result.gradNorm, trainIo.gradNorm);
    if (precision === 'mixed-float16') b.output(result.finite, trainIo.finite);
    b.output(result.step, updated(trainIo.step));
    slots.forEach((slot, i) => {
      b.output(result.params[i], updated(slot.param.name));
      b.output(result.m[i], updated(slot.m.name));
      b.output(result.v[i], updated(slot.v.name));
      if (options.exposeGradients) b.output(slot.grad, gradientName(slot.param.name));
    });
  }
  buffers.forEach((buffer, i) => b.output(bufferOutputs[i], updated(buffer.key)));
  dropUnusedInitializers(b.graph);
  return { graph: b.graph, parameters, buffers, dropout, precision, optimizer, adam: options.adam ?? upstreamAdam };
}

/**
 * Removes initialisers no node reads (the encoder's running statistics in batch-statistics
 * mode), so they are neither serialised nor reported by ORT as unused.
 */
function dropUnusedInitializers(graph: Graph): void {
  const used = new Set<Value>();
  for (const node of graph.nodes) for (const input of node.inputs) if (input) used.add(input);
  const kept = graph.initializers.filter((v) => used.has(v));
  graph.initializers.splice(0, graph.initializers.length, ...kept);
}
