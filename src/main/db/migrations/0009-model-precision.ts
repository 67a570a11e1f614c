import type { Migration } from './types';

/**
 * The compute precision chosen for a model on GPU providers: 'auto' (float16 compute with the
 * timestep embedding, GroupNorm statistics and softmax kept in float32 — the default), 'float32'
 * (a model whose float16 error is too large for the researcher), or 'float16'. The CPU provider
 * always computes in float32 under 'auto'.
 */
export const migration0009: Migration = {
  version: 9,
  name: 'model-precision',
  up(db) {
    db.exec(`ALTER TABLE models ADD COLUMN precision TEXT NOT NULL DEFAULT 'auto' CHECK (precision IN ('auto', 'float32', 'float16'));`);
  },
};
