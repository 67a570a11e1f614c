/**
 * The demo photos' FLAME estimates: not estimated but known, because they are the codes each
 * photo was rendered from ("demo-ground-truth"). They are laid out exactly as the face
 * pipeline's estimates (src/main/estimate/pipeline.ts) so every view reads them the same way:
 * - the photo (512²) is treated as an already FFHQ-aligned crop: its aligned 256 image is the
 *   photo box-filtered by 2 × 2, which maps pixel edges exactly (x → x / 2), so the camera in
 *   the aligned frame is the render camera itself;
 * - the packed code's camera is in DECA's 224 crop of the aligned image, as the pipeline keeps it;
 * - landmarks are the rendered head's own 68 landmarks (no detector involved).
 */

import { cameraToFrame } from '../../estimate/camera';
import { packCode } from '../../../common/flame/codes';
import { alignedSize, type PhotoEstimate } from '../../estimate/pipeline';
import { decaCropBox, transformPoints } from '../../face/align';
import type { Affine } from '../../face/geometry';
import { demoPhotoSize, demoScenesVersion, type DemoScene } from './scenes';

/** The estimator name the demo's known codes are stored under. */
export const groundTruthEstimator = 'demo-ground-truth';

/** Version string: which scene set, and that the values are the exact render inputs. */
export const groundTruthVersion = `demo-scenes-${demoScenesVersion} (exact render inputs of the demo head, not estimated)`;

/** A demo photo's estimate, shaped like the pipeline's (without the aligned pixels). */
export type GroundTruthEstimate = Omit<PhotoEstimate, 'aligned' | 'decaCrop' | 'estimator' | 'fit'> & { estimator: typeof groundTruthEstimator };

/** Photo → aligned (256) pixels: a scaling of edge coordinates (an exact halving for the demo album's 512² renders). */
export function photoToAligned(photoSize: number): Affine {
  return [alignedSize / photoSize, 0, 0, 0, alignedSize / photoSize, 0];
}

/** Where a ground truth comes from, when not the demo album's scenes. */
export interface GroundTruthOptions {
  milliseconds?: number;
  /** Side of the rendered photo (default the demo album's 512). */
  photoSize?: number;
  /** Version string stored with the estimate (default: the demo album's scene set). */
  version?: string;
}

/** The estimate of a rendered scene, given the landmarks the render produced (photo pixels). */
export function groundTruthEstimate(scene: DemoScene, landmarks: [number, number][], options: GroundTruthOptions = {}): GroundTruthEstimate {
  const { milliseconds = 0, photoSize = demoPhotoSize, version = groundTruthVersion } = options;
  const alignTransform = photoToAligned(photoSize);
  const alignedLandmarks = transformPoints(landmarks, alignTransform).map(([x, y]) => [x, y] as [number, number]);
  // DECA's crop of the aligned image, as the pipeline computes it for a fitted head
  const { center, size } = decaCropBox(alignedLandmarks);
  const k = 223 / size;
  const decaTransform: Affine = [k, 0, -(center[0] - size / 2) * k, 0, k, -(center[1] - size / 2) * k];
  const code = packCode({ shape: scene.shape, expression: scene.expression, pose: scene.pose, camera: cameraToFrame(scene.cam, alignedSize, decaTransform, 224), light: scene.light });
  return {
    estimator: groundTruthEstimator,
    version,
    faceIndex: 0,
    faceBoxes: [faceBox(landmarks)],
    score: 1,
    landmarks,
    alignedLandmarks,
    alignTransform,
    decaTransform,
    code,
    camAligned: [...scene.cam],
    emotion: {},
    alreadyAligned: true,
    milliseconds,
  };
}

/** A face box around the landmarks, raised to include the forehead as detectors' boxes do. */
function faceBox(landmarks: [number, number][]): [number, number, number, number] {
  const xs = landmarks.map((p) => p[0]), ys = landmarks.map((p) => p[1]);
  const [left, right, top, bottom] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const height = bottom - top;
  const raisedTop = Math.max(0, top - 0.3 * height);
  return [left, raisedTop, right - left, bottom - raisedTop];
}
