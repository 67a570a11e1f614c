/**
 * Seven-class facial expression probabilities from the emotion classifier shipped with
 * @vladmandic/human (oarriaga/face_classification, mini-Xception trained on FER-2013): a 64×64
 * grey face in [−1, 1] → softmax over angry, disgust, fear, happy, sad, surprise, neutral.
 *
 * It runs on the FFHQ-aligned crop (roll removed), cut to the face as FER-2013 frames it: a
 * square around the 68 landmarks' box, grown by `faceScale`.
 */
import type { ModelSession, OnnxBackend } from '../nn/backend';
import type { Affine } from './geometry';
import { boundingBox, squareCropTransform } from './geometry';
import type { RgbImage } from './image';
import { resampleAffine } from './image';
import { faceModels, loadFaceModel } from './models';

/** Class order of the model's output. */
export const emotionLabels = Object.freeze(['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'] as const);

export type EmotionLabel = (typeof emotionLabels)[number];

export type EmotionProbabilities = Record<EmotionLabel, number>;

/** Side of the classifier's crop relative to the larger side of the landmark box. */
export const faceScale = 1.2;

/** ITU-R BT.601 luma weights, as the model's preprocessing (human: rgb2gray). */
const luma = [0.2989, 0.587, 0.114];

/** Runs the classifier; the session is loaded once per backend. */
export class EmotionClassifier {
  private session: Promise<ModelSession> | undefined;

  constructor(
    private readonly backend: OnnxBackend,
    private readonly cacheDir?: string,
  ) {}

  /** Probabilities for the face with these 68 landmarks (in `image` pixels, e.g. the aligned crop). */
  async classify(image: RgbImage, landmarks68: readonly (readonly number[])[]): Promise<EmotionProbabilities> {
    this.session ??= loadFaceModel(this.backend, faceModels.emotion, this.cacheDir);
    const session = await this.session;
    const input = emotionInput(image, landmarks68);
    const out = await session.run({ [session.inputNames[0]]: { dtype: 'float32', shape: faceModels.emotion.inputShape, data: input.data } });
    const p = out[faceModels.emotion.outputs.probabilities].data as Float32Array;
    const result = {} as EmotionProbabilities;
    emotionLabels.forEach((label, i) => (result[label] = p[i]));
    return result;
  }
}

/** The classifier's 64×64 grey input in [−1, 1] and the transform that cut it. */
export function emotionInput(image: RgbImage, landmarks68: readonly (readonly number[])[]): { data: Float32Array; transform: Affine } {
  const box = boundingBox(landmarks68);
  const side = Math.max(box.width, box.height) * faceScale;
  const transform = squareCropTransform([box.x + box.width / 2, box.y + box.height / 2], side, 0, 64);
  const crop = resampleAffine(image, transform, 64, 64, 'edge');
  const data = new Float32Array(64 * 64);
  for (let i = 0; i < data.length; i++) {
    const grey = (luma[0] * crop.data[3 * i] + luma[1] * crop.data[3 * i + 1] + luma[2] * crop.data[3 * i + 2]) / 255;
    data[i] = (grey - 0.5) * 2;
  }
  return { data, transform };
}
