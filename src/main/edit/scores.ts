/**
 * Scores of an edit, from the face pipeline's npm-shipped models (src/main/face):
 * - emotion agreement: 1 − total variation distance between the emotion probabilities of the
 *   generated image and of the target photo (1 = same distribution);
 * - landmark error: mean distance, in pixels of the model's size, between the 68 landmarks of
 *   the edited FLAME head (projected with the source's camera) and the 68 landmarks detected
 *   in the generated image;
 * - identity similarity: cosine of the face embeddings (faceres, src/main/face/embedding.ts) of
 *   the source image and the generated image, each on its own FFHQ-aligned crop (1 = same
 *   direction; different people score about 0.3–0.45, the same photo re-cropped above 0.95).
 * - sharpness and wavelet noise σ (imageMeasures.ts): the lab's image measures, on the whole
 *   generated image, with or without a face;
 * - expression error (expression.ts): RMSE of the expression and jaw an estimator finds in the
 *   generated image against the edit's, and the same for the unedited source (the floor).
 * A score is null with a note whenever a face is not found.
 */
import sharp from 'sharp';
import type { EditScores } from '../../common/contract/edit';
import type { EmotionProbabilities } from '../face/emotion';
import { emotionLabels } from '../face/emotion';
import type { FaceAnalysis } from '../face/analyse';
import { FaceAnalyser } from '../face/analyse';
import { cosineSimilarity, FaceEmbedder } from '../face/embedding';
import type { RgbImage } from '../face/image';
import { loadImage } from '../face/image';
import type { OnnxBackend } from '../nn/backend';
import { imageMeasures } from './imageMeasures';
import type { ExpressionRequest } from './expression';
import { expressionOfCode, rmse } from './expression';
import type { EstimatorSpec } from '../estimate/task';

/** What scoring one result needs. */
export interface ScoreInput {
  generated: RgbImage;
  /** The source image file the model saw (the estimate's aligned crop or the photo); null: no identity score. */
  sourcePath: string | null;
  /** The target photo file (null for explicit edits). */
  targetPath: string | null;
  /** 68 × 2 landmark pixels of the edited head at the generated image's size (empty when unknown). */
  editedLandmarks: Float64Array;
  /** Re-estimate the expression with this estimator against what the edit asked for (absent: not scored). */
  expression?: ExpressionRequest;
}

/** Re-estimates an image's packed DECA code (236) with an estimator; throws when no face is found. */
export type CodeEstimator = (spec: EstimatorSpec, image: RgbImage) => Promise<Float32Array>;

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

/**
 * Upscales small images (under 128 px, e.g. a 64-px model's results) before detection, with
 * sharp's bicubic (Catmull-Rom) kernel, pixel centres aligned, so edge coordinates scale exactly
 * by `scale`. Not nearest-neighbour: its blocky edges hide faces from the detector (64-px demo
 * edits: a face found in 4 of 9 nearest-upscaled, 9 of 9 bicubic).
 */
export async function forDetection(image: RgbImage): Promise<{ image: RgbImage; scale: number }> {
  const factor = image.width >= 128 ? 1 : Math.ceil(128 / image.width);
  if (factor === 1) return { image, scale: 1 };
  const width = image.width * factor;
  const height = image.height * factor;
  const data = await sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength), { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(width, height, { kernel: 'cubic', fit: 'fill' })
    .raw()
    .toBuffer();
  return { image: { width, height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) }, scale: factor };
}

/** Scores with the face detector, emotion classifier and face embedding on one backend; target emotions and source embeddings are cached by path. */
export class FaceScorer implements Scorer {
  private readonly analyser: FaceAnalyser;
  private readonly embedder: FaceEmbedder;
  private readonly targetEmotion = new Map<string, Promise<EmotionProbabilities | null>>();
  private readonly sourceEmbedding = new Map<string, Promise<Float32Array | null>>();
  private readonly sourceExpression = new Map<string, Promise<number[]>>();
  private readonly estimateCode: CodeEstimator | null;

  constructor(backend: OnnxBackend, options: { cacheDir?: string; estimateCode?: CodeEstimator } = {}) {
    this.analyser = new FaceAnalyser(backend, { cacheDir: options.cacheDir, maxFaces: 1 });
    this.embedder = new FaceEmbedder(backend, options.cacheDir);
    this.estimateCode = options.estimateCode ?? null;
  }

  /** Expression and jaw re-estimated from an image (small results upscaled for detection first). */
  private async reestimate(spec: EstimatorSpec, image: RgbImage): Promise<number[]> {
    return expressionOfCode(await this.estimateCode!(spec, (await forDetection(image)).image));
  }

  private expressionOfSource(spec: EstimatorSpec, path: string): Promise<number[]> {
    const key = `${JSON.stringify(spec)}\n${path}`;
    let pending = this.sourceExpression.get(key);
    if (!pending) {
      pending = loadImage(path).then((image) => this.reestimate(spec, image));
      pending.catch(() => this.sourceExpression.delete(key));
      this.sourceExpression.set(key, pending);
    }
    return pending;
  }

