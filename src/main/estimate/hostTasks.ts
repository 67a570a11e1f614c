/**
 * The estimation kind of the compute host: one photo through the estimation pipeline (detector,
 * mesh, emotion, DECA/EMOCA or landmark fitting); and the host's one set of FLAME estimators,
 * which scoring shares (edit/hostTasks.ts).
 */
import type { HostState } from '../engine/state';
import type { EstimatePhotoInput, EstimatePhotoOutput, EstimatorCache } from './task';
import { estimatorCache, photoEstimation } from './task';

/** The host's FLAME estimators (one set for estimation and for scoring expressions). */
export function hostEstimators(state: HostState): EstimatorCache {
  return state.shared('estimate.estimators', (s) => estimatorCache(s.backend));
}

async function estimatePhoto(state: HostState, input: EstimatePhotoInput): Promise<EstimatePhotoOutput> {
  return state.shared('estimate.photo', () => photoEstimation(hostEstimators(state)))(input);
}

export const estimateHostTasks = { estimatePhoto };
export type EstimateHostTasks = typeof estimateHostTasks;
