/**
 * Registered DiffusionRig models ready to sample, bound to the ONNX backend.
 *
 * Reading the checkpoint, building the graphs and serialising them to ONNX happen in a worker
 * thread (build-task.ts), once per (batch size, image size): `prepare` puts the finished
 * sessions into the backend's cache under the keys the runner asks for, so the runner never
 * builds a graph itself (its state dict is a guard that says so if it tried). The ORT session
 * creation stays on this thread (the sessions live here); onnxruntime-node does it
 * synchronously, so that part (≈0.1 s per session at 64 px, more at 256 px) still blocks.
 */
import { readFile, rm } from 'node:fs/promises';
import type { StateDict } from '../checkpoint';
import type { TaskPool } from '../jobs/pool';
import { defaultChannelMult } from '../models/config';
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
  /** Sessions prepared for this model: (batch, size) → done when both are in the backend's cache. */
  prepared: Map<string, Promise<void>>;
}

/** The backend session key the runner uses for a network at a batch size and image size (diffusion/runner.ts). */
export function runnerSessionKey(runnerKey: string, kind: 'unet' | 'encoder', batch: number, imageSize: number): string {
  return `${runnerKey}:${kind}:${batch}x${imageSize}`;
}

function entryKey(record: ModelRecord): string {
  return `${record.sha256}:${record.filePath}`;
}

/** An empty state dict whose lookups fail with a clear message: graphs are built in the worker, never from the runner. */
class WorkerBuiltStateDict extends Map<string, StateDict extends Map<string, infer T> ? T : never> {
  constructor(private readonly record: Pick<ModelRecord, 'filePath' | 'name'>) {
    super();
  }

  private refuse(): never {
    throw new Error(`${this.record.filePath}: the graphs of model '${this.record.name}' are built in a worker; prepare its sessions (ModelLoader.prepare) for this batch size first`);
  }

  override get(): never {
    return this.refuse();
  }

  override has(): never {
    return this.refuse();
  }
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
    const key = entryKey(record);
    let entry = this.entries.get(key);
    if (!entry) {
      const weights = { config: record.config, stateDict: new WorkerBuiltStateDict(record), strippedPrefix: '' };
      const loaded = Promise.resolve({ record, runner: new DiffusionRigRunner(weights, this.backend, `edit-model-${record.sha256.slice(0, 16)}`) });
      entry = { loaded, users: 0, lastUsed: 0, prepared: new Map() };
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

  /**
   * Makes the UNet and encoder sessions of `loaded` for (batch, imageSize) ready: built and
   * serialised in a worker of `pool` (checkpoint read and checked there too), read back
   * asynchronously and handed to the backend. Concurrent calls share the work; a failure
   * (e.g. a damaged checkpoint, named in the error) is not kept, so a later call retries.
   */
  async prepare(loaded: LoadedModel, pool: Pick<TaskPool, 'run'>, batch: number, imageSize: number): Promise<void> {
    const entry = this.entries.get(entryKey(loaded.record));
    const key = `${batch}x${imageSize}`;
    const unetKey = runnerSessionKey(loaded.runner.key, 'unet', batch, imageSize);
    const encoderKey = runnerSessionKey(loaded.runner.key, 'encoder', batch, imageSize);
    let pending = entry?.prepared.get(key);
    if (pending) return pending;
    if (this.backend.has(unetKey) && this.backend.has(encoderKey)) return;
    pending = (async () => {
      const built = await pool.run('buildDiffusionRigOnnx', { checkpointPath: loaded.record.filePath, config: loaded.record.config, batch, imageSize });
      try {
        const [unet, encoder] = await Promise.all([readFile(built.unetPath), readFile(built.encoderPath)]);
        const bytes = (b: Buffer) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
        // one after the other: onnxruntime-node creates a session synchronously on this thread, so
        // the loop gets a turn between the two blocks instead of one block of both
        await this.backend.load(unetKey, () => bytes(unet));
        await new Promise((resolve) => setImmediate(resolve));
        await this.backend.load(encoderKey, () => bytes(encoder));
      } finally {
        await Promise.all([rm(built.unetPath, { force: true }), rm(built.encoderPath, { force: true })]);
      }
    })();
    entry?.prepared.set(key, pending);
    pending.catch(() => entry?.prepared.delete(key));
    return pending;
  }

  private async evict(): Promise<void> {
    const idle = [...this.entries].filter(([, e]) => e.users === 0).sort((a, b) => a[1].lastUsed - b[1].lastUsed);
    while (this.entries.size > this.keep && idle.length > 0) {
      const [key, entry] = idle.shift()!;
      this.entries.delete(key);
      await this.disposeEntry(entry);
    }
  }

  /** Frees the runner's sessions and any prepared ones it never used. */
  private async disposeEntry(entry: Entry): Promise<void> {
    const loaded = await entry.loaded.catch(() => null);
    if (!loaded) return;
    await loaded.runner.dispose();
    await Promise.all([...entry.prepared.keys()].flatMap((k) => {
      const [batch, size] = k.split('x').map(Number);
      return (['unet', 'encoder'] as const).map((kind) => this.backend.dispose(runnerSessionKey(loaded.runner.key, kind, batch, size)));
    }));
  }

  /** Frees every loaded model's sessions. */
  async dispose(): Promise<void> {
    const all = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(all.map((e) => this.disposeEntry(e)));
  }
}
