import { z } from 'zod';
import { channel } from './channel';
import { flameCodesSchema } from './edit';
import type { AssetCheck } from './flame';
import type { FlameCodes } from '../flame/codes';

// FLAME estimation seen from the UI: the project's estimator choice (Settings), the
// estimation job over an album, per-photo outcomes, and a photo's estimate with its codes
// editable (the estimator's original stays recoverable). The work itself is the 'estimate' job
// of src/main/estimate.

/**
 * Which estimator a project uses. 'fit' (landmark fitting) needs no checkpoint: it fits the
 * FLAME model chosen in Settings (or the demo head) to the 68 landmarks.
 */
export type EstimatorChoice = { kind: 'fit' } | { kind: 'deca'; checkpoint: string } | { kind: 'emoca'; checkpoint: string; config: string };

/** The estimator choice checked file by file (same shape as the FLAME asset checks). */
export interface EstimatorReport {
  choice: EstimatorChoice;
  /** True when the estimator can run with these files. */
  ok: boolean;
  checks: AssetCheck[];
  /** One line for the UI, e.g. "DECA (deca_model.tar, 49 MB)" or "Landmark fitting on the demo head (not FLAME)". */
  summary: string;
  /** The head whose codes it makes: the demo head (landmark fitting without a FLAME file) or FLAME. */
  head: 'demo' | 'flame';
}

/** Why a photo has no estimate after its latest job. */
export type EstimateOutcomeState = 'pending' | 'no-face' | 'several-faces' | 'face-too-small' | 'failed';

/** A photo's latest non-successful outcome (photos with an estimate are not listed). */
export interface PhotoOutcome {
  photoId: number;
  fileName: string;
  jobId: number;
  state: EstimateOutcomeState;
  reason: string | null;
  /** Detected faces in photo pixels [x, y, w, h] (several faces: the user picks one). */
  faceBoxes: [number, number, number, number][];
}

/**
 * What made a photo's codes in use, and for which head: a landmark fit of the demo head (not
 * FLAME) or of the researcher's FLAME model, DECA's or EMOCA's encoder (FLAME codes), the demo's
 * ground truth (demo head), or another source by its estimator name.
 */
export type CodeSource = 'demo-head-fit' | 'flame-fit' | 'deca' | 'emoca' | 'demo-ground-truth' | (string & {});

/** The source of codes made by `estimator` with `version` (a fit's version ends in the head's label). */
export function codeSource(estimator: string, version: string): CodeSource {
  if (estimator === 'fit') return /demo head/i.test(version) ? 'demo-head-fit' : 'flame-fit';
  return estimator;
}

/** Whether codes from `source` describe the demo head rather than FLAME. */
export function isDemoHeadSource(source: CodeSource): boolean {
  return source === 'demo-head-fit' || source === 'demo-ground-truth';
}

/** Estimation state of an album. */
export interface AlbumEstimates {
  albumId: number;
  photoCount: number;
  estimatedCount: number;
  /** Estimated photos per estimator ('deca', 'emoca', 'fit'). */
  byEstimator: Record<string, number>;
  /** Photos per source of the codes in use (`codeSource`): what made them, and for which head. */
  codeSources: Partial<Record<CodeSource, number>>;
  /**
   * Photos with FLAME codes but no estimate record (codes known from elsewhere, e.g. the demo's
   * ground truth), per source: editing and training use them like estimates.
   */
  codesOnly: Record<string, number>;
  /** Photos whose codes were edited by hand. */
  editedCount: number;
  /** Mean of the album's 100 shape values over the codes in use, as editing and training take it (null without codes). */
  meanShape: number[] | null;
  outcomes: PhotoOutcome[];
  /** The album's newest estimation job. */
  lastJob: { jobId: number; state: string } | null;
}

/** An image made for the UI (PNG in base64). */
export interface InlineImage {
  mime: 'image/png';
  base64: string;
  width: number;
  height: number;
}

/** One photo's estimate as the photo detail shows it. */
export interface PhotoEstimateView {
  photoId: number;
  /** 'deca', 'emoca', 'fit', or another source of known codes (e.g. the demo's 'demo-ground-truth'). */
  estimator: string;
  estimatorVersion: string;
  createdAt: string;
  photoSize: { width: number; height: number };
  faceIndex: number;
  /** Every detected face, photo pixels [x, y, w, h]; the used one at faceIndex. */
  faceBoxes: [number, number, number, number][];
  score: number;
  /** 68 iBUG landmarks in photo pixels (stored orientation, as the original is shown). */
  landmarks: [number, number][];
  /** The same 68 landmarks in the aligned 256 crop. */
  alignedLandmarks: [number, number][];
  /** The FFHQ-aligned 256 crop the codes were estimated on. */
  aligned: InlineImage;
  /** DECA's 224 crop of the aligned image (what DECA / EMOCA see). */
  decaCrop: InlineImage;
  /** Emotion probabilities (7 classes). */
  emotion: Record<string, number>;
  /** Codes in use (the Edit studio's), camera in the aligned crop's frame. */
  codes: FlameCodes;
  /** The estimator's codes, kept when the codes are edited. */
  original: FlameCodes;
  edited: boolean;
  /** Landmark fitting's report (fit only): errors in pixels, iterations, time. */
  fit: { initialError: number; finalError: number; iterations: { rigid: number; full: number }; milliseconds: number } | null;
  milliseconds: number | null;
}

const id = z.number().int().positive();
const path = z.string().min(1).max(4096);

export const estimatorChoiceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('fit') }),
  z.object({ kind: z.literal('deca'), checkpoint: path }),
  z.object({ kind: z.literal('emoca'), checkpoint: path, config: path }),
]);

export const estimateContract = {
  /** The open project's estimator and a fresh check of its files. */
  'estimate.estimator.get': channel<EstimatorReport>()(),
  /** Checks an estimator choice without saving it (Settings' live feedback). */
  'estimate.estimator.check': channel<EstimatorReport>()(estimatorChoiceSchema),
  /** Saves the open project's estimator (even when a file is wrong, so it can be fixed later). */
  'estimate.estimator.set': channel<EstimatorReport>()(estimatorChoiceSchema),
  /**
   * Starts the estimation job over an album with the project's estimator: all photos without an
   * estimate, or `photoIds`; `redo` estimates them again; `faceChoices` picks a face in photos
   * with several.
   */
  'estimate.start': channel<{ jobId: number }>()(
    z.object({
      albumId: id,
      photoIds: z.array(id).min(1).max(100_000).optional(),
      redo: z.boolean().default(false),
      faceChoices: z.array(z.object({ photoId: id, faceIndex: z.number().int().min(0).max(1000) })).max(100_000).default([]),
    }),
  ),
  /** An album's estimation state: counts, mean shape, per-photo problems, newest job. */
  'estimate.album': channel<AlbumEstimates>()(z.object({ albumId: id })),
  /** A photo's estimate (null when it has none); its latest problem is in estimate.album. */
  'estimate.photo': channel<PhotoEstimateView | null>()(z.object({ photoId: id })),
  /** Saves edited codes for a photo (what editing and training then use); the original is kept. */
  'estimate.saveCodes': channel<PhotoEstimateView>()(z.object({ photoId: id, codes: flameCodesSchema })),
  /** Puts the estimator's original codes back. */
  'estimate.restore': channel<PhotoEstimateView>()(z.object({ photoId: id })),
};