  /** The expression errors of the generated image and of the unedited source, with notes for what failed. */
  private async expressionScores(input: ScoreInput, notes: string[]): Promise<Pick<EditScores, 'expressionError' | 'sourceExpressionError' | 'expressionEstimator'>> {
    const request = input.expression;
    if (!request) return {};
    if ('unavailable' in request) {
      notes.push(request.unavailable);
      return { expressionError: null, sourceExpressionError: null, expressionEstimator: null };
    }
    if (!this.estimateCode) {
      notes.push('expression: this scorer has no FLAME estimator');
      return { expressionError: null, sourceExpressionError: null, expressionEstimator: request.estimator };
    }
    let expressionError: number | null = null;
    let sourceExpressionError: number | null = null;
    try {
      expressionError = rmse(await this.reestimate(request.spec, input.generated), request.requested);
    } catch (error) {
      notes.push(`expression: ${(error as Error).message}`);
    }
    if (input.sourcePath) {
      try {
        sourceExpressionError = rmse(await this.expressionOfSource(request.spec, input.sourcePath), request.requested);
      } catch (error) {
        notes.push(`source expression: ${(error as Error).message}`);
      }
    } else notes.push('source expression: no source image');
    return { expressionError, sourceExpressionError, expressionEstimator: request.estimator };
  }

  private embed(analysis: FaceAnalysis): Promise<Float32Array> {
    return this.embedder.embed(analysis.aligned.image, analysis.alignedLandmarks);
  }

  private embeddingOfSource(path: string): Promise<Float32Array | null> {
    let pending = this.sourceEmbedding.get(path);
    if (!pending) {
      pending = loadImage(path).then(async (image) => {
        const analysis = (await this.analyser.analyse((await forDetection(image)).image))[0];
        return analysis ? this.embed(analysis) : null;
      });
      this.sourceEmbedding.set(path, pending);
    }
    return pending;
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
    const notes: string[] = [];
    const measures = { ...imageMeasures(input.generated), ...(await this.expressionScores(input, notes)) };
    const { image, scale } = await forDetection(input.generated);
    const analysis = (await this.analyser.analyse(image))[0];
    if (!analysis) return { identity: null, emotion: null, landmarkError: null, ...measures, notes: ['no face detected in the generated image', ...notes] };
    let identity: number | null = null;
    if (input.sourcePath) {
      const source = await this.embeddingOfSource(input.sourcePath);
      if (source) identity = cosineSimilarity(source, await this.embed(analysis));
      else notes.push('identity: no face detected in the source image');
    } else notes.push('identity: no source image');
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
    return { identity, emotion, landmarkError, ...measures, notes };
  }
}

/** A result as the scores CSV reads it. */
export interface ScoresCsvRow {
  id: number;
  sourcePhotoId: number | null;
  targetPhotoId: number | null;
  modes: string;
  scores: EditScores | null;
  /** What made the result: its model, sampler (unnamed: DDIM) and time per edit. */
  provenance?: { model: { name: string }; sampler: { steps: number; method?: string }; timing: { totalMs: number } };
}

const csvNumber = (v: number | null | undefined) => (v === null || v === undefined ? '' : String(Math.round(v * 1e6) / 1e6));
const csvText = (text: string) => `"${text.replaceAll('"', '""')}"`;

/**
 * The columns of the scores CSV: the app's camelCase header and the snake_case one of the
 * command line's --scores-csv (the file format the lab's scripts read), in one order.
 */
const scoreColumns: readonly { camel: string; snake: string; value: (r: ScoresCsvRow) => string | number }[] = [
  { camel: 'resultId', snake: 'result_id', value: (r) => r.id },
  { camel: 'sourcePhotoId', snake: 'source_photo_id', value: (r) => r.sourcePhotoId ?? '' },
  { camel: 'targetPhotoId', snake: 'target_photo_id', value: (r) => r.targetPhotoId ?? '' },
  { camel: 'modes', snake: 'modes', value: (r) => r.modes },
  { camel: 'model', snake: 'model', value: (r) => (r.provenance ? csvText(r.provenance.model.name) : '') },
  { camel: 'sampler', snake: 'sampler', value: (r) => (r.provenance ? (r.provenance.sampler.method ?? 'ddim') : '') },
  { camel: 'steps', snake: 'steps', value: (r) => r.provenance?.sampler.steps ?? '' },
  { camel: 'secondsPerEdit', snake: 'seconds_per_edit', value: (r) => (r.provenance ? csvNumber(r.provenance.timing.totalMs / 1000) : '') },
  { camel: 'identity', snake: 'identity', value: (r) => csvNumber(r.scores?.identity) },
  { camel: 'emotionAgreement', snake: 'emotion_agreement', value: (r) => csvNumber(r.scores?.emotion) },
  { camel: 'landmarkErrorPx', snake: 'landmark_error', value: (r) => csvNumber(r.scores?.landmarkError) },
  { camel: 'expressionError', snake: 'expression_error', value: (r) => csvNumber(r.scores?.expressionError) },
  { camel: 'sourceExpressionError', snake: 'source_expression_error', value: (r) => csvNumber(r.scores?.sourceExpressionError) },
  { camel: 'expressionEstimator', snake: 'expression_estimator', value: (r) => r.scores?.expressionEstimator ?? '' },
  { camel: 'sharpness', snake: 'sharpness', value: (r) => csvNumber(r.scores?.sharpness) },
  { camel: 'waveletNoise', snake: 'wavelet_noise', value: (r) => csvNumber(r.scores?.waveletNoise) },
  { camel: 'notes', snake: 'notes', value: (r) => csvText((r.scores?.notes ?? ['not scored']).join('; ')) },
];

/**
 * Scores as CSV: one row per result with its photos, modes, model and sampler, and every measure
 * (blank: not computed; the notes say why). `header` 'snake' writes the command line's names
 * (model, sampler, steps, expression_error, identity, landmark_error, sharpness, wavelet_noise, …).
 */
export function scoresCsv(rows: readonly ScoresCsvRow[], header: 'camel' | 'snake' = 'camel'): string {
  const lines = [scoreColumns.map((c) => c[header]).join(',')];
  for (const r of rows) lines.push(scoreColumns.map((c) => c.value(r)).join(','));
  return `${lines.join('\n')}\n`;
}
