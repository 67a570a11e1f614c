/**
 * Registered DiffusionRig models ready to sample: the checkpoint read and checked against its
 * registered config, bound to the ONNX backend. The last model used stays loaded (editing
 * usually runs many jobs on one model); loading another disposes its sessions.
 */
import { readCheckpoint } from '../checkpoint';
import { defaultChannelMult } from '../models/config';
import { loadDiffusionRig } from '../models/diffusionrig';
import type { ModelRecord } from '../models/registry';
import { ModelRegistry } from '../models/registry';
import type { Database } from 'better-sqlite3';
import { AppError } from '../api/errors';
import { DiffusionRigRunner } from '../diffusion/runner';
import type { OnnxBackend } from '../nn/backend';

/**
 * The image size a model runs at: given explicitly, else its training lineage's, else the
 * upstream size whose default channel multipliers it has; null when none applies.
 */
export function modelImageSize(model: ModelRecord, override?: number): number | null {
  if (override) return override;
  const fromLineage = model.lineage?.imageSize;
  if (typeof fromLineage === 'number' && Number.isInteger(fromLineage) && fromLineage > 0) return fromLineage;
  const mult = model.config.unet.channelMult.join(',');
  for (const size of [64, 128, 256, 512]) if (defaultChannelMult(size).join(',') === mult) return size;
  return null;
}

/** A loaded model. */
export interface LoadedModel {
  record: ModelRecord;
  runner: DiffusionRigRunner;
}

/** Loads registered models onto one backend, keeping the last one. */
export class ModelLoader {
  private current: Promise<LoadedModel> | null = null;
  private currentKey = '';

  constructor(readonly backend: OnnxBackend) {}

  /** The model with this id from the project's registry, loaded. */
  load(db: Database, modelId: number): Promise<LoadedModel> {
    let record: ModelRecord;
    try {
      record = new ModelRegistry(db).get(modelId);
    } catch {
      throw new AppError('not-found', `model ${modelId} is not registered in this project`);
    }
    const key = `${record.sha256}:${record.filePath}`;
    if (this.current && this.currentKey === key) return this.current;
    const previous = this.current;
    this.currentKey = key;
    this.current = (async () => {
      if (previous) await (await previous.catch(() => null))?.runner.dispose();
      const checkpoint = readCheckpoint(record.filePath);
      const weights = loadDiffusionRig(checkpoint.stateDict, record.filePath, {}, record.config);
      return { record, runner: new DiffusionRigRunner(weights, this.backend, `edit-model-${record.sha256.slice(0, 16)}`) };
    })();
    this.current.catch(() => {
      if (this.currentKey === key) {
        this.current = null;
        this.currentKey = '';
      }
    });
    return this.current;
  }

  /** Frees the loaded model's sessions. */
  async dispose(): Promise<void> {
    const loaded = await this.current?.catch(() => null);
    this.current = null;
    this.currentKey = '';
    await loaded?.runner.dispose();
  }
}
