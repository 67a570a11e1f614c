/**
 * A resumable stage-2 fine-tuning run over the Trainer: runs until `steps`, writes the whole
 * run state (with the loss curve) every `checkpointInterval` steps or `checkpointMinutes`
 * minutes, whichever comes first (and when cancelled), to `stateDir`, atomically and with
 * fsync (stateFile.ts), and picks up from the last state file when started again, so a crash
 * or `kill -9` costs at most one interval and a cancel nothing. Progress reports step, loss,
 * steps/s and ETA after every step.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FinetuneParams } from '../../common/contract/train';
import type { StateDict } from '../checkpoint/stateDict';
import type { OnnxBackend } from '../nn/backend';
import type { DiffusionRigConfig } from '../models/config';
import type { StepResult } from './runner';
import type { TrainerSettings, TrainingPair } from './trainer';
import { Trainer, readTrainState } from './trainer';

/** Settings of a fine-tuning run (upstream stage 2: 5000 steps, batch 4, lr 1e-5). */
export interface FinetuneSettings extends TrainerSettings {
  steps: number;
  /** Steps between state files. */
  checkpointInterval: number;
  /** Minutes between state files, whichever of this and `checkpointInterval` comes first (default 10). */
  checkpointMinutes?: number;
}

/** Upstream's stage-2 defaults, and the state-file cadence (500 steps or 10 minutes). */
export const stage2Defaults = Object.freeze({ steps: 5000, batchSize: 4, learningRate: 1e-5, checkpointInterval: 500, checkpointMinutes: 10 });

/**
 * The run settings of a finetune job's parameters (defaults already applied by the contract's
 * schema) at the training size `imageSize`: one place, so a new setting reaches runFinetune
 * without the job having to know it.
 */
export function finetuneSettings(params: FinetuneParams, imageSize: number, config?: DiffusionRigConfig): FinetuneSettings {
  // the encoder trains as chosen, by default for DiffusionRig-EMO v2 (its trainer's way); left
  // unset otherwise, so run states saved before the choice existed still resume
  const trainEncoder = params.trainEncoder ?? Boolean(config?.unet.faceCondition);
  return {
    ...(trainEncoder ? { trainable: 'all' as const } : {}),
    batchSize: params.batchSize,
    learningRate: params.learningRate,
    seed: params.seed,
    imageSize,
    steps: params.steps,
    checkpointInterval: params.checkpointInterval,
    checkpointMinutes: params.checkpointMinutes,
    precision: params.precision,
    recompute: params.recompute,
  };
}

/** What every step reports. */
export interface FinetuneProgress extends StepResult {
  steps: number;
  stepsPerSecond: number;
  /** Seconds left at the current rate (null before the rate is known). */
  etaSeconds: number | null;
  /** Loss of every step so far (read-only view; grows as the run goes). */
  losses: readonly number[];
}

/** How a run ended. */
export interface FinetuneResult {
  status: 'done' | 'cancelled';
  step: number;
  /** Loss of every step so far (the loss curve), including steps of earlier attempts. */
  losses: number[];
  /** The trained tensors by state-dict key. */
  trained: StateDict;
}

/** File of the latest run state inside the state directory. */
export const stateFileName = 'state.safetensors';

/**
 * Runs (or continues) a fine-tuning run. `signal` cancels between steps: the state is saved
 * and the result says 'cancelled'. A state file from other settings is refused with a message
 * naming what differs.
 */
export async function runFinetune(options: {
  backend: OnnxBackend;
  config: DiffusionRigConfig;
  weights: StateDict;
  pairs: readonly TrainingPair[];
  settings: FinetuneSettings;
  stateDir: string;
  signal?: AbortSignal;
  onStep?: (progress: FinetuneProgress) => void;
  /** Tells sessions apart beyond the architecture (see Trainer.create's `tag`). */
  sessionTag?: string;
  /** `weights` were read for this run: trained in place (Trainer.create's adoptWeights). */
  adoptWeights?: boolean;
}): Promise<FinetuneResult> {
  const { settings, stateDir } = options;
  if (!Number.isInteger(settings.steps) || settings.steps < 1) throw new Error(`steps must be a positive integer, got ${settings.steps}`);
  if (!Number.isInteger(settings.checkpointInterval) || settings.checkpointInterval < 1) throw new Error(`checkpoint interval must be a positive integer, got ${settings.checkpointInterval}`);
  const checkpointMinutes = settings.checkpointMinutes ?? stage2Defaults.checkpointMinutes;
  if (!(checkpointMinutes > 0)) throw new Error(`checkpoint minutes must be a positive number, got ${settings.checkpointMinutes}`);
  mkdirSync(stateDir, { recursive: true });
  const statePath = join(stateDir, stateFileName);
  let resume: { bytes: Uint8Array; path: string } | undefined;
  let losses: number[] = [];
  if (existsSync(statePath)) {
    const bytes = readFileSync(statePath);
    const saved = readTrainState(bytes, statePath);
    for (const key of ['batchSize', 'learningRate', 'seed', 'imageSize', 'trainable'] as const) {
      if (saved.settings[key] !== settings[key]) throw new Error(`${statePath}: the saved run used ${key} ${saved.settings[key]}, this run asks for ${settings[key]}`);
    }
    resume = { bytes, path: statePath };
    losses = saved.metadata.losses !== undefined ? parseLosses(saved.metadata.losses) : readLosses(join(stateDir, 'losses.json'));
  }
  const trainer = await Trainer.create({ backend: options.backend, config: options.config, weights: options.weights, pairs: options.pairs, settings, resume, tag: options.sessionTag, adoptWeights: options.adoptWeights });
  resume = undefined; // the file's bytes (the whole state) are not needed past the start
  losses = losses.slice(0, trainer.stepCount);

  let lastSave = performance.now();
  // the loss curve rides in the state file, so state and curve can never disagree after a crash
  const save = async () => {
    await trainer.writeState(statePath, { losses: JSON.stringify(losses) });
    lastSave = performance.now();
  };
  // the finally frees the training state a WebGPU run keeps on the device
  try {
    const started = performance.now();
    const firstStep = trainer.stepCount;
    while (trainer.stepCount < settings.steps) {
      if (options.signal?.aborted) {
        await save();
        return { status: 'cancelled', step: trainer.stepCount, losses, trained: await trainer.trainedParameters() };
      }
      const result = await trainer.step();
      losses.push(result.loss);
      const done = trainer.stepCount - firstStep;
      const stepsPerSecond = done / ((performance.now() - started) / 1000);
      const remaining = settings.steps - trainer.stepCount;
      const due = trainer.stepCount % settings.checkpointInterval === 0 || performance.now() - lastSave >= checkpointMinutes * 60_000;
      if (due || remaining === 0) await save();
      options.onStep?.({ ...result, steps: settings.steps, stepsPerSecond, etaSeconds: stepsPerSecond > 0 ? remaining / stepsPerSecond : null, losses });
    }
    return { status: 'done', step: trainer.stepCount, losses, trained: await trainer.trainedParameters() };
  } finally {
    trainer.dispose();
  }
}

/** The loss curve of a state file written before the curve moved into it. */
function readLosses(path: string): number[] {
  if (!existsSync(path)) return [];
  return parseLosses(readFileSync(path, 'utf8'));
}

function parseLosses(json: string): number[] {
  try {
    const parsed = JSON.parse(json) as unknown;
    return Array.isArray(parsed) ? parsed.filter((v): v is number => typeof v === 'number') : [];
  } catch {
    return []; // the curve is a convenience; the run state is what matters
  }
}
