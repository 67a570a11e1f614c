/**
 * Worker-thread step (out/main/worker.js, task 'buildDiffusionRigOnnx'): reads a registered
 * DiffusionRig checkpoint, checks it against its config, builds the UNet and latent-encoder
 * graphs for one (batch, image size) and serialises them to ONNX files.
 *
 * Why a worker and files: for the 256-px default config this is about a second of synchronous
 * work (checkpoint read ~0.5–0.7 s, ONNX serialisation of the 534 MB UNet ~0.3–0.5 s) that
 * would stall the backend's event loop (API calls, progress events). Writing the ONNX to a file
 * instead of posting the bytes back keeps even the structured-clone copy of half a gigabyte off
 * the main thread, which then reads the file asynchronously and creates the ORT session there.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCheckpoint } from '../checkpoint';
import type { DiffusionRigConfig } from '../models/config';
import { encoderGraph, loadDiffusionRig, unetGraph } from '../models/diffusionrig';
import { serializeGraph } from '../nn/serialize';

/** What to build. */
export interface BuildDiffusionRigInput {
  checkpointPath: string;
  /** The registered config (overrides what the checkpoint's shapes suggest). */
  config: DiffusionRigConfig;
  batch: number;
  imageSize: number;
  /** Folder for the ONNX files (default: the OS temp folder); the caller deletes them. */
  dir?: string;
}

/** The ONNX files written and how long each step took. */
export interface BuildDiffusionRigOutput {
  unetPath: string;
  encoderPath: string;
  timing: { readMs: number; checkMs: number; buildMs: number; serialiseMs: number };
}

/** Builds and writes the two ONNX graphs of a checkpoint for one batch size and image size. */
export async function buildDiffusionRigOnnx(input: BuildDiffusionRigInput): Promise<BuildDiffusionRigOutput> {
  const t0 = performance.now();
  const checkpoint = readCheckpoint(input.checkpointPath);
  const t1 = performance.now();
  const weights = loadDiffusionRig(checkpoint.stateDict, input.checkpointPath, {}, input.config);
  const t2 = performance.now();
  const parameters = { kind: 'initializers' as const, stateDict: weights.stateDict };
  const shape = { batch: input.batch, imageSize: input.imageSize, symbolicBatch: true };
  const unet = unetGraph(weights.config, parameters, shape);
  const encoder = encoderGraph(weights.config, parameters, shape);
  const t3 = performance.now();
  const stem = join(input.dir ?? tmpdir(), `rig-studio-${process.pid}-${randomBytes(6).toString('hex')}`);
  const unetPath = `${stem}-unet.onnx`;
  const encoderPath = `${stem}-encoder.onnx`;
  writeFileSync(unetPath, serializeGraph(unet));
  writeFileSync(encoderPath, serializeGraph(encoder));
  const t4 = performance.now();
  return { unetPath, encoderPath, timing: { readMs: t1 - t0, checkMs: t2 - t1, buildMs: t3 - t2, serialiseMs: t4 - t3 } };
}
