/**
 * The scoring kind of the compute host (a generated image's face, emotion, identity and
 * expression scores, one request per image), and the app's scorer that sends it.
 */
import type { EditScores } from '../../common/contract/edit';
import type { Engine } from '../engine/client';
import type { HostState } from '../engine/state';
import { hostEstimators } from '../estimate/hostTasks';
import type { ScoreInput, Scorer } from './scores';
import { FaceScorer } from './scores';

async function score(state: HostState, input: ScoreInput): Promise<EditScores> {
  const scorer = state.shared('edit.scorer', (s) => new FaceScorer(s.backend, { estimateCode: async (spec, image) => (await (await hostEstimators(s)(spec)).estimate(image)).code }));
  return scorer.score(input);
}

export const editHostTasks = { score };
export type EditHostTasks = typeof editHostTasks;

/** Scores in the compute host (its FaceScorer, one request per image); the app's scorer. */
export class EngineScorer implements Scorer {
  constructor(private readonly engine: Engine<EditHostTasks>) {}

  score(input: ScoreInput): Promise<EditScores> {
    return this.engine.request('score', input);
  }
}
