/**
 * Expression error, the field's measure of an expression edit: re-estimate the generated face's
 * expression (50) and jaw pose (3) with a FLAME estimator and take the RMSE against the codes
 * the edit asked for; the same for the unedited source is the floor an edit has to beat. This
 * side decides which estimator (by default the one that made the target's codes) and what was
 * asked for; the re-estimation runs in the compute host with the other scores (scores.ts).
 */
import type { Database } from 'better-sqlite3';
import type { ModelAssetPaths } from '../../common/contract/flame';
import type { FlameCodes } from '../../common/flame/codes';
import { estimatorSpecFor, readChoice } from '../estimate/estimatorChoice';
import { EstimateStore } from '../estimate/store';
import type { EstimatorSpec } from '../estimate/task';

export const expressionEstimators = ['target', 'deca', 'emoca', 'fit', 'none'] as const;
/** Which estimator re-estimates: 'target' is the one that made the target's codes; 'none' measures nothing. */
export type ExpressionEstimatorChoice = (typeof expressionEstimators)[number];

/** What the host needs to score the expression of one result, or why it cannot. */
export type ExpressionRequest = { spec: EstimatorSpec; estimator: string; requested: number[] } | { unavailable: string };

/** Expression (50) then jaw pose (3): what an expression edit sets. */
export function expressionVector(codes: FlameCodes): number[] {
  return [...codes.expression, ...codes.pose.slice(3, 6)];
}

/** The same 53 values of an estimate's packed DECA code (expression at 150, pose at 200). */
export function expressionOfCode(code: Float32Array): number[] {
  return [...code.subarray(150, 200), ...code.subarray(203, 206)];
}

/** Root mean square difference of two equally long vectors. */
export function rmse(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length || a.length === 0) throw new Error(`expression vectors differ: ${a.length} and ${b.length} values`);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] - b[i]) ** 2;
  return Math.sqrt(sum / a.length);
}

const estimatorNames: Record<string, string> = { deca: 'DECA', emoca: 'EMOCA', fit: 'landmark fitting' };

/**
 * The estimator spec for `choice` in a project: the project's own estimator when it is of that
 * kind (its files from Settings), landmark fitting always; DECA or EMOCA otherwise need their
 * checkpoint, which only the project's estimator setting names.
 */
export function expressionEstimatorSpec(db: Database, assets: ModelAssetPaths, choice: Exclude<ExpressionEstimatorChoice, 'none'>, targetPhotoId: number | null): { spec: EstimatorSpec; estimator: string } | { unavailable: string } {
  const project = readChoice(db);
  let kind: 'deca' | 'emoca' | 'fit';
  if (choice === 'target') {
    const made = targetPhotoId === null ? undefined : new EstimateStore(db).codes(targetPhotoId)?.estimator;
    // codes from elsewhere (the demo's known codes, an import) are re-estimated with the project's estimator
    kind = made === 'deca' || made === 'emoca' || made === 'fit' ? made : project.kind;
  } else kind = choice;
  if (kind !== 'fit' && project.kind !== kind) {
    return { unavailable: `expression: re-estimating with ${estimatorNames[kind]} needs its checkpoint; choose ${estimatorNames[kind]} as the project's estimator in Settings (it is ${estimatorNames[project.kind]}), or score with landmark fitting` };
  }
  try {
    return { spec: estimatorSpecFor(kind === project.kind ? project : { kind: 'fit' }, assets), estimator: kind };
  } catch (error) {
    return { unavailable: `expression: ${(error as Error).message}` };
  }
}
