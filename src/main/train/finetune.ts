/**
 * A resumable stage-2 fine-tuning run over the Trainer: runs until `steps`, writes the whole
 * run state every `checkpointInterval` steps (and when cancelled) to `stateDir`, and picks up
 * from the last state file when started again, so a crash costs at most one interval and a
 * cancel nothing. Progress reports step, loss, steps/s and ETA after every step.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StateDict } from '../checkpoint/state-dict';
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
}

/** Upstream's stage-2 defaults. */
export const stage2Defaults = Object.freeze({ steps: 5000, batchSize: 4, learningRate: 1e-5, checkpointInterval: 500 });

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
}): Promise<FinetuneResult> {
  const { settings, stateDir } = options;
  if (!Number.isInteger(settings.steps) || settings.steps < 1) throw new Error(`steps must be a positive integer, got ${settings.steps}`);
  if (!Number.isInteger(settings.checkpointInterval) || settings.checkpointInterval < 1) throw new Error(`checkpoint interval must be a positive integer, got ${settings.checkpointInterval}`);
  mkdirSync(stateDir, { recursive: true });
  const statePath = join(stateDir, stateFileName);
  let resume: { bytes: Uint8Array; path: string } | undefined;
  let losses: number[] = [];
  if (existsSync(statePath)) {
    const bytes = readFileSync(statePath);
    const saved = readTrainState(bytes, statePath);
    for (const key of ['batchSize', 'learningRate', 'seed', 'imageSize'] as const) {
      if (saved.settings[key] !== settings[key]) throw new Error(`${statePath}: the saved run used ${key} ${saved.settings[key]}, this run asks for ${settings[key]}`);
    }
    resume = { bytes, path: statePath };
    losses = readLosses(join(stateDir, 'losses.json'));
  }
  const trainer = await Trainer.create({ backend: options.backend, config: options.config, weights: options.weights, pairs: options.pairs, settings, resume });
  losses = losses.slice(0, trainer.stepCount);

  const save = () => {
    // write then rename, so a crash mid-write leaves the previous state intact
    const temporary = `${statePath}.partial`;
    writeFileSync(temporary, trainer.saveState());
    renameSync(temporary, statePath);
    writeFileSync(join(stateDir, 'losses.json'), JSON.stringify(losses));
  };
  const started = performance.now();
  const firstStep = trainer.stepCount;
  while (trainer.stepCount < settings.steps) {
    if (options.signal?.aborted) {
      save();
      return { status: 'cancelled', step: trainer.stepCount, losses, trained: trainer.trainedParameters() };
    }
    const result = await trainer.step();
    losses.push(result.loss);
    const done = trainer.stepCount - firstStep;
    const stepsPerSecond = done / ((performance.now() - started) / 1000);
    const remaining = settings.steps - trainer.stepCount;
    if (trainer.stepCount % settings.checkpointInterval === 0 || remaining === 0) save();
    options.onStep?.({ ...result, steps: settings.steps, stepsPerSecond, etaSeconds: stepsPerSecond > 0 ? remaining / stepsPerSecond : null, losses });
  }
  return { status: 'done', step: trainer.stepCount, losses, trained: trainer.trainedParameters() };
}

function readLosses(path: string): number[] {
  if (!existsSync(path)) return [];
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    return Array.isArray(parsed) ? parsed.filter((v): v is number => typeof v === 'number') : [];
  } catch {
    return []; // the curve is a convenience; the run state is what matters
  }
}
