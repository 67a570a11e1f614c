import { z } from 'zod';
import { channel } from './channel';
import type { FlameCodes } from '../flame/codes';
import type { HeadCheck } from './models';

// The Edit studio: expression / pose / light / appearance transfer between photos
// with a DiffusionRig model, as a job over sources × targets × modes; results keep their
// provenance and can be re-run, scored, exported and deleted.

/**
 * What a mode takes from the target: `exp` = the 50 expression values + jaw pose[3:];
 * `pose` = global rotation pose[:3]; `light` = the 27 SH values; `latent` = the target's
 * global latent (appearance). The camera always stays the source's.
 */
export const editModes = Object.freeze(['exp', 'pose', 'light', 'latent'] as const);
export type EditMode = (typeof editModes)[number];

/** A cell's modes: one mode or a combination, written 'exp+pose' (canonical order of editModes). */
export type ModeSet = string;

/**
 * How an edit samples: 'ddim' (upstream: DDIM over the respaced schedule ddimN) or 'dpm++'
 * (DPM-Solver++ multistep of order 2 over the model's 1000-step schedule, as DiffusionRig-EMO's
 * inference runs the official DPM-Solver: about as good in half the steps).
 */
export type SamplerMethod = 'ddim' | 'dpm++';
export const samplerMethods: readonly SamplerMethod[] = Object.freeze(['ddim', 'dpm++']);

/** The sampler's name as the UI and the CLI show it. */
export const samplerMethodLabels: Readonly<Record<SamplerMethod, string>> = Object.freeze({ ddim: 'DDIM', 'dpm++': 'DPM-Solver++' });

/** Sampler settings of an edit. */
export interface SamplerSettings {
  /** The sampler; absent means 'ddim' (results made before DPM-Solver++ was offered). */
  method?: SamplerMethod;
  /** Steps of the sampler (DDIM: respacing ddimN; also the steps of the DDIM inversion of the source). */
  steps: number;
  /** 0 = deterministic DDIM (upstream); inversion and DPM-Solver++ need 0. */
  eta: number;
  /** Seed of the starting noise (shared by every cell of a job, as upstream) and of η noise. */
  seed: number;
  /** Clamp x̂0 to [-1, 1] in DDIM steps and the inversion (upstream: true); DPM-Solver++ clamps only its result, as the library's caller does. */
  clip: boolean;
  /** Start from the DDIM inversion of the source photo instead of the seeded noise (keeps background and hair). */
  inversion: boolean;
}

/**
 * The default edit: DDIM 20, η 0, clipped, starting from the DDIM inversion of the source with
 * its own buffers, so what an edit does not change (background, hair, clothes) stays the
 * source's. Upstream's released sampling script starts every edit from one shared noise
 * instead (inversion off: the "DDIM inversion of the source" checkbox, `--no-inversion`).
 */
export const defaultSampler: SamplerSettings = Object.freeze({ method: 'ddim' as const, steps: 20, eta: 0, seed: 0, clip: true, inversion: true });

/** e.g. "DDIM 20" or "DPM-Solver++ 10". */
export function samplerLabel(sampler: Pick<SamplerSettings, 'method' | 'steps'>): string {
  return `${samplerMethodLabels[sampler.method ?? 'ddim']} ${sampler.steps}`;
}

/**
 * Parses a sampler spec NAME:STEPS ('ddim:20', 'dpm++:10'; also 'dpm-solver++' and
 * 'dpmsolver++'); returns the settings or a message saying what is wrong.
 */
export function parseSamplerSpec(text: string): { method: SamplerMethod; steps: number } | string {
  const m = /^\s*([a-z+-]+)\s*:\s*(\d+)\s*$/i.exec(text);
  const names: Record<string, SamplerMethod> = { ddim: 'ddim', 'dpm++': 'dpm++', 'dpm-solver++': 'dpm++', 'dpmsolver++': 'dpm++' };
  const method = m ? names[m[1].toLowerCase()] : undefined;
  if (!m || !method) return `'${text}' is not a sampler: give NAME:STEPS with NAME ddim or dpm++ (e.g. ddim:20, dpm++:10)`;
  const steps = Number(m[2]);
  if (!Number.isInteger(steps) || steps < 1 || steps > 1000) return `'${text}': steps must be a whole number from 1 to 1000`;
  if (method === 'dpm++' && steps < 2) return `'${text}': DPM-Solver++ of order 2 needs at least 2 steps`;
  return { method, steps };
}

