import type { Migration } from './types';

/**
 * Settings of a model the weights do not record, chosen by the user once and kept with it: the
 * image size (a checkpoint whose channel multipliers are not upstream's default for a size
 * cannot tell it). NULL means "not chosen": the size then comes from the lineage or the channel
 * multipliers. Attention heads and order live in the stored architecture (`config`).
 */
export const migration0008: Migration = {
  version: 8,
  name: 'model-settings',
  up(db) {
    db.exec(`ALTER TABLE models ADD COLUMN imageSize INTEGER CHECK (imageSize IS NULL OR (imageSize BETWEEN 16 AND 1024));`);
  },
};
