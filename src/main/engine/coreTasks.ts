/**
 * The host's request kinds that belong to the layers below the features: DDIM/DPM-Solver++
 * sampling of a batch, face detection, the engine's own report, freeing models, diagnostics.
 * The features add theirs (edit/hostTasks.ts, estimate/hostTasks.ts, train/hostTasks.ts) and the
 * composition root joins the tables (app/hostTasks.ts).
 */
import { threadId } from 'node:worker_threads';
import type { SamplerSettings } from '../../common/contract/edit';
import type { EngineInfo } from '../../common/contract/models';
import type { EditItem, GeneratedBatch } from '../diffusion/generate';
import { generateBatch } from '../diffusion/generate';
import type { KitModel } from '../diffusion/kit';
import { FaceAnalyser } from '../face/analyse';
import { loadImage } from '../face/image';
import { engineInfo, probeEngine } from '../nn/engineInfo';
import type { RequestContext } from './protocol';
import type { HostState } from './state';

/** One sampling batch: encoder latents, optional inversion, sampling; one request per batch. */
export interface SampleInput {
  model: KitModel;
  imageSize: number;
  sampler: SamplerSettings;
  items: EditItem[];
}

/** A sampler step finished (a few numbers per step). */
export interface SampleEvent {
  phase: 'inversion' | 'sampling';
  step: number;
  total: number;
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

/** Stops this thread for `ms` (a stand-in for one long synchronous session run). */
function blockThread(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Sampling (and inversion) of one batch with a DiffusionRig model. */
async function sample(state: HostState, input: SampleInput, ctx: RequestContext<SampleEvent>): Promise<GeneratedBatch> {
  const { runner, release } = await state.kit.acquire(input.model);
  try {
    return await generateBatch(runner, input.items, input.imageSize, input.sampler, {
      signal: ctx.signal,
      onStep: (phase, p) => ctx.emit({ phase, step: p.step, total: p.total }),
    });
  } finally {
    release();
  }
}

/** Faces, landmarks and emotion of one image (detector, mesh, emotion). */
async function detectFaces(state: HostState, input: DetectFacesInput): Promise<{ width: number; height: number; faces: DetectedFaceSummary[] }> {
  const image = await loadImage(input.imagePath);
  const analyses = await new FaceAnalyser(state.backend, { minScore: input.minScore }).analyse(image);
  const faces = analyses.map(({ face, emotion }) => ({
    box: [face.box.x, face.box.y, face.box.width, face.box.height] as [number, number, number, number],
    score: face.score,
    landmarks68: face.landmarks68.map(([x, y]) => [x, y] as [number, number]),
    emotion: { ...emotion },
  }));
  return { width: image.width, height: image.height, faces };
}

/** The engine as the Engine panel shows it, from the host's own session log; `probe` runs the one-op probe there first. */
async function info(_state: HostState, input: { probe: boolean }): Promise<EngineInfo> {
  let probeError: string | null = null;
  if (input.probe) await probeEngine().catch((error: unknown) => (probeError = error instanceof Error ? error.message : String(error)));
  return engineInfo(process.env, probeError);
}

/** Frees the loaded DiffusionRig models' sessions. */
async function release(state: HostState, _input: Record<string, never>): Promise<{ released: number }> {
  return { released: await state.kit.releaseIdle() };
}

async function diagnostic(_state: HostState, input: DiagnosticInput, ctx: RequestContext<never>): Promise<{ at: number; threadId: number }> {
  if (input.action === 'block') blockThread(input.ms);
  if (input.action === 'exit') {
    if (ctx.inProcess) throw new Error("the in-process engine cannot exit (it is the app's own thread)");
    process.exit(input.code);
  }
  return { at: Date.now(), threadId };
}

export const coreTasks = { sample, detectFaces, info, release, diagnostic };
export type CoreTasks = typeof coreTasks;

/** Kinds whose outputs hold fresh buffers the host keeps no reference to: transferred, not copied. */
export const transferredOutputs: readonly string[] = ['sample'];
