/**
 * What the compute host does for each request kind, on the thread it runs on (the host worker,
 * or the calling thread for the in-process engine). One EngineState holds every onnxruntime
 * session of the product: the sampling/scoring/estimation backend and the training backend.
 */
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { readCheckpoint } from '../checkpoint';
import { writeSafetensors } from '../checkpoint/safetensors';
import { shapesOf } from '../checkpoint/stateDict';
import { generateBatch } from '../diffusion/generate';
import { ModelKit } from '../diffusion/kit';
import { FaceScorer } from '../edit/scores';
import { FaceAnalyser } from '../face/analyse';
import { loadImage } from '../face/image';
import type { EstimatorCache } from '../estimate/task';
import { estimatorCache, photoEstimation } from '../estimate/task';
import { loadDiffusionRig } from '../models/diffusionrig';
import { parameterCount } from '../models/infer';
import { OnnxBackend } from '../nn/backend';
import { engineInfo, probeEngine } from '../nn/engineInfo';
import { stage1Weights } from '../train/base';
import type { FinetuneProgress } from '../train/finetune';
import { runFinetune, stateFileName } from '../train/finetune';
import { mergeTrained } from '../train/personalised';
import type { FinetuneEvent, FinetuneInput, FinetuneOutput, HostOptions, RequestInput, RequestKind, RequestOutput, TrainBaseInput, WrittenModel } from './protocol';
import { writeFileAtomicSync } from '../library/atomicFile';

/** What a request can do besides its work. */
export interface RequestContext<K extends RequestKind> {
  signal: AbortSignal;
  emit(event: import('./protocol').RequestEvent<K>): void;
  /** True when the host is the calling thread (no worker). */
  inProcess: boolean;
}

/** The host's sessions and caches. */
export class EngineState {
  readonly backend: OnnxBackend;
  readonly trainBackend: OnnxBackend;
  readonly kit: ModelKit;
  private scorer: FaceScorer | null = null;
  private estimate: ReturnType<typeof photoEstimation> | null = null;
  /** One set of FLAME estimators for estimation and for scoring expressions. */
  private readonly estimators: EstimatorCache;

  constructor(options: HostOptions = {}) {
    // No provider list unless the host was given one: the backend then reads RIG_STUDIO_PROVIDERS
    // (e.g. "cpu" or "cuda,cpu") itself, and only the default order skips a software WebGPU
    // adapter (passing the default order here made it "explicit" and training ran on llvmpipe,
    // 15× slower than the CPU provider)
    this.backend = new OnnxBackend({ ...options.backend });
    this.trainBackend = new OnnxBackend({ ...options.trainBackend, float16: 'never' });
    this.kit = new ModelKit(this.backend);
    this.estimators = estimatorCache(this.backend);
  }

  faceScorer(): FaceScorer {
    this.scorer ??= new FaceScorer(this.backend, { estimateCode: async (spec, image) => (await (await this.estimators(spec)).estimate(image)).code });
    return this.scorer;
  }

  estimatePhoto(): ReturnType<typeof photoEstimation> {
    this.estimate ??= photoEstimation(this.estimators);
    return this.estimate;
  }

  /** Frees every session. */
  async dispose(): Promise<void> {
    await this.kit.releaseIdle();
    await Promise.all([this.backend.disposeAll(), this.trainBackend.disposeAll()]);
  }
}

type Handler<K extends RequestKind> = (state: EngineState, input: RequestInput<K>, ctx: RequestContext<K>) => Promise<RequestOutput<K>>;