/** A registered model as the Edit view lists it. */
export interface EditModelInfo {
  id: number;
  name: string;
  kind: 'base' | 'personalized';
  parameterCount: number;
  /** Image size the model runs at (from its lineage or its channel multipliers), null when unknown. */
  imageSize: number | null;
  /** The estimator of its training buffers (edits take the photos' codes from it by default); null when not known. */
  estimator: 'deca' | 'emoca' | 'fit' | null;
  createdAt: string;
  /** The head its buffers came from against the head in use (a mismatch makes noise, not faces). */
  head: HeadCheck;
}

/** Which photos of an album have FLAME codes (the ones that can be edited). */
export interface PhotoEstimateInfo {
  photoId: number;
  estimator: string;
}

/** Scores of one result; null where the model that would compute it is missing or found no face. */
export interface EditScores {
  /** Cosine similarity of face embeddings of source and generated (needs a face embedding model). */
  identity: number | null;
  /** Agreement of the generated image's emotion probabilities with the target's (1 − total variation distance). */
  emotion: number | null;
  /** Mean distance (pixels of the model's size) between the edited FLAME landmarks and the generated image's detected landmarks. */
  landmarkError: number | null;
  /**
   * RMSE over expression (50) and jaw pose (3) between the codes the edit asked for and the
   * codes an estimator re-estimates from the generated image (absent on results scored before
   * it existed; null with a note when it cannot be computed).
   */
  expressionError?: number | null;
  /** The same RMSE for the unedited source image: the floor an edit has to beat. */
  sourceExpressionError?: number | null;
  /** Which estimator re-estimated the expression ('deca', 'emoca' or 'fit'). */
  expressionEstimator?: string | null;
  /** Population variance of the Laplacian of the 8-bit gray image (the lab's sharpness). */
  sharpness?: number | null;
  /** σ = median(|HH|) / 0.6745 of a one-level Haar DWT of the gray image, in gray levels. */
  waveletNoise?: number | null;
  /** Why a score is missing. */
  notes: string[];
}

/** Mean and sample standard deviation of one measure over a row's results (n of them had it). */
export interface MeasureSummary {
  mean: number;
  sd: number;
  n: number;
}

/** One model and sampler of a job: its measures over its results. */
export interface EditComparisonRow {
  model: string;
  modelId: number | null;
  sampler: string;
  steps: number;
  results: number;
  secondsPerEdit: MeasureSummary | null;
  /** By EditScores key; null where no result has the measure. */
  measures: Partial<Record<'expressionError' | 'sourceExpressionError' | 'identity' | 'landmarkError' | 'emotion' | 'sharpness' | 'waveletNoise', MeasureSummary | null>>;
}

/** A job's comparison table, its CSV and its plot (SVG text). */
export interface EditComparison {
  rows: EditComparisonRow[];
  csv: string;
  svg: string;
}

/** Everything needed to regenerate a result and know where it came from. */
export interface EditProvenance {
  model: { id: number | null; name: string; sha256: string; kind: 'base' | 'personalized' };
  imageSize: number;
  sourcePhotoId: number;
  sourceHash: string;
  targetPhotoId: number | null;
  targetHash: string | null;
  /** The images the model saw (project-relative: the aligned crop of an estimate, else the photo) and their SHA-256. */
  sourceImage: { file: string; sha256: string };
  targetImage: { file: string; sha256: string } | null;
  modes: EditMode[];
  meanShape: boolean;
  /** Whose codes the source and the target were taken from ('deca', 'emoca', 'fit', or the codes the photo used, named by their estimator); absent in results from before the choice. */
  estimators?: { source: string; target: string | null };
  /** DiffusionRig-EMO v2 models only: the shape and identity ([shape, albedo code]) the UNet was conditioned on, from the source. */
  faceCondition?: { shape: number[]; identity: number[] };
  /** The exact codes the buffers were rendered from, and the source's own codes. */
  codes: FlameCodes;
  sourceCodes: FlameCodes;
  /** The head model the buffers were rendered with. */
  headModel: string;
  /** SHA-256 of the float32 physical buffers [9, S, S] fed to the UNet. */
  buffersHash: string;
  /** SHA-256 of the stored PNGs of the three buffers. */
  bufferImages: { rendered: string; normal: string; albedo: string };
  sampler: SamplerSettings;
  /** The solver and time grid that ran, in words (diffusion/generate.ts samplerPlan); absent in results from before 2026-12-07. */
  samplerPlan?: string;
  /** Items per UNet batch when generated, and this cell's position in it (float results may depend on both). */
  batch: { size: number; index: number };
  executionProvider: string;
  timing: { inversionMs: number; samplingMs: number; renderMs: number; totalMs: number };
  /** SHA-256 of the float32 sample [3, S, S] before quantisation. */
  sampleHash: string;
  appVersion: string;
  createdAt: string;
}

