/**
 * One photo through the whole face pipeline: detect → choose the face → FFHQ-align to 256 (the
 * frame DiffusionRig trains and renders in) → FLAME code by the project's estimator:
 * - DECA / EMOCA: DECA's 224 crop of the aligned image → encoder → 236-value code;
 * - landmark fitting: shape, expression, jaw, pose and camera fitted to the aligned 68
 *   landmarks, then SH light by least squares against the aligned photo given the albedo.
 * Every result carries the camera in both frames (`code` keeps DECA's crop frame, `camAligned`
 * is the aligned 256 frame) and the estimator's name and version.
 */
import type { FlameModel } from '../../common/flame/model';
import { FlameEvaluator } from '../../common/flame/evaluate';
import { ndcToPixels } from '../../common/flame/geometry';
import type { OnnxBackend } from '../nn/backend';
import { cropDeca, decaCropBox, ffhqQuad, ffhqTransform, transformPoints } from '../face/align';
import type { FaceAnalysis } from '../face/analyse';
import { FaceAnalyser } from '../face/analyse';
import type { DetectedFace } from '../face/detect';
import type { Affine } from '../face/geometry';
import { invertAffine } from '../face/geometry';
import type { RgbImage } from '../face/image';
import { resizeLanczos, toPlanar, toRgb } from '../face/image';
import { cameraToFrame } from './camera';
import type { CodeModel } from './deca';
import { CodeEstimator } from './deca';
import { codeLayout, packCode } from '../../common/flame/codes';
import { fitLandmarks } from './fit/fit';
import { LandmarkModel } from './fit/landmarkModel';
import { faceSkinMask, sampleColours, solveLight } from './fit/light';

/** Side of the aligned image codes are estimated in. */
export const alignedSize = 256;

/** A head model for landmark fitting, with its per-vertex albedo (0–1) when it has one. */
export interface FittingHead {
  model: FlameModel;
  label: string;
  /** vertexCount × 3 in [0, 1]; a flat 0.5 grey is used when absent. */
  albedo: Float64Array | null;
}

/** Which estimator runs. */
export type Estimator = { kind: 'deca' | 'emoca'; model: CodeModel } | { kind: 'fit'; head: FittingHead };

/**
 * Who made an estimate: an estimator that runs here, or 'demo-ground-truth', the demo photos'
 * known render codes (src/main/app/demo/groundTruth.ts; stored since migration 0007).
 */
export type EstimateSource = Estimator['kind'] | 'demo-ground-truth';

/** Why a photo has no estimate. */
export type EstimateProblem = 'no-face' | 'several-faces' | 'face-too-small';

/** The estimate of one photo. */
export interface PhotoEstimate {
  estimator: EstimateSource;
  version: string;
  faceIndex: number;
  /** Every detected face's box (the chosen one at `faceIndex`), photo pixels [x, y, w, h]. */
  faceBoxes: [number, number, number, number][];
  score: number;
  /** 68 landmarks in photo pixels and in the aligned 256 image. */
  landmarks: [number, number][];
  alignedLandmarks: [number, number][];
  /** Photo → aligned 256 image. */
  alignTransform: Affine;
  /** Aligned 256 image → DECA's 224 crop. */
  decaTransform: Affine;
  /** DECA layout (shape 100, tex 50, exp 50, pose 6, cam 3, light 27); cam in the DECA-crop frame. */
  code: Float32Array;
  /** The camera in the aligned 256 frame (what the renderer uses for the aligned image). */
  camAligned: [number, number, number];
  emotion: Record<string, number>;
  aligned: RgbImage;
  /** DECA's 224 crop of the aligned image (what DECA/EMOCA saw; for fitting, the same crop). */
  decaCrop: RgbImage;
  /** The photo already was an FFHQ crop and was used as it is: `code` and `camAligned` are in its own frame. */
  alreadyAligned: boolean;
  /** Landmark fitting's report (fit only). */
  fit?: { initialError: number; finalError: number; iterations: { rigid: number; full: number }; milliseconds: number; lightResidual: number; lightVertices: number };
  milliseconds: number;
}