/** Stops this thread for `ms` (a stand-in for one long synchronous session run). */
function blockThread(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function writeModel(dir: string, weights: Parameters<typeof writeSafetensors>[0], metadata: Record<string, string>): WrittenModel {
  const bytes = writeSafetensors(weights, { format: 'pt', producer: 'rig-studio', ...metadata });
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const path = join(dir, `${sha256.slice(0, 16)}.safetensors`);
  writeFileAtomicSync(path, bytes);
  return { path, sha256, sizeBytes: bytes.length, parameterCount: parameterCount(shapesOf(weights)).total };
}

/**
 * The per-step callback of a run: streams each step (the loss curve's new tail only) and a
 * 'checkpoint' event whenever runFinetune has written a new state file.
 */
function stepStreamer(stateDir: string, ctx: RequestContext<'finetune' | 'trainBase'>): (progress: FinetuneProgress) => void {
  const statePath = join(stateDir, stateFileName);
  const stamp = () => {
    try {
      return statSync(statePath).mtimeMs;
    } catch {
      return null;
    }
  };
  let saved = stamp();
  let sent = 0;
  return (progress) => {
    const { losses, step, steps, loss, stepsPerSecond, etaSeconds, ...detail } = progress;
    // only the curve's new tail crosses the boundary (a 5000-step curve each step would not be small)
    const offset = Math.min(sent, losses.length);
    const event: FinetuneEvent = { type: 'step', step, steps, loss, stepsPerSecond, etaSeconds, losses: losses.slice(offset), lossOffset: offset, detail: { ...detail } };
    delete event.detail.lossPerItem;
    sent = losses.length;
    ctx.emit(event);
    // finetune.ts writes its state file between steps; a new one is a checkpoint
    const now = stamp();
    if (now !== null && now !== saved) {
      saved = now;
      ctx.emit({ type: 'checkpoint', step, path: statePath });
    }
  };
}

async function finetune(state: EngineState, input: FinetuneInput, ctx: RequestContext<'finetune'>): Promise<FinetuneOutput> {
  const weights = loadDiffusionRig(readCheckpoint(input.model.filePath).stateDict, input.model.filePath, {}, input.model.config);
  const run = await runFinetune({
    backend: state.trainBackend,
    config: weights.config,
    weights: weights.stateDict,
    pairs: input.pairs,
    settings: input.settings,
    stateDir: input.stateDir,
    signal: ctx.signal,
    // the frozen encoder's weights are baked into the graph: one session per base model
    sessionTag: input.model.sha256.slice(0, 16),
    // read for this run alone; after it only the frozen parts are merged with the trained ones
    adoptWeights: true,
    onStep: stepStreamer(input.stateDir, ctx),
  });
  const model = run.status === 'done' ? writeModel(input.outputDir, mergeTrained(weights.stateDict, run.trained), { baseModel: input.model.sha256 }) : null;
  return { status: run.status, step: run.step, losses: run.losses, model };
}

async function trainBase(state: EngineState, input: TrainBaseInput, ctx: RequestContext<'trainBase'>): Promise<FinetuneOutput> {
  // the same fresh weights on every attempt (a resume replaces them with the saved state)
  const weights = stage1Weights(input.config, input.settings.seed);
  const run = await runFinetune({
    backend: state.trainBackend,
    config: input.config,
    weights,
    pairs: input.pairs,
    settings: { ...input.settings, trainable: 'all' },
    stateDir: input.stateDir,
    signal: ctx.signal,
    adoptWeights: true,
    onStep: stepStreamer(input.stateDir, ctx),
  });
  const model = run.status === 'done' ? writeModel(input.outputDir, mergeTrained(weights, run.trained), { stage: '1', architecture: JSON.stringify(input.config) }) : null;
  return { status: run.status, step: run.step, losses: run.losses, model };
}

/** The host's handlers by request kind. */
export const handlers: { [K in RequestKind]: Handler<K> } = {
  async sample(state, input, ctx) {
    const { runner, release } = await state.kit.acquire(input.model);
    try {
      return await generateBatch(runner, input.items, input.imageSize, input.sampler, {
        signal: ctx.signal,
        onStep: (phase, p) => ctx.emit({ phase, step: p.step, total: p.total }),
      });
    } finally {
      release();
    }
  },
  score: (state, input) => state.faceScorer().score(input),
  finetune,
  trainBase,
  estimatePhoto: (state, input) => state.estimatePhoto()(input),
  async detectFaces(state, input) {
    const image = await loadImage(input.imagePath);
    const analyses = await new FaceAnalyser(state.backend, { minScore: input.minScore }).analyse(image);
    const faces = analyses.map(({ face, emotion }) => ({
      box: [face.box.x, face.box.y, face.box.width, face.box.height] as [number, number, number, number],
      score: face.score,
      landmarks68: face.landmarks68.map(([x, y]) => [x, y] as [number, number]),
      emotion: { ...emotion },
    }));
    return { width: image.width, height: image.height, faces };
  },
  async info(_state, input) {
    let probeError: string | null = null;
    if (input.probe) await probeEngine().catch((error: unknown) => (probeError = error instanceof Error ? error.message : String(error)));
    return engineInfo(process.env, probeError);
  },
  async release(state) {
    return { released: await state.kit.releaseIdle() };
  },
  async diagnostic(_state, input, ctx) {
    if (input.action === 'block') blockThread(input.ms);
    if (input.action === 'exit') {
      if (ctx.inProcess) throw new Error('the in-process engine cannot exit (it is the app\'s own thread)');
      process.exit(input.code);
    }
    return { at: Date.now(), threadId };
  },
};

/** Runs one request on this thread. */
export function runRequest<K extends RequestKind>(state: EngineState, kind: K, input: RequestInput<K>, ctx: RequestContext<K>): Promise<RequestOutput<K>> {
  const handler = handlers[kind] as Handler<K> | undefined;
  if (!handler) return Promise.reject(new Error(`unknown compute engine request '${String(kind)}'`));
  return handler(state, input, ctx);
}