export interface EditResultInfo {
  id: number;
  jobId: number | null;
  albumId: number;
  modelId: number | null;
  sourcePhotoId: number | null;
  targetPhotoId: number | null;
  modes: ModeSet;
  /** SHA-256 of the generated PNG. */
  imageHash: string;
  provenance: EditProvenance;
  scores: EditScores | null;
  createdAt: string;
}

export type EditCellState = 'pending' | 'done' | 'failed' | 'cancelled';

export interface EditCellInfo {
  idx: number;
  sourcePhotoId: number;
  targetPhotoId: number | null;
  modes: ModeSet;
  state: EditCellState;
  resultId: number | null;
  error: string | null;
  /** Index of the cell's model run in EditJobView.runs (edit jobs; absent: the job's only run). */
  run?: number;
}

/** A model run of an edit job as the grid shows it. */
export interface EditRunInfo {
  modelId: number;
  /** The model's name ('model N' once it is no longer registered). */
  model: string;
  sampler: SamplerSettings;
  /** The model and sampler, e.g. 'Demo base model · DDIM 20'. */
  label: string;
}

/** An edit job with its cells and finished results (what the grid shows). */
export interface EditJobView {
  jobId: number;
  title: string;
  state: string;
  sourcePhotoIds: number[];
  targetPhotoIds: number[];
  modes: ModeSet[];
  /** The model axis: one generated tile per run for every source, target and mode set. */
  runs: EditRunInfo[];
  cells: EditCellInfo[];
  results: EditResultInfo[];
}

/** Images of a result: the output, the three buffers, and the aligned source/target as the model saw them. */
export type EditImageKind = 'generated' | 'rendered' | 'normal' | 'albedo' | 'source' | 'target';

export interface EncodedImage {
  mime: 'image/png' | 'image/webp';
  base64: string;
  width: number;
  height: number;
}

/** Outcome of re-running a stored result with its provenance. */
export interface RerunReport {
  resultId: number;
  /** True when the new float sample hashes the same (hence identical pixels). */
  identical: boolean;
  /** Largest |difference| of 8-bit pixel values between the stored and the new image. */
  maxPixelDifference: number;
  executionProvider: string;
  milliseconds: number;
}

/** A sweep job: its frames (cells and stored results) and, when asked, the strip and animated WebP of the frames done. */
export interface SweepView {
  jobId: number;
  title: string;
  state: string;
  /** Frames the sweep has in all. */
  frames: number;
  cells: EditCellInfo[];
  results: EditResultInfo[];
  /** Frames done side by side (null when none is done or media was not asked for). */
  strip: EncodedImage | null;
  animation: EncodedImage | null;
}

/** Pushed when a cell of an edit job finishes (done, failed or cancelled). */
export interface EditCellEvent {
  jobId: number;
  cell: EditCellInfo;
}

// Events of this domain join the shared map (declaration merging keeps events.ts unchanged).
declare module './events' {
  interface EventMap {
    'edit.cell': EditCellEvent;
  }
}

const id = z.number().int().positive();
const codeArray = (length: number) => z.array(z.number().finite()).length(length);

