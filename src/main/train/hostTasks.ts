/**
 * The training kinds of the compute host: a fine-tuning run and a stage-1 run from fresh
 * weights, one request each, streaming steps and checkpoints; the composition root adds them to
 * the host's table (app/hostTasks.ts).
 */
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { readCheckpoint } from '../checkpoint';
import { writeSafetensors } from '../checkpoint/safetensors';
import { shapesOf } from '../checkpoint/stateDict';
import type { KitModel } from '../diffusion/kit';
import type { RequestContext } from '../engine/protocol';
import type { HostState } from '../engine/state';
import { writeFileAtomicSync } from '../library/atomicFile';
import type { DiffusionRigConfig } from '../models/config';
import { loadDiffusionRig } from '../models/diffusionrig';
import { parameterCount } from '../models/infer';
import { stage1Weights } from './base';
import type { FinetuneProgress } from './finetune';
import { runFinetune, stateFileName } from './finetune';
import { mergeTrained } from './personalised';
import type { TrainingPair } from './trainer';

/** Settings of a fine-tuning run, exactly as finetune.ts declares them (passed through unchanged). */
export type FinetuneRunSettings = Parameters<typeof runFinetune>[0]['settings'];

/** A whole fine-tuning run (or its continuation from `stateDir`), one request. */
export interface FinetuneInput {
  /** The base model (checkpoint read and checked in the host). */
  model: KitModel;
  pairs: TrainingPair[];
  settings: FinetuneRunSettings;
  stateDir: string;
  /** Where the personalised model's safetensors file is written when the run completes. */
  outputDir: string;
}

/**
 * A whole stage-1 run (or its continuation from `stateDir`), one request: the host makes the
 * fresh weights of `config` (train/base.ts, seeded by `settings.seed`), trains every parameter
 * of UNet and encoder (settings.trainable 'all'), streams the same events as 'finetune' and
 * writes the whole model to `outputDir` at the end. Resume, state files and cancel are
 * finetune's (train/finetune.ts runFinetune).
 */
export interface TrainBaseInput {
  config: DiffusionRigConfig;
  pairs: TrainingPair[];
  settings: FinetuneRunSettings;
  stateDir: string;
  outputDir: string;
}

/** What a fine-tuning run streams: per-step numbers (the losses since the last event only) and checkpoints written. */
export type FinetuneEvent =
  | {
      type: 'step';
      step: number;
      steps: number;
      loss: number;
      stepsPerSecond: number;
      etaSeconds: number | null;
      /** Loss of steps `lossOffset`, `lossOffset + 1`, … (the curve's new tail; the whole curve on the first event). */
      losses: number[];
      lossOffset: number;
      /** The rest of the step's report (train/finetune.ts's FinetuneProgress minus the curve), as it comes. */
      detail: Record<string, unknown>;
    }
  | { type: 'checkpoint'; step: number; path: string };

/** The personalised model file the host wrote (the main side registers it). */
export interface WrittenModel {
  path: string;
  sha256: string;
  sizeBytes: number;
  parameterCount: number;
}

/** How a run ended; `model` when it completed. */
export interface FinetuneOutput {
  status: 'done' | 'cancelled';
  step: number;
  losses: number[];
  model: WrittenModel | null;
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
function stepStreamer(stateDir: string, ctx: RequestContext<FinetuneEvent>): (progress: FinetuneProgress) => void {
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

async function finetune(state: HostState, input: FinetuneInput, ctx: RequestContext<FinetuneEvent>): Promise<FinetuneOutput> {
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

async function trainBase(state: HostState, input: TrainBaseInput, ctx: RequestContext<FinetuneEvent>): Promise<FinetuneOutput> {
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

export const trainHostTasks = { finetune, trainBase };
export type TrainHostTasks = typeof trainHostTasks;
