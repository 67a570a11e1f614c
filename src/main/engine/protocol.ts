/**
 * The compute host's protocol: the request kinds it serves, their inputs, events and outputs,
 * and the messages that carry them between the main side (client.ts) and the host (host.ts).
 * Everything here crosses a worker_threads port, so it must be structured-cloneable; typed
 * arrays in inputs/outputs travel as transferable buffers where the sender no longer needs them.
 */
import type { EditScores, SamplerSettings } from '../../common/contract/edit';
import { AppError, type ErrorCode } from '../core/errors';
import { CancelledError } from '../core/cancellation';
import type { EngineInfo } from '../../common/contract/models';
import type { EditItem, GeneratedBatch } from '../diffusion/generate';
import type { KitModel } from '../diffusion/kit';
import type { ScoreInput } from '../edit/scores';
import type { EstimatePhotoInput, EstimatePhotoOutput } from '../estimate/task';
import type { DiffusionRigConfig } from '../models/config';
import type { BackendOptions } from '../nn/backend';
import type { runFinetune } from '../train/finetune';
import type { TrainingPair } from '../train/trainer';

/** Settings of a fine-tuning run, exactly as train/finetune.ts declares them (passed through unchanged). */
export type FinetuneRunSettings = Parameters<typeof runFinetune>[0]['settings'];

/** One DDIM batch: encoder latents, optional inversion, sampling; one request per batch. */
export interface SampleInput {
  model: KitModel;
  imageSize: number;
  sampler: SamplerSettings;
  items: EditItem[];
}

/** A DDIM step finished (a few numbers per step). */
export interface SampleEvent {
  phase: 'inversion' | 'sampling';
  step: number;
  total: number;
}

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

/** Faces of one image file (`rig-studio detect`). */
export interface DetectFacesInput {
  imagePath: string;
  minScore?: number;
}

/** A detected face: box [x, y, w, h] and 68 landmarks in image pixels, emotion probabilities. */
export interface DetectedFaceSummary {
  box: [number, number, number, number];
  score: number;
  landmarks68: [number, number][];
  emotion: Record<string, number>;
}

/** Diagnostics of the host itself (tests and benches: a slow step, a crash). */
export type DiagnosticInput = { action: 'ping' } | { action: 'block'; ms: number } | { action: 'exit'; code: number };

/** Every request kind: input, streamed event, output. */
export interface EngineRequests {
  /** DDIM sampling (and inversion) of one batch with a DiffusionRig model. */
  sample: { input: SampleInput; event: SampleEvent; output: GeneratedBatch };
  /** Scores of one generated image (face detector, emotion, embedding). */
  score: { input: ScoreInput; event: never; output: EditScores };
  /** A fine-tuning run. */
  finetune: { input: FinetuneInput; event: FinetuneEvent; output: FinetuneOutput };
  /** A stage-1 run from fresh weights (the same events and output as 'finetune'). */
  trainBase: { input: TrainBaseInput; event: FinetuneEvent; output: FinetuneOutput };
  /** One photo through the estimation pipeline (detector, mesh, emotion, DECA/EMOCA or fitting). */
  estimatePhoto: { input: EstimatePhotoInput; event: never; output: EstimatePhotoOutput };
  /** Faces, landmarks and emotion of one image (detector, mesh, emotion). */
  detectFaces: { input: DetectFacesInput; event: never; output: { width: number; height: number; faces: DetectedFaceSummary[] } };
  /** The engine as the Engine panel shows it, from the host's own session log; `probe` runs the one-op probe there first. */
  info: { input: { probe: boolean }; event: never; output: EngineInfo };
  /** Frees the loaded DiffusionRig models' sessions. */
  release: { input: Record<string, never>; event: never; output: { released: number } };
  diagnostic: { input: DiagnosticInput; event: never; output: { at: number; threadId: number } };
}

export type RequestKind = keyof EngineRequests;
export type RequestInput<K extends RequestKind> = EngineRequests[K]['input'];
export type RequestEvent<K extends RequestKind> = EngineRequests[K]['event'];
export type RequestOutput<K extends RequestKind> = EngineRequests[K]['output'];

/** Sessions options of the host's two backends (default: the provider order in force). */
export interface HostOptions {
  /** Sampling, scoring, estimation. */
  backend?: BackendOptions;
  /** Training (float16 is the run's choice, so the backend never converts by itself). */
  trainBackend?: BackendOptions;
}

/** An error as it crosses the port. */
export interface WireError {
  name: string;
  message: string;
  /** AppError's code. */
  code?: string;
}

/** Main → host. */
export type ToHost = { type: 'request'; id: number; kind: RequestKind; input: unknown } | { type: 'cancel'; id: number };

/** Host → main. */
export type FromHost = { type: 'event'; id: number; event: unknown } | { type: 'result'; id: number; output: unknown } | { type: 'error'; id: number; error: WireError };

/** Every ArrayBuffer under `value` (typed arrays and plain ArrayBuffers, nested in arrays and objects), once each. */
export function transferables(value: unknown, out = new Set<ArrayBuffer>()): ArrayBuffer[] {
  const walk = (v: unknown, depth: number) => {
    if (v === null || typeof v !== 'object' || depth > 8) return;
    if (ArrayBuffer.isView(v)) {
      if (v.buffer instanceof ArrayBuffer) out.add(v.buffer);
      return;
    }
    if (v instanceof ArrayBuffer) {
      out.add(v);
      return;
    }
    if (Array.isArray(v)) for (const x of v) walk(x, depth + 1);
    else if (v instanceof Map) for (const x of v.values()) walk(x, depth + 1);
    else for (const x of Object.values(v)) walk(x, depth + 1);
  };
  walk(value, 0);
  return [...out];
}

/** An error as it crosses the port (AppError's code and CancelledError's name survive). */
export function toWire(error: unknown): WireError {
  if (error instanceof CancelledError) return { name: 'CancelledError', message: error.message };
  if (error instanceof AppError) return { name: 'AppError', message: error.message, code: error.code };
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

/** The error a caller sees for a wire error: the same class where it matters (cancel, AppError codes). */
export function fromWire(error: WireError): Error {
  if (error.name === 'CancelledError') return new CancelledError();
  if (error.name === 'AppError' && error.code) return new AppError(error.code as ErrorCode, error.message);
  const out = new Error(error.message);
  if (error.name && error.name !== 'Error') out.name = error.name;
  return out;
}
