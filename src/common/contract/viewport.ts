import { z } from 'zod';
import type { FlameCodes } from '../flame/codes';
import { channel } from './channel';

// The 3D FLAME viewport. The backend hands the browser the active head model in a
// compact, JSON-safe form (typed arrays as base64) so skinning runs in the browser at display
// rate, and reads FLAME codes from .npz files the researcher uploads or already has on disk.

/** A typed array on the wire: little-endian bytes in base64, with its logical shape. */
export interface PackedArray {
  dtype: 'float64' | 'float32' | 'int32' | 'uint32' | 'uint8';
  shape: number[];
  base64: string;
}

export interface HeadModelInfo {
  /** 'demo' is the app's own demo head (not FLAME); 'flame' is the researcher's FLAME file. */
  source: 'demo' | 'flame';
  /** Shown in the viewport, e.g. "Demo head (not FLAME)" or the FLAME file's name. */
  label: string;
  /** The model file on the backend's machine, null for the built-in demo head. */
  path: string | null;
  vertexCount: number;
  faceCount: number;
  shapeCount: number;
  expressionCount: number;
}

/**
 * Everything the browser needs to skin, light and export the head: FLAME's arrays cut to
 * DECA's 100 shape and 50 expression components, with the dtypes of src/common/flame's
 * FlameModel (so the browser's copy skins exactly like the backend's). Row-major.
 */
export interface PackedHeadModel {
  info: HeadModelInfo;
  /** (V,3) float64. */
  template: PackedArray;
  /** (F,3) uint32 vertex indices. */
  faces: PackedArray;
  /** (V,3,S) float32, S = info.shapeCount. */
  shapeBasis: PackedArray;
  /** (V,3,E) float32, E = info.expressionCount. */
  expressionBasis: PackedArray;
  /** (V,3,36) float32. */
  poseBasis: PackedArray;
  /** (J,V) float64, dense (FLAME's sparse regressor expanded; J = 5). */
  jointRegressor: PackedArray;
  /** (V,J) float32 skinning weights. */
  weights: PackedArray;
  /** Parent of each joint, -1 for the root. */
  parents: number[];
  /** (T,2) float32 texture coordinates and (F,3) uint32 per-face indices into them. */
  uv: { coords: PackedArray; faces: PackedArray } | null;
  /** The landmark embedding (static 51 + dynamic contour bins × 17 + full 68), when known. */
  landmarks: PackedLandmarks | null;
  /** An albedo texture (H,W,3) uint8 in RGB, sampled through `uv`; null means flat albedo. */
  albedo: PackedArray | null;
  /** The viewer-only mouth interior (FlameModel.mouth): (M,3) uint32 faces, and UV faces when `uv` is set. */
  mouth: { faces: PackedArray; uvFaces: PackedArray | null } | null;
}

export interface PackedLandmarks {
  /** (51) int32 face indices and (51,3) float64 barycentric weights. */
  staticFaces: PackedArray;
  staticBary: PackedArray;
  /** (B,17) int32 and (B,17,3) float64, B = yaw bins (79 in DECA's embedding). */
  dynamicFaces: PackedArray;
  dynamicBary: PackedArray;
  /** (68) int32 and (68,3) float64. */
  fullFaces: PackedArray;
  fullBary: PackedArray;
}

export interface LoadedCodes {
  codes: FlameCodes;
  /** Rows in the file (codes may be stored as a batch); `codes` is row `index`. */
  count: number;
  index: number;
  /** Which code arrays the file held; the others are zero (light: a neutral default). */
  found: string[];
}

/** A photo's estimate as the viewport shows it: the head over the crop its camera refers to. */
export interface PhotoHead {
  photoId: number;
  albumId: number;
  fileName: string;
  /** Which estimator produced the codes ('deca', 'emoca', 'fit') and its version. */
  estimator: string;
  /**
   * The codes the photo uses (editing, training): the researcher's saved edits when there are
   * any, else the estimator's; `camera` is in the frame of `image` (DECA's orthographic camera).
   */
  codes: FlameCodes;
  /** True when `codes` are edits saved in photo detail rather than the estimator's own. */
  edited: boolean;
  /** The aligned face crop the estimate was made on (PNG). */
  image: { mime: 'image/png'; base64: string; width: number; height: number };
}

/** A photo of an album that has an estimate (the viewport's photo picker). */
export interface EstimatedPhoto {
  photoId: number;
  fileName: string;
  estimator: string;
}

const path = z.string().min(1).max(4096);
const id = z.number().int().positive();

export const viewportContract = {
  /** The active head model: the researcher's FLAME file from settings, else the demo head. */
  'viewport.model': channel<PackedHeadModel>()(),
  /**
   * Reads codes from a .npz on the backend (a path from `fs.list` or an upload): arrays named
   * `shape`, `exp` (or `expression`), `pose`, `cam` (or `camera`), `light`, optionally batched.
   */
  'viewport.codes': channel<LoadedCodes>()(z.object({ path, index: z.number().int().min(0).default(0) })),
  /** The photos of an album that have FLAME estimates (needs an open project). */
  'viewport.estimatedPhotos': channel<EstimatedPhoto[]>()(z.object({ albumId: id })),
  /** A photo's estimate and aligned crop, to show the head over the photo (needs an open project). */
  'viewport.photo': channel<PhotoHead>()(z.object({ photoId: id })),
};
