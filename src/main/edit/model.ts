/**
 * Registered DiffusionRig models ready to sample: the checkpoint read and checked against its
 * registered config, bound to the ONNX backend.
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

interface Entry {
  loaded: Promise<LoadedModel>;
  /** Work in progress with this model: it is never disposed while in use. */
  users: number;
  lastUsed: number;
}

/**
 * Loads registered models onto one backend. Up to `keep` models stay loaded (editing usually
 * runs many jobs on one model); the least recently used idle one is disposed beyond that, and
 * a model in use (a running job, a re-run, a sweep) is never disposed under its user.
 */
export class ModelLoader {
  private readonly entries = new Map<string, Entry>();
  private clock = 0;

  constructor(
    readonly backend: OnnxBackend,
    private readonly keep = 2,
  ) {}

  /** The model with this id from the project's registry, loaded and held until `release`. */
  async acquire(db: Database, modelId: number): Promise<{ loaded: LoadedModel; release: () => void }> {
    let record: ModelRecord;
    try {
      record = new ModelRegistry(db).get(modelId);
    } catch {
      throw new AppError('not-found', `model ${modelId} is not registered in this project`);
    }
    const key = `${record.sha256}:${record.filePath}`;
    let entry = this.entries.get(key);
    if (!entry) {
      const loaded = (async () => {
        const checkpoint = readCheckpoint(record.filePath);
        const weights = loadDiffusionRig(checkpoint.stateDict, record.filePath, {}, record.config);
        return { record, runner: new DiffusionRigRunner(weights, this.backend, `edit-model-${record.sha256.slice(0, 16)}`) };
      })();
      entry = { loaded, users: 0, lastUsed: 0 };
      this.entries.set(key, entry);
      loaded.catch(() => this.entries.delete(key));
    }
    entry.users++;
    entry.lastUsed = ++this.clock;
    const held = entry;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      held.users--;
      void this.evict();
    };
    try {
      return { loaded: await entry.loaded, release };
    } catch (error) {
      release();
      throw error;
    }
  }

  private async evict(): Promise<void> {
    const idle = [...this.entries].filter(([, e]) => e.users === 0).sort((a, b) => a[1].lastUsed - b[1].lastUsed);
    while (this.entries.size > this.keep && idle.length > 0) {
      const [key, entry] = idle.shift()!;
      this.entries.delete(key);
      await (await entry.loaded.catch(() => null))?.runner.dispose();
    }
  }

  /** Frees every loaded model's sessions. */
  async dispose(): Promise<void> {
    const all = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(all.map(async (e) => (await e.loaded.catch(() => null))?.runner.dispose()));
  }
}
