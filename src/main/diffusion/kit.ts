/**
 * The DiffusionRig kit's model side, used by the Edit studio and the trainer: which image size
 * a registered model runs at (main side, pure), and, inside the compute host, registered
 * checkpoints loaded onto the host's backend as runners.
 *
 * In the host the checkpoint is read and checked against its registered config once per
 * model, and the runner builds its UNet/encoder sessions from the real state dict on first
 * use (with the backend's float16 conversion on GPU providers), under the one session-key
 * format of diffusion/runner.ts. All of it runs on the host's thread, never on the thread that
 * serves the UI, so there is no separate build step and no placeholder state dict.
 */
import { createHash } from 'node:crypto';
import { readCheckpoint } from '../checkpoint';
import type { DiffusionRigConfig } from '../models/config';
import { defaultChannelMult } from '../models/config';
import { loadDiffusionRig } from '../models/diffusionrig';
import type { ModelRecord } from '../models/registry';
import type { OnnxBackend } from '../nn/backend';
import { DiffusionRigRunner } from './runner';

/**
 * The image size a model runs at: given explicitly, else its training lineage's, else the
 * upstream size whose default channel multipliers it has; null when none applies.
 */
export function modelImageSize(model: Pick<ModelRecord, 'lineage' | 'config'> & { imageSize?: number | null }, override?: number): number | null {
  if (override) return override;
  if (model.imageSize) return model.imageSize; // chosen by the user and kept with the model (migration 0008)
  const fromLineage = model.lineage?.imageSize;
  if (typeof fromLineage === 'number' && Number.isInteger(fromLineage) && fromLineage > 0) return fromLineage;
  const mult = model.config.unet.channelMult.join(',');
  for (const size of [64, 128, 256, 512]) if (defaultChannelMult(size).join(',') === mult) return size;
  return null;
}

/** A registered model as the host needs it (plain data, sent with every request that uses it). */
export interface KitModel {
  name: string;
  sha256: string;
  filePath: string;
  config: DiffusionRigConfig;
  /** Compute precision on GPU providers (default 'auto': float16 there, float32 on the CPU). */
  precision?: 'auto' | 'float32' | 'float16';
}

/** The kit's view of a registry record. */
export function kitModel(record: Pick<ModelRecord, 'name' | 'sha256' | 'filePath' | 'config'> & { precision?: ModelRecord['precision'] }): KitModel {
  return { name: record.name, sha256: record.sha256, filePath: record.filePath, config: record.config, precision: record.precision ?? 'auto' };
}

/** A short tag of a model's stored architecture, so changed attention settings never reuse old sessions. */
function configTag(config: DiffusionRigConfig): string {
  return createHash('sha256').update(JSON.stringify(config)).digest('hex').slice(0, 8);
}

interface Entry {
  runner: Promise<DiffusionRigRunner>;
  /** Requests using the model now: it is never disposed under them. */
  users: number;
  lastUsed: number;
}

/**
 * Loaded models on one backend. Up to `keep` stay loaded (editing usually runs many jobs on
 * one model); beyond that the least recently used idle one is disposed, a model in use never.
 */
export class ModelKit {
  private readonly entries = new Map<string, Entry>();
  private clock = 0;

  constructor(
    readonly backend: OnnxBackend,
    private readonly keep = 2,
  ) {}

  /** How many models are loaded. */
  get size(): number {
    return this.entries.size;
  }

  private load(model: KitModel): Promise<DiffusionRigRunner> {
    return Promise.resolve().then(() => {
      const weights = loadDiffusionRig(readCheckpoint(model.filePath).stateDict, model.filePath, {}, model.config);
      return new DiffusionRigRunner(weights, this.backend, `diffusionrig-${model.sha256.slice(0, 16)}-${configTag(model.config)}`, { precision: model.precision ?? 'auto' });
    });
  }

  /** The runner of `model`, loaded if needed and held until `release`; a failed load (named in the error) is not kept. */
  async acquire(model: KitModel): Promise<{ runner: DiffusionRigRunner; release: () => void }> {
    // the stored architecture is part of the key: attention settings can be changed after import
    const key = `${model.sha256}:${model.filePath}:${configTag(model.config)}:${model.precision ?? 'auto'}`;
    let entry = this.entries.get(key);
    if (!entry) {
      const runner = this.load(model);
      entry = { runner, users: 0, lastUsed: 0 };
      this.entries.set(key, entry);
      runner.catch(() => this.entries.delete(key));
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
      return { runner: await entry.runner, release };
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
      await (await entry.runner.catch(() => null))?.dispose();
    }
  }

  /** Frees every idle model's sessions; returns how many were freed. */
  async releaseIdle(): Promise<number> {
    const idle = [...this.entries].filter(([, e]) => e.users === 0);
    for (const [key] of idle) this.entries.delete(key);
    await Promise.all(idle.map(async ([, e]) => (await e.runner.catch(() => null))?.dispose()));
    return idle.length;
  }
}
