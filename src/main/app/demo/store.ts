/**
 * Where the demo's ground-truth estimates go, through the owners' services only (no hand-written
 * rows): the per-photo FLAME codes the Edit studio, training and the album mean shape read
 * (`EstimateStore`, table photoEstimates), under the estimator name "demo-ground-truth".
 *
 * The face pipeline's full estimate record (`EstimatesTable`, migration 0006: landmarks,
 * transforms, aligned crop — what the viewport over a photo and the estimation panel read)
 * accepts only the estimators 'deca', 'emoca' and 'fit' so far, so the demo cannot store its
 * ground truth there under its own name yet; `groundTruthEstimate` already builds that record.
 */

import type { FlameCodes } from '../../../common/contract/viewport';
import { EstimateStore } from '../../edit/estimates';
import { codeLayout } from '../../estimate/encoders';
import { EstimatesTable } from '../../estimate/store';
import type { Project } from '../../library/project';
import type { GroundTruthEstimate } from './ground-truth';

/** Whether the photo already has an estimate of any estimator (a user's re-estimate is kept). */
export function hasEstimate(project: Project, photoId: number): boolean {
  return new EstimateStore(project.db).get(photoId) !== undefined || new EstimatesTable(project.db).get(photoId) !== undefined;
}

/** The estimate's codes as the Edit studio keeps them: camera in the photo's own frame (the render camera). */
export function groundTruthCodes(estimate: GroundTruthEstimate): FlameCodes {
  const part = (name: keyof typeof codeLayout) => Array.from(estimate.code.subarray(codeLayout[name][0], codeLayout[name][0] + codeLayout[name][1]));
  return { shape: part('shape'), expression: part('exp'), pose: part('pose'), camera: [...estimate.camAligned], light: part('light') };
}

/** Stores a demo photo's ground-truth codes. */
export function saveGroundTruth(project: Project, photoId: number, estimate: GroundTruthEstimate): void {
  new EstimateStore(project.db).save(photoId, { name: estimate.estimator, version: estimate.version }, groundTruthCodes(estimate));
}