export const samplerSchema = z
  .object({
    // optional: absent is 'ddim', so settings and results from before DPM-Solver++ stay valid
    method: z.enum(['ddim', 'dpm++']).optional(),
    steps: z.number().int().min(1).max(1000).default(20),
    eta: z.number().min(0).max(1).default(0),
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(0),
    clip: z.boolean().default(true),
    inversion: z.boolean().default(true),
  })
  .refine((s) => s.method !== 'dpm++' || s.eta === 0, { message: 'DPM-Solver++ is deterministic: η must be 0', path: ['eta'] })
  .refine((s) => s.method !== 'dpm++' || s.steps >= 2, { message: 'DPM-Solver++ of order 2 needs at least 2 steps', path: ['steps'] });

/** A mode set: modes joined by '+', each known, no repeats. */
export const modeSetSchema = z
  .string()
  .min(1)
  .refine((text) => {
    const parts = text.split('+');
    return parts.every((p) => (editModes as readonly string[]).includes(p)) && new Set(parts).size === parts.length;
  }, 'modes are exp, pose, light, latent, or combinations like exp+pose');

export const flameCodesSchema = z.object({
  shape: codeArray(100),
  expression: codeArray(50),
  pose: codeArray(6),
  camera: codeArray(3),
  light: codeArray(27),
});

/** An estimator of FLAME codes (contract/models.ts CodeEstimator). */
export const codeEstimatorSchema = z.enum(['deca', 'emoca', 'fit']);

/**
 * One model run of an edit job: a model with its sampler settings (and, where the weights do not
 * tell it, its image size). A job over several runs makes one cell per run for every source,
 * target and mode; the same model may run twice (e.g. DDIM 20 and DPM-Solver++ 10).
 */
export const modelRunSchema = z.object({
  modelId: id,
  sampler: samplerSchema.default({ ...defaultSampler }),
  imageSize: z.number().int().min(16).max(1024).optional(),
});
export type ModelRun = z.infer<typeof modelRunSchema>;

/** The most model runs one job takes. */
export const maxModelRuns = 8;

export const editJobParamsSchema = z
  .object({
    /** The one model of a job (jobs from before the model axis, slider edits); `runs` lists several instead. */
    modelId: id.optional(),
    /** The model axis: each run's model and sampler (give `runs` or `modelId`, not both). */
    runs: z.array(modelRunSchema).min(1).max(maxModelRuns).optional(),
    sourcePhotoIds: z.array(id).min(1).max(200),
    /** Targets of transfer cells. */
    targetPhotoIds: z.array(id).max(200).default([]),
    modes: z.array(modeSetSchema).max(16).default([]),
    /** Explicit edits (slider edits): each source is rendered with these codes instead of a target's. */
    explicitCodes: flameCodesSchema.optional(),
    meanShape: z.boolean().default(true),
    /**
     * Whose codes the sources and the targets are edited with: DECA's, EMOCA's or landmark
     * fitting's (each photo keeps every estimator's codes). Absent: each run's model's estimator
     * when it has one, else the codes each photo uses.
     */
    sourceEstimator: codeEstimatorSchema.optional(),
    targetEstimator: codeEstimatorSchema.optional(),
    /** The one model's sampler (with `runs`, each run carries its own). */
    sampler: samplerSchema.default({ ...defaultSampler }),
    /** Overrides the one model's image size (needed when it cannot be told from the model). */
    imageSize: z.number().int().min(16).max(1024).optional(),
    batchSize: z.number().int().min(1).max(16).default(4),
    /** Compute scores (face detection on each result). */
    scores: z.boolean().default(true),
    /** Which FLAME estimator re-estimates each result's expression for its expression error ('target': the one that made the target's codes; 'none': not measured). */
    expressionEstimator: z.enum(['target', 'deca', 'emoca', 'fit', 'none']).optional(),
  })
  .refine((p) => (p.modelId === undefined) !== (p.runs === undefined), { message: 'give modelId (one model) or runs (several models or samplers), not both', path: ['runs'] })
  .refine((p) => p.runs === undefined || p.imageSize === undefined, { message: 'with runs, each run gives its own imageSize', path: ['imageSize'] });
export type EditJobParams = z.infer<typeof editJobParamsSchema>;

/**
 * The model runs of a job's parameters: `runs` as given, or the one model of a job from before
 * the model axis (or a slider edit) with the job's sampler and image size.
 */
