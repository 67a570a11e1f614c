/**
 * The per-photo face analysis shared by `rig-studio detect`, the estimation job and the UI:
 * detection + 68 landmarks, the FFHQ-aligned 256 crop and the emotion probabilities.
 */
import type { OnnxBackend } from '../nn/backend';
import type { AlignedCrop } from './align';
import { alignFfhq, transformPoints } from './align';
import type { DetectedFace, DetectOptions } from './detect';
import { FaceDetector } from './detect';
import type { EmotionProbabilities } from './emotion';
import { EmotionClassifier } from './emotion';
import type { Point } from './geometry';
import type { RgbImage } from './image';

/** One analysed face. */
export interface FaceAnalysis {
  face: DetectedFace;
  /** FFHQ-aligned 256² crop and the photo → crop transform. */
  aligned: AlignedCrop;
  /** The 68 landmarks in the aligned crop. */
  alignedLandmarks: Point[];
  emotion: EmotionProbabilities;
}

/** Detector, aligner and emotion classifier over one backend. */
export class FaceAnalyser {
  readonly detector: FaceDetector;
  readonly emotion: EmotionClassifier;

  constructor(backend: OnnxBackend, options: DetectOptions = {}) {
    this.detector = new FaceDetector(backend, options);
    this.emotion = new EmotionClassifier(backend, options.cacheDir);
  }

  /** Every face in the photo, analysed. */
  async analyse(image: RgbImage): Promise<FaceAnalysis[]> {
    const faces = await this.detector.detect(image);
    const out: FaceAnalysis[] = [];
    for (const face of faces) out.push(await this.analyseFace(image, face));
    return out;
  }

  /** Alignment and emotion of one detected face. */
  async analyseFace(image: RgbImage, face: DetectedFace): Promise<FaceAnalysis> {
    const aligned = await alignFfhq(image, face.landmarks68);
    const alignedLandmarks = transformPoints(face.landmarks68, aligned.transform);
    const emotion = await this.emotion.classify(aligned.image, alignedLandmarks);
    return { face, aligned, alignedLandmarks, emotion };
  }
}
