import type { Migration } from './types';

/**
 * The model registry: DiffusionRig checkpoints known to the project. Imported checkpoints stay
 * where they are (they are hundreds of MB); the row records where, their SHA-256, size, format
 * and the architecture inferred from their tensor shapes. Personalised models (stage-2
 * fine-tuning) point at their base model and keep their training lineage as JSON.
 */
export const migration0004: Migration = {
  version: 4,
  name: 'models',
  up(db) {
    db.exec(`
      CREATE TABLE models (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('base', 'personalized')),
        sourcePath TEXT NOT NULL,
        filePath TEXT NOT NULL,
        format TEXT NOT NULL CHECK (format IN ('torch-zip', 'safetensors', 'npz')),
        sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
        sizeBytes INTEGER NOT NULL CHECK (sizeBytes >= 0),
        config TEXT NOT NULL,
        parameterCount INTEGER NOT NULL,
        baseModelId INTEGER REFERENCES models(id) ON DELETE SET NULL,
        lineage TEXT,
        createdAt TEXT NOT NULL
      ) STRICT;
      CREATE UNIQUE INDEX models_bySha256 ON models(sha256);
      CREATE INDEX models_byBaseModelId ON models(baseModelId);
    `);
  },
};
