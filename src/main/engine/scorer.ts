import type { EditScores } from '../../common/contract/edit';
import type { ScoreInput, Scorer } from '../edit/scores';
import type { Engine } from './client';

/** Scores in the compute host (its FaceScorer, one request per image); the app's scorer. */
export class EngineScorer implements Scorer {
  constructor(private readonly engine: Engine) {}

  score(input: ScoreInput): Promise<EditScores> {
    return this.engine.request('score', input);
  }
}
