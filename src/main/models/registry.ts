/**
 * The project's model registry (table `models`, migration 0004): imported DiffusionRig
 * checkpoints and personalised models derived from them. SQL via prepared statements with
 * named parameters.
 */
import type { Database } from 'better-sqlite3';
import { now } from '../db/database';
import type { AlbedoBasis, CodeEstimator } from '../../common/contract/models';
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
  /** The image size the user chose for it (migration 0008); null when not chosen. */
  imageSize: number | null;
  /** Compute precision on GPU providers (migration 0009): 'auto' is float16 there, float32 on the CPU. */
  precision: ModelPrecision;
  /** The estimator that made the model's training buffers (migration 0011); null when not known. */
  estimator: CodeEstimator | null;
  /** EMOCA models: the basis their albedo codes were decoded with; null otherwise or when not known. */
  albedoBasis: AlbedoBasis | null;
  createdAt: string;
}

interface Row extends Omit<ModelRecord, 'config' | 'lineage'> {
  config: string;
  lineage: string | null;
}

/** A model's compute precision choice. */
export type ModelPrecision = 'auto' | 'float32' | 'float16';

export type NewModel = Omit<ModelRecord, 'id' | 'createdAt' | 'imageSize' | 'precision' | 'estimator' | 'albedoBasis'> & {
  imageSize?: number | null;
  precision?: ModelPrecision;
  estimator?: CodeEstimator | null;
  albedoBasis?: AlbedoBasis | null;
};

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
          `INSERT INTO models (name, kind, sourcePath, filePath, format, sha256, sizeBytes, config, parameterCount, baseModelId, lineage, imageSize, precision, estimator, albedoBasis, createdAt)
           VALUES (@name, @kind, @sourcePath, @filePath, @format, @sha256, @sizeBytes, @config, @parameterCount, @baseModelId, @lineage, @imageSize, @precision, @estimator, @albedoBasis, @createdAt)`,
        )
        .run({ ...model, imageSize: model.imageSize ?? null, precision: model.precision ?? 'auto', estimator: model.estimator ?? null, albedoBasis: model.estimator === 'emoca' ? (model.albedoBasis ?? null) : null, config: JSON.stringify(model.config), lineage: model.lineage ? JSON.stringify(model.lineage) : null, createdAt: now() }).lastInsertRowid;
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

  /**
   * A model by what a user types: its id, its name, or the name of its file (with or without
   * the extension). Names need not be unique: an ambiguous name is an error naming the ids.
   */
  find(ref: string): ModelRecord | undefined {
    const text = ref.trim();
    const all = this.list();
    if (/^\d+$/.test(text)) {
      const byId = all.find((m) => m.id === Number(text));
      if (byId) return byId;
    }
    const fileName = (path: string) => path.split(/[\\/]/).pop() ?? path;
    const tests: ((m: ModelRecord) => boolean)[] = [
      (m) => m.name === text,
      (m) => fileName(m.sourcePath) === text || fileName(m.filePath) === text,
      (m) => modelNameFromFile(m.sourcePath) === text || modelNameFromFile(m.name) === text,
    ];
    for (const test of tests) {
      const hits = all.filter(test);
      if (hits.length > 1) throw new Error(`'${text}' names ${hits.length} models (ids ${hits.map((m) => m.id).join(', ')}); give the id`);
      if (hits.length === 1) return hits[0];
    }
    return undefined;
  }

  /** Stores the image size chosen for a model (null forgets it). */
  setImageSize(id: number, imageSize: number | null): ModelRecord {
    const changes = this.db.prepare('UPDATE models SET imageSize = @imageSize WHERE id = @id').run({ id, imageSize }).changes;
    if (changes === 0) throw new Error(`no model with id ${id}`);
    return this.get(id);
  }

  /** Stores which estimator made a model's buffers and, for EMOCA, the albedo basis (null: not known). */
  setEstimator(id: number, estimator: CodeEstimator | null, albedoBasis: AlbedoBasis | null): ModelRecord {
    const changes = this.db
      .prepare('UPDATE models SET estimator = @estimator, albedoBasis = @albedoBasis WHERE id = @id')
      .run({ id, estimator, albedoBasis: estimator === 'emoca' ? albedoBasis : null }).changes;
    if (changes === 0) throw new Error(`no model with id ${id}`);
    return this.get(id);
  }

  /** Stores the compute precision chosen for a model on GPU providers. */
  setPrecision(id: number, precision: ModelPrecision): ModelRecord {
    const changes = this.db.prepare('UPDATE models SET precision = @precision WHERE id = @id').run({ id, precision }).changes;
    if (changes === 0) throw new Error(`no model with id ${id}`);
    return this.get(id);
  }

  /** Replaces a model's stored architecture (settings the weights do not record, e.g. attention heads). */
  /** Points a model at its file's new place (the same content, e.g. a shipped model after the app moved). */
  setFilePath(id: number, filePath: string): ModelRecord {
    const changes = this.db.prepare('UPDATE models SET filePath = @filePath, sourcePath = @filePath WHERE id = @id').run({ id, filePath }).changes;
    if (changes === 0) throw new Error(`no model with id ${id}`);
    return this.get(id);
  }

  setConfig(id: number, config: DiffusionRigConfig): ModelRecord {
    const changes = this.db.prepare('UPDATE models SET config = @config WHERE id = @id').run({ id, config: JSON.stringify(config) }).changes;
    if (changes === 0) throw new Error(`no model with id ${id}`);
    return this.get(id);
  }

  /**
   * `name`, or `name (2)`, `name (3)`, … when another model already has it: models a job
   * registers (fine-tunes, base models) stay distinguishable in every list and picker.
   */
  uniqueName(name: string): string {
    const taken = new Set((this.db.prepare('SELECT name FROM models').all() as { name: string }[]).map((r) => r.name));
    if (!taken.has(name)) return name;
    let n = 2;
    while (taken.has(`${name} (${n})`)) n++;
    return `${name} (${n})`;
  }

  /** All models, oldest first. */
  list(): ModelRecord[] {
    return (this.db.prepare('SELECT * FROM models ORDER BY id').all() as Row[]).map(fromRow);
  }
}

/** Checkpoint extensions a default model name drops ('model000000.pt' → 'model000000'). */
const checkpointExtension = /\.(pt|pth|tar|ckpt|bin|safetensors|npz)$/i;

/** The default name of a model imported from `path`: the file name without its checkpoint extension. */
export function modelNameFromFile(path: string): string {
  const file = path.split(/[\\/]/).pop() ?? path;
  const stripped = file.replace(checkpointExtension, '').replace(/\.(pt|pth)$/i, '');
  return stripped || file;
}
