/**
 * The project's model registry (table `models`, migration 0004): imported DiffusionRig
 * checkpoints and personalised models derived from them. SQL via prepared statements with
 * named parameters.
 */
import type { Database } from 'better-sqlite3';
import { now } from '../db/database';
import type { DiffusionRigConfig } from './config';

/** One registered model. */
export interface ModelRecord {
  id: number;
  name: string;
  kind: 'base' | 'personalized';
  /** The file the user imported. */
  sourcePath: string;
  /** The file the weights are loaded from (the source for imports). */
  filePath: string;
  format: 'torch-zip' | 'safetensors' | 'npz';
  sha256: string;
  sizeBytes: number;
  config: DiffusionRigConfig;
  parameterCount: number;
  baseModelId: number | null;
  /** Training lineage of personalised models (album, settings, steps, ...). */
  lineage: Record<string, unknown> | null;
  createdAt: string;
}

interface Row extends Omit<ModelRecord, 'config' | 'lineage'> {
  config: string;
  lineage: string | null;
}

export type NewModel = Omit<ModelRecord, 'id' | 'createdAt'>;

function fromRow(row: Row): ModelRecord {
  return { ...row, config: JSON.parse(row.config) as DiffusionRigConfig, lineage: row.lineage ? (JSON.parse(row.lineage) as Record<string, unknown>) : null };
}

/** Models of one project database. */
export class ModelRegistry {
  constructor(private readonly db: Database) {}

  /** Adds a model; a model with the same content hash is returned instead of a duplicate. */
  add(model: NewModel): { model: ModelRecord; created: boolean } {
    return this.db.transaction(() => {
      const existing = this.findBySha256(model.sha256);
      if (existing) return { model: existing, created: false };
      const id = this.db
        .prepare(
          `INSERT INTO models (name, kind, sourcePath, filePath, format, sha256, sizeBytes, config, parameterCount, baseModelId, lineage, createdAt)
           VALUES (@name, @kind, @sourcePath, @filePath, @format, @sha256, @sizeBytes, @config, @parameterCount, @baseModelId, @lineage, @createdAt)`,
        )
        .run({ ...model, config: JSON.stringify(model.config), lineage: model.lineage ? JSON.stringify(model.lineage) : null, createdAt: now() }).lastInsertRowid;
      return { model: this.get(Number(id)), created: true };
    })();
  }

  /** The model with this id; throws when there is none. */
  get(id: number): ModelRecord {
    const row = this.db.prepare('SELECT * FROM models WHERE id = @id').get({ id }) as Row | undefined;
    if (!row) throw new Error(`no model with id ${id}`);
    return fromRow(row);
  }

  findBySha256(sha256: string): ModelRecord | undefined {
    const row = this.db.prepare('SELECT * FROM models WHERE sha256 = @sha256').get({ sha256 }) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }

  /** All models, oldest first. */
  list(): ModelRecord[] {
    return (this.db.prepare('SELECT * FROM models ORDER BY id').all() as Row[]).map(fromRow);
  }
}
