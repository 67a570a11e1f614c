/**
 * Scores of an edit, from the face pipeline's npm-shipped models (src/main/face):
 * - emotion agreement: 1 − total variation distance between the emotion probabilities of the
 *   generated image and of the target photo (1 = same distribution);
 * - landmark error: mean distance, in pixels of the model's size, between the 68 landmarks of
 *   the edited FLAME head (projected with the source's camera) and the 68 landmarks detected
 *   in the generated image;
 * - identity similarity needs a face embedding model: none is converted yet (the converter does
 *   not handle @vladmandic/human's faceres), so it stays null with that note.
 * A score is null with a note whenever a face is not found.
 */
import type { EditScores } from '../../common/contract/edit';
import type { EmotionProbabilities } from '../face/emotion';
import { emotionLabels } from '../face/emotion';
import { FaceAnalyser } from '../face/analyse';
import type { RgbImage } from '../face/image';
import { loadImage } from '../face/image';
import type { OnnxBackend } from '../nn/backend';

/** What scoring one result needs. */
export interface ScoreInput {
  generated: RgbImage;
  /** The target photo file (null for explicit edits). */
  targetPath: string | null;
  /** 68 × 2 landmark pixels of the edited head at the generated image's size (empty when unknown). */
  editedLandmarks: Float64Array;
}

/** Computes scores of results. */
export interface Scorer {
  score(input: ScoreInput): Promise<EditScores>;
}

/** 1 − ½·Σ|p − q| over the seven emotion classes. */
export function emotionAgreement(p: EmotionProbabilities, q: EmotionProbabilities): number {
  let distance = 0;
  for (const label of emotionLabels) distance += Math.abs(p[label] - q[label]);
  return 1 - distance / 2;
}

/** Mean Euclidean distance of two 68-point sets (flat x, y pairs vs points). */
export function meanLandmarkDistance(expected: Float64Array, detected: readonly (readonly number[])[]): number {
  let sum = 0;
  for (let i = 0; i < 68; i++) sum += Math.hypot(expected[2 * i] - detected[i][0], expected[2 * i + 1] - detected[i][1]);
  return sum / 68;
}

/** Upscale small images before detection: the detector works on a 256² letterbox. */
function forDetection(image: RgbImage): { image: RgbImage; scale: number } {
  const factor = image.width >= 128 ? 1 : Math.ceil(128 / image.width);
  if (factor === 1) return { image, scale: 1 };
  const width = image.width * factor;
  const height = image.height * factor;
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const from = (Math.floor(y / factor) * image.width + Math.floor(x / factor)) * 3;
      data.set(image.data.subarray(from, from + 3), (y * width + x) * 3);
    }
  }
  return { image: { width, height, data }, scale: factor };
}

/** Scores with the face detector and emotion classifier on one backend; target emotions are cached by path. */
export class FaceScorer implements Scorer {
  private readonly analyser: FaceAnalyser;
  private readonly targetEmotion = new Map<string, Promise<EmotionProbabilities | null>>();

  constructor(backend: OnnxBackend, options: { cacheDir?: string } = {}) {
    this.analyser = new FaceAnalyser(backend, { cacheDir: options.cacheDir, maxFaces: 1 });
  }

  private emotionOfTarget(path: string): Promise<EmotionProbabilities | null> {
    let pending = this.targetEmotion.get(path);
    if (!pending) {
      pending = loadImage(path).then(async (image) => (await this.analyser.analyse(image))[0]?.emotion ?? null);
      this.targetEmotion.set(path, pending);
    }
    return pending;
  }

  async score(input: ScoreInput): Promise<EditScores> {
    const notes = ['identity: no face embedding model is available (the face-model converter does not handle faceres yet)'];
    const { image, scale } = forDetection(input.generated);
    const analysis = (await this.analyser.analyse(image))[0];
    if (!analysis) return { identity: null, emotion: null, landmarkError: null, notes: [...notes, 'no face detected in the generated image'] };
    let emotion: number | null = null;
    if (input.targetPath) {
      const target = await this.emotionOfTarget(input.targetPath);
      if (target) emotion = emotionAgreement(analysis.emotion, target);
      else notes.push('emotion: no face detected in the target photo');
    } else notes.push('emotion: no target photo');
    let landmarkError: number | null = null;
    if (input.editedLandmarks.length === 136) {
      landmarkError = meanLandmarkDistance(input.editedLandmarks, analysis.face.landmarks68.map(([x, y]) => [x / scale, y / scale]));
    } else notes.push('landmarks: the head model has no landmark embedding');
    return { identity: null, emotion, landmarkError, notes };
  }
}

/** Scores as CSV: one row per result with its photos, modes and the three scores. */
export function scoresCsv(rows: readonly { id: number; sourcePhotoId: number | null; targetPhotoId: number | null; modes: string; scores: EditScores | null }[]): string {
  const cell = (v: number | null | undefined) => (v === null || v === undefined ? '' : String(Math.round(v * 1e6) / 1e6));
  const quote = (text: string) => `"${text.replaceAll('"', '""')}"`;
  const lines = ['resultId,sourcePhotoId,targetPhotoId,modes,identity,emotionAgreement,landmarkErrorPx,notes'];
  for (const r of rows) {
    lines.push([r.id, r.sourcePhotoId ?? '', r.targetPhotoId ?? '', r.modes, cell(r.scores?.identity), cell(r.scores?.emotion), cell(r.scores?.landmarkError), quote((r.scores?.notes ?? ['not scored']).join('; '))].join(','));
  }
  return `${lines.join('\n')}\n`;
}