export function modelRuns(params: Pick<EditJobParams, 'modelId' | 'runs' | 'sampler' | 'imageSize'>): ModelRun[] {
  if (params.runs) return params.runs;
  if (params.modelId === undefined) throw new Error('an edit job names no model');
  return [{ modelId: params.modelId, sampler: params.sampler, ...(params.imageSize === undefined ? {} : { imageSize: params.imageSize }) }];
}

export const sweepParamsSchema = z.object({
  modelId: id,
  sourcePhotoId: id,
  kind: z.enum(['light', 'expression']),
  /** Expression A→B: the two photos whose exp + jaw are interpolated. */
  fromPhotoId: id.optional(),
  toPhotoId: id.optional(),
  /** Light rotation: total yaw in degrees swept around the source's light. */
  degrees: z.number().min(-360).max(360).default(360),
  frames: z.number().int().min(2).max(60).default(8),
  meanShape: z.boolean().default(true),
  sampler: samplerSchema.default({ ...defaultSampler }),
  imageSize: z.number().int().min(16).max(1024).optional(),
  /** Milliseconds per frame of the animation. */
  frameMs: z.number().int().min(20).max(5000).default(120),
});
export type SweepParams = z.infer<typeof sweepParamsSchema>;

export const editContract = {
  /** Models registered in the project (imported or personalised). */
  'edit.models': channel<EditModelInfo[]>()(),
  /** Photos of an album that have FLAME codes. */
  'edit.estimates': channel<PhotoEstimateInfo[]>()(z.object({ albumId: id })),
  /** The FLAME codes of one photo (what the viewport opens for a slider edit). */
  'edit.photoCodes': channel<FlameCodes>()(z.object({ photoId: id })),
  /** Starts an edit job (sources × targets × modes, or sources × explicit codes). */
  'edit.start': channel<{ jobId: number }>()(editJobParamsSchema),
  /** Recent edit jobs, newest first. */
  'edit.jobs': channel<{ jobId: number; title: string; state: string; createdAt: string }[]>()(z.object({ limit: z.number().int().min(1).max(200).default(20) })),
  /** One edit job: its cells and results. */
  'edit.job': channel<EditJobView>()(z.object({ jobId: id })),
  /** Results whose source is in this album, newest first. */
  'edit.results': channel<EditResultInfo[]>()(z.object({ albumId: id })),
  /** One image of a result (PNG, base64). */
  'edit.image': channel<EncodedImage>()(z.object({ resultId: id, kind: z.enum(['generated', 'rendered', 'normal', 'albedo', 'source', 'target']) })),
  'edit.delete': channel<{ deleted: number }>()(z.object({ resultIds: z.array(id).min(1).max(10_000) })),
  /** Regenerates a result from its provenance and compares pixels. */
  'edit.rerun': channel<RerunReport>()(z.object({ resultId: id })),
  /** The comparison grid of a job as one PNG (rows sources, columns targets; per cell source | target | generated per mode), tiles ≥ 128 px, numbered with a legend; scores under the tiles when asked. */
  'edit.exportGrid': channel<EncodedImage>()(z.object({ jobId: id, scores: z.boolean().default(false) })),
  /** Writes every result of a job (PNG + provenance JSON + buffers) and scores.csv into a folder on the backend. */
  'edit.exportResults': channel<{ dir: string; files: string[] }>()(z.object({ jobId: id, dir: z.string().min(1).max(4096) })),
  /** Scores of a job's results as CSV text. */
  'edit.scoresCsv': channel<{ csv: string }>()(z.object({ jobId: id })),
  /** The job's comparison: mean ± sd of every measure and seconds per edit per model and sampler, as rows, CSV and an SVG plot. */
  'edit.comparison': channel<EditComparison>()(z.object({ jobId: id })),
  /** Starts an interpolation sweep job of one source (light rotation or expression A→B); frames arrive as 'edit.cell' events. */
  'edit.sweep': channel<{ jobId: number }>()(sweepParamsSchema),
  /** A sweep job's frames; with media, the strip and animated WebP of the frames done. */
  'edit.sweepView': channel<SweepView>()(z.object({ jobId: id, media: z.boolean().default(true) })),
};
