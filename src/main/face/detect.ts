/**
 * Face detection and landmarks on ONNX Runtime: BlazeFace finds faces on a 256² letterbox of
 * the photo, the 468-point face mesh runs on a rotated square crop around each (twice: first
 * from the detector's box, then from the first mesh's own box, as MediaPipe's tracking loop
 * does), and the mesh gives the 68 iBUG landmarks. All results are in photo pixels.
 */
import type { ModelSession, OnnxBackend } from '../nn/backend';
import type { Affine, Box, Point } from './geometry';
import { applyAffine, boundingBox, invertAffine, squareCropTransform } from './geometry';
import type { RgbImage } from './image';
import { resampleAffine, toPlanar } from './image';
import { blazeFaceAnchors, decodeBlazeFace, nonMaxSuppression } from './blazeface';
import { meshToIbug68 } from './mesh68';
import { faceModels, loadFaceModel } from './models';

/** One detected face. */
export interface DetectedFace {
  /** Detector box in photo pixels. */
  box: Box;
  /** Detector confidence (0–1). */
  score: number;
  /** Face-mesh presence confidence (0–1). */
  meshScore: number;
  /** 468 mesh points [x, y, z] in photo pixels (z relative, same scale as x). */
  mesh: [number, number, number][];
  /** 68 iBUG landmarks in photo pixels. */
  landmarks68: Point[];
}

/** Detector settings. */
export interface DetectOptions {
  /** Minimum detector score (default 0.5). */
  minScore?: number;
  /** Overlap above which two detections are one face (default 0.3). */
  iouThreshold?: number;
  /** At most this many faces (default 10). */
  maxFaces?: number;
  /** Minimum face-mesh confidence to keep a face (default 0.5). */
  minMeshScore?: number;
  /** Folder for the converted models (default: models.ts defaultCacheDir()). */
  cacheDir?: string;
}

const detectorSize = 256;
const meshSize = 192;
/** Crop side relative to the face box, as MediaPipe's detection→ROI and landmarks→ROI steps. */
const roiScale = 1.5;

/** Detects faces with landmarks; sessions are loaded once per backend. */
export class FaceDetector {
  private readonly anchors = blazeFaceAnchors(detectorSize);
  private sessions: Promise<[ModelSession, ModelSession]> | undefined;

  constructor(
    private readonly backend: OnnxBackend,
    private readonly options: DetectOptions = {},
  ) {}

  private load(): Promise<[ModelSession, ModelSession]> {
    this.sessions ??= Promise.all([
      loadFaceModel(this.backend, faceModels.blazeface, this.options.cacheDir),
      loadFaceModel(this.backend, faceModels.facemesh, this.options.cacheDir),
    ]);
    return this.sessions;
  }

  /** All faces in the photo, highest detector score first. */
  async detect(image: RgbImage): Promise<DetectedFace[]> {
    const [detector, mesher] = await this.load();
    const candidates = await this.runDetector(detector, image);
    const faces: DetectedFace[] = [];
    for (const c of candidates) {
      // pass 1: ROI from the detector box, rolled by the eye keypoints
      const [rightEye, leftEye] = c.keypoints;
      const angle = Math.atan2(leftEye[1] - rightEye[1], leftEye[0] - rightEye[0]);
      const side = Math.max(c.box.width, c.box.height) * roiScale;
      const first = await this.runMesh(mesher, image, [c.box.x + c.box.width / 2, c.box.y + c.box.height / 2], side, angle);
      // pass 2: ROI from the mesh itself (bounding box in the rolled frame, eye corners 33/263)
      const roi = meshRoi(first.mesh);
      const second = await this.runMesh(mesher, image, roi.center, roi.size, roi.angle);
      const minMesh = this.options.minMeshScore ?? 0.5;
      if (second.score < minMesh) continue;
      // two detections whose meshes settle on the same face are one face (the better-scored stays)
      const meshBox = boundingBox(second.mesh);
      if (faces.some((f) => overlapOfSmaller(boundingBox(f.mesh), meshBox) > 0.5)) continue;
      faces.push({ box: c.box, score: c.score, meshScore: second.score, mesh: second.mesh, landmarks68: meshToIbug68(second.mesh) });
    }
    return faces;
  }

