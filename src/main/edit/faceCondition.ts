/**
 * DiffusionRig-EMO v2's extra condition of an edit: FLAME shape and identity = [shape, the
 * albedo code], both from the source (the target gives only what the modes transfer). The
 * shape is the album mean shape a personalised model was fine-tuned with (its lineage records
 * it), else the source's own β, as the v2 trainer fed them.
 */
import type { FaceCondition } from '../../common/contract/models';
import { codeLayout } from '../../common/flame/codes';
import { AppError } from '../core/errors';

/** The condition values of one item. */
export interface FaceConditionValues {
  shape: number[];
  identity: number[];
}

/** What the source photo offers. */
export interface ConditionSource {
  /** Names the photo in messages, e.g. "photo 12". */
  what: string;
  /** The source's own β. */
  shape: readonly number[];
  /** The estimator that made the photo's codes ('deca', 'emoca', 'fit', …); null when none recorded. */
  estimator: string | null;
  /** The estimator's packed code (its albedo code is read from it); null when none recorded. */
  packedCode: ArrayLike<number> | null;
}

/**
 * Shape and identity of a source for a v2 model with `condition` widths. `meanShape` is the
 * training album's mean shape of a personalised model (null: the source's own). A photo
 * whose estimator gives no albedo code (landmark fitting) is refused, naming why.
 */
export function faceConditionValues(condition: FaceCondition, source: ConditionSource, meanShape: readonly number[] | null): FaceConditionValues {
  const [albedoOffset, albedoLength] = codeLayout.tex;
  if (!source.packedCode || source.estimator === null) {
    throw new AppError('invalid-params', `${source.what} has no estimator record with an albedo code; a DiffusionRig-EMO v2 model conditions on identity = [shape, albedo code]: estimate the photo with DECA or EMOCA`);
  }
  if (source.estimator === 'fit') {
    throw new AppError('invalid-params', `${source.what}: its codes come from landmark fitting, which estimates no albedo code; a DiffusionRig-EMO v2 model conditions on identity = [shape, albedo code]: estimate the photo with DECA or EMOCA`);
  }
  if (condition.identityDim - condition.shapeDim !== albedoLength) {
    throw new AppError('invalid-params', `the model's identity condition has ${condition.identityDim} values; shape (${condition.shapeDim}) and the ${albedoLength}-value albedo code make ${condition.shapeDim + albedoLength}`);
  }
  const beta = meanShape ?? source.shape;
  if (beta.length < condition.shapeDim) throw new AppError('invalid-params', `${source.what}: its shape has ${beta.length} values, the model reads ${condition.shapeDim}`);
  const shape = Array.from(beta.slice(0, condition.shapeDim), Number);
  const albedo = Array.from({ length: albedoLength }, (_, i) => Number(source.packedCode![albedoOffset + i]));
  return { shape, identity: [...shape, ...albedo] };
}

/** The mean shape a model was fine-tuned with (personalised models' lineage), else null. */
export function trainedMeanShape(lineage: Record<string, unknown> | null): number[] | null {
  const value = lineage?.meanShape;
  return Array.isArray(value) && value.every((v) => typeof v === 'number') ? (value as number[]) : null;
}