/** A photo the pipeline could not estimate, with what it found. */
export class EstimateError extends Error {
  constructor(
    readonly problem: EstimateProblem,
    message: string,
    readonly faceBoxes: [number, number, number, number][] = [],
  ) {
    super(message);
  }
}

/** Pipeline settings. */
export interface PipelineOptions {
  /** Faces whose eye distance is below this many photo pixels are refused (default 20). */
  minEyeDistance?: number;
  cacheDir?: string;
}

/** Runs the pipeline on photos with one estimator; models load once. */
export class PhotoEstimator {
  readonly analyser: FaceAnalyser;
  private readonly codes: CodeEstimator | null;
  private readonly landmarkModel: LandmarkModel | null;

  constructor(
    backend: OnnxBackend,
    readonly estimator: Estimator,
    private readonly options: PipelineOptions = {},
  ) {
    this.analyser = new FaceAnalyser(backend, { cacheDir: options.cacheDir });
    this.codes = estimator.kind === 'fit' ? null : new CodeEstimator(backend, estimator.model);
    this.landmarkModel = estimator.kind === 'fit' ? new LandmarkModel(estimator.head.model) : null;
  }

  /**
   * Estimates the face at `faceIndex` (photo order of detection, best first). Without an index
   * a photo with several faces is an EstimateError('several-faces') listing them.
   */
  async estimate(image: RgbImage, faceIndex?: number): Promise<PhotoEstimate> {
    const started = performance.now();
    const faces = await this.analyser.detector.detect(image);
    const boxes = faces.map((f) => [f.box.x, f.box.y, f.box.width, f.box.height] as [number, number, number, number]);
    if (faces.length === 0) throw new EstimateError('no-face', 'no face found');
    if (faceIndex === undefined && faces.length > 1) throw new EstimateError('several-faces', `${faces.length} faces found; choose one`, boxes);
    const index = faceIndex ?? 0;
    if (index < 0 || index >= faces.length) throw new EstimateError('several-faces', `face ${index} chosen but ${faces.length} found`, boxes);
    const face = faces[index];
    const eyes = eyeDistance(face);
    const minimum = this.options.minEyeDistance ?? 20;
    if (eyes < minimum) throw new EstimateError('face-too-small', `face too small (eyes ${eyes.toFixed(0)} px apart, need ${minimum})`, boxes);
    const analysis = await this.analyse(image, face);
    const result = this.estimator.kind === 'fit' ? this.fitCode(analysis) : await this.encodeCode(analysis);
    return {
      estimator: this.estimator.kind,
      version: this.estimator.kind === 'fit' ? `landmark-fit-1/${this.estimator.head.label}` : this.estimator.model.version,
      faceIndex: index,
      faceBoxes: boxes,
      score: face.score,
      landmarks: face.landmarks68.map(([x, y]) => [x, y]),
      alignedLandmarks: analysis.alignedLandmarks.map(([x, y]) => [x, y]),
      alignTransform: analysis.aligned.transform,
      decaTransform: result.decaTransform,
      decaCrop: toRgb(cropDeca(analysis.aligned.image, analysis.alignedLandmarks).crop),
      code: result.code,
      camAligned: [result.camAligned[0], result.camAligned[1], result.camAligned[2]],
      emotion: { ...analysis.emotion },
      aligned: analysis.aligned.image,
      alreadyAligned: analysis.alreadyAligned,
      fit: result.fit,
      milliseconds: performance.now() - started,
    };
  }