  private async runDetector(session: ModelSession, image: RgbImage): Promise<{ box: Box; score: number; keypoints: Point[] }[]> {
    // letterbox: the whole photo, aspect kept, centred in 256²
    const scale = detectorSize / Math.max(image.width, image.height);
    const toInput: Affine = [scale, 0, (detectorSize - image.width * scale) / 2 + 0.5 * scale - 0.5, 0, scale, (detectorSize - image.height * scale) / 2 + 0.5 * scale - 0.5];
    const input = resampleAffine(image, toInput, detectorSize, detectorSize, 'zero');
    const out = await session.run({ [session.inputNames[0]]: { dtype: 'float32', shape: faceModels.blazeface.inputShape, data: toPlanar(input, 1 / 127.5, -1) } });
    const names = faceModels.blazeface.outputs;
    // anchor order: the 16×16 grid (512) first, then 8×8 (384)
    const regressors = concat(out[names.regressors512].data as Float32Array, out[names.regressors384].data as Float32Array);
    const logits = concat(out[names.logits512].data as Float32Array, out[names.logits384].data as Float32Array);
    const decoded = decodeBlazeFace(regressors, logits, this.anchors, this.options.minScore ?? 0.5);
    const kept = nonMaxSuppression(decoded, this.options.iouThreshold ?? 0.3, this.options.maxFaces ?? 10);
    const back = invertAffine(toInput);
    return kept.map((k) => {
      const p0 = applyAffine(back, [k.box.x, k.box.y]);
      const p1 = applyAffine(back, [k.box.x + k.box.width, k.box.y + k.box.height]);
      return { box: { x: p0[0], y: p0[1], width: p1[0] - p0[0], height: p1[1] - p0[1] }, score: k.score, keypoints: k.keypoints.map((p) => applyAffine(back, p)) };
    });
  }

  private async runMesh(session: ModelSession, image: RgbImage, center: Point, side: number, angle: number): Promise<{ mesh: [number, number, number][]; score: number }> {
    const toCrop = squareCropTransform(center, side, angle, meshSize);
    const crop = resampleAffine(image, toCrop, meshSize, meshSize, 'edge');
    const names = faceModels.facemesh.outputs;
    const out = await session.run({ [session.inputNames[0]]: { dtype: 'float32', shape: faceModels.facemesh.inputShape, data: toPlanar(crop, 1 / 255, 0) } });
    const raw = out[names.mesh].data as Float32Array;
    const score = (out[names.faceFlag].data as Float32Array)[0];
    const back = invertAffine(toCrop);
    const zScale = side / meshSize;
    const mesh: [number, number, number][] = [];
    for (let i = 0; i < 468; i++) {
      const [x, y] = applyAffine(back, [raw[3 * i], raw[3 * i + 1]]);
      mesh.push([x, y, raw[3 * i + 2] * zScale]);
    }
    return { mesh, score };
  }
}

/** MediaPipe-style ROI from mesh points: roll from the eye corners, rotated bounding box ×1.5. */
export function meshRoi(mesh: readonly (readonly number[])[]): { center: Point; size: number; angle: number } {
  const right = mesh[33];
  const left = mesh[263];
  const angle = Math.atan2(left[1] - right[1], left[0] - right[0]);
  const cos = Math.cos(-angle);
  const sin = Math.sin(-angle);
  const rotated = mesh.map((p) => [cos * p[0] - sin * p[1], sin * p[0] + cos * p[1]]);
  const box = boundingBox(rotated);
  const c: Point = [box.x + box.width / 2, box.y + box.height / 2];
  // back to photo coordinates
  const center: Point = [Math.cos(angle) * c[0] - Math.sin(angle) * c[1], Math.sin(angle) * c[0] + Math.cos(angle) * c[1]];
  return { center, size: Math.max(box.width, box.height) * roiScale, angle };
}

/** Intersection area over the smaller box's area. */
function overlapOfSmaller(a: Box, b: Box): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  if (w <= 0 || h <= 0) return 0;
  return (w * h) / Math.min(a.width * a.height, b.width * b.height);
}

function concat(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
