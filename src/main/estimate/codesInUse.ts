/**
 * Which FLAME codes a photo uses: its `photoCodes` row (what editing and
 * fine-tuning read, and what photo detail saves hand edits to) when there is one, else the
 * estimator's own codes from `estimates`. Photo detail and the 3D viewport both show these, so
 * they always agree with what the models are given.
 */
import { unpackCode, type FlameCodes } from '../../common/flame/codes';
import type { EstimateStore, StoredEstimate } from './store';

/** The estimator's codes as the Edit studio stores them (camera in the aligned crop's frame). */
export function originalCodes(estimate: StoredEstimate): FlameCodes {
  return unpackCode(estimate.code, estimate.camAligned);
}

/** Same codes up to float32 storage (the estimate is float32, edited codes are JSON numbers). */
export function sameCodes(a: FlameCodes, b: FlameCodes): boolean {
  const close = (x: number[], y: number[]) => x.length === y.length && x.every((v, i) => Math.abs(v - y[i]) <= 1e-6 * Math.max(1, Math.abs(v)));
  return close(a.shape, b.shape) && close(a.expression, b.expression) && close(a.pose, b.pose) && close(a.camera, b.camera) && close(a.light, b.light);
}

/** A photo's codes in use, the estimator's own, and whether they differ (edited by hand). */
export interface CodesInUse {
  codes: FlameCodes;
  original: FlameCodes;
  edited: boolean;
}

/** The codes editing and training use for an estimated photo (edited ones when saved). */
export function codesInUse(estimate: StoredEstimate, store: Pick<EstimateStore, 'codes'>): CodesInUse {
  const original = originalCodes(estimate);
  const codes = store.codes(estimate.photoId)?.codes ?? original;
  return { codes, original, edited: !sameCodes(codes, original) };
}