  /**
   * Alignment and emotion. A square photo that already is an FFHQ crop (its FFHQ transform is
   * a plain scale: DiffusionRig albums hold such crops) is used as it is, resized to 256, so
   * the codes are in the photo's own frame, as DiffusionRig runs DECA on its aligned images.
   */
  private async analyse(image: RgbImage, face: DetectedFace): Promise<FaceAnalysis & { alreadyAligned: boolean }> {
    const transform = ffhqTransform(ffhqQuad(face.landmarks68).quad, alignedSize);
    const scale = alignedSize / image.width;
    const rotation = Math.atan2(transform[3], transform[0]);
    const ownScale = Math.hypot(transform[0], transform[3]);
    const shift = Math.hypot(transform[2] - (scale - 1) / 2, transform[5] - (scale - 1) / 2);
    const already = image.width === image.height && Math.abs(rotation) < (1.5 * Math.PI) / 180 && Math.abs(ownScale / scale - 1) < 0.05 && shift < 0.03 * alignedSize;
    if (!already) return { ...(await this.analyser.analyseFace(image, face)), alreadyAligned: false };
    // pixel-edge scaling to 256: centre c → (c + 0.5)·k − 0.5
    const plain: Affine = [scale, 0, (scale - 1) / 2, 0, scale, (scale - 1) / 2];
    const resized = image.width === alignedSize ? image : await resizeLanczos(image, alignedSize, alignedSize);
    const alignedLandmarks = transformPoints(face.landmarks68, plain);
    const emotion = await this.analyser.emotion.classify(resized, alignedLandmarks);
    return { face, aligned: { image: resized, transform: plain }, alignedLandmarks, emotion, alreadyAligned: true };
  }

  private async encodeCode(analysis: FaceAnalysis): Promise<{ code: Float32Array; camAligned: Float64Array; decaTransform: Affine; fit?: undefined }> {
    const { crop, transform } = cropDeca(analysis.aligned.image, analysis.alignedLandmarks);
    const code = await this.codes!.estimate(toPlanar(crop, 1 / 255, 0));
    const [camStart] = codeLayout.cam;
    const camAligned = cameraToFrame(code.subarray(camStart, camStart + 3), 224, invertAffine(transform), alignedSize);
    return { code, camAligned, decaTransform: transform };
  }

  private fitCode(analysis: FaceAnalysis): { code: Float32Array; camAligned: Float64Array; decaTransform: Affine; fit: PhotoEstimate['fit'] } {
    const head = (this.estimator as { head: FittingHead }).head;
    const fit = fitLandmarks(this.landmarkModel!, analysis.alignedLandmarks, { imageSize: alignedSize });
    // light against the aligned photo, given the albedo
    const frame = new FlameEvaluator(head.model).evaluate({ shape: fit.shape, expression: fit.expression, pose: fit.pose, camera: fit.cam }, { shading: false, landmarks: false });
    const pixels = ndcToPixels(frame.projected, alignedSize);
    const mask = faceSkinMask(frame.normals, pixels, analysis.alignedLandmarks);
    const colours = sampleColours(analysis.aligned.image, pixels, mask);
    const albedo = head.albedo ?? new Float64Array(head.model.vertexCount * 3).fill(0.5);
    const light = solveLight({ colours, albedo, normals: frame.normals, mask });
    // the code, with the camera in DECA's crop frame of the aligned image
    const { center, size } = decaCropBox(analysis.alignedLandmarks);
    const k = 223 / size;
    const decaTransform: Affine = [k, 0, -(center[0] - size / 2) * k, 0, k, -(center[1] - size / 2) * k];
    const code = packCode({ shape: fit.shape, expression: fit.expression, pose: fit.pose, camera: cameraToFrame(fit.cam, alignedSize, decaTransform, 224), light: light.light });
    return {
      code,
      camAligned: Float64Array.from(fit.cam),
      decaTransform,
      fit: {
        initialError: fit.initialError,
        finalError: fit.finalError,
        iterations: fit.iterations,
        milliseconds: fit.milliseconds,
        lightResidual: light.rms,
        lightVertices: light.used,
      },
    };
  }
}

function eyeDistance(face: DetectedFace): number {
  const mean = (from: number, to: number) => {
    let x = 0, y = 0;
    for (let i = from; i < to; i++) {
      x += face.landmarks68[i][0];
      y += face.landmarks68[i][1];
    }
    return [x / (to - from), y / (to - from)];
  };
  const [ax, ay] = mean(36, 42);
  const [bx, by] = mean(42, 48);
  return Math.hypot(bx - ax, by - ay);
}
