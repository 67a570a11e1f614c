import type { Migration } from './types';

/**
 * Which estimator made a model's training buffers — 'deca' (upstream DiffusionRig), 'emoca'
 * (DiffusionRig-EMO) or 'fit' (landmark fitting) — and, for EMOCA, the albedo basis its albedo
 * code was decoded with ('flame-texture': FLAME_texture.npz, as DiffusionRig-EMO's code does;
 * 'bfm': FLAME_albedo_from_BFM.npz, the space EMOCA regressed it in). Like the image size, the
 * weights do not record either. NULL: not known (models from before, until the user says).
 */
export const migration0011: Migration = {
  version: 11,
  name: 'model-estimator',
  up(db) {
    db.exec(`ALTER TABLE models ADD COLUMN estimator TEXT CHECK (estimator IS NULL OR estimator IN ('deca', 'emoca', 'fit'));
      ALTER TABLE models ADD COLUMN albedoBasis TEXT CHECK (albedoBasis IS NULL OR (estimator = 'emoca' AND albedoBasis IN ('flame-texture', 'bfm')));`);
  },
};
