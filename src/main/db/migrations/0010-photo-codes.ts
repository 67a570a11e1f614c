import type { Migration } from './types';

/**
 * Renames `photoEstimates` (migration 0005) to `photoCodes`: it holds the FLAME codes a photo
 * uses (the estimator's, or hand edits saved over them), beside `estimates`, the estimator's
 * full record; the two names had been easy to mix up. The columns, the primary key, the
 * reference to photos (ON DELETE CASCADE) and STRICT stay as they were; no table references it.
 */
export const migration0010: Migration = {
  version: 10,
  name: 'photo-codes',
  up(db) {
    db.exec('ALTER TABLE photoEstimates RENAME TO photoCodes;');
  },
};
