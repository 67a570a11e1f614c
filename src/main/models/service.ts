/**
 * The Models view's backend: the project's model registry as the API shows it (list, details,
 * rename, remove), imports as 'model-import' jobs, and inspecting a checkpoint before importing.
 *
 * Imported checkpoints stay where the researcher keeps them, and removing a model never deletes
 * their file. The one exception is a serve-mode upload: its staged copy under tmp/uploads is
 * swept an hour after the upload, so it is moved to derived/models/uploaded/ first, and that
 * app-owned copy goes when the import fails, turns out to be a duplicate, or the model is removed.
 */
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import type { AlbedoBasis, CheckpointInspection, CodeEstimator, ModelDetails, ModelInfo } from '../../common/contract/models';
import { AppError } from '../core/errors';
import type { TaskPool } from '../jobs/pool';
import type { InspectTasks } from './inspectTask';
import type { JobRunner } from '../jobs/runner';
import type { Project } from '../library/project';
import { describeConfig, encoderName, type DiffusionRigConfig } from './config';
import type { ModelImportParams, ModelImportResult } from './modelImportJob';
import type { ArchitectureOverrides } from './infer';
import type { ModelPrecision, ModelRecord } from './registry';
import { ModelRegistry, modelNameFromFile } from './registry';
import { architectureParameters, architectureSummary, inferredImageSize } from './summary';
import { isInside, nameUploadedFile, uploadedDir } from './uploads';
import { activeBufferHead, headCheck, modelBufferHead, type BufferHead } from './bufferHead';

/** What the service needs of the open project. */
export interface ModelServiceDeps {
  project: Project;
  jobs: Pick<JobRunner, 'start' | 'wait'>;
  pool: Pick<TaskPool<InspectTasks>, 'run'>;
  /** The head buffers are rendered with now (default: Settings' FLAME files, else the demo head). */
  activeHead?: () => BufferHead;
}


/** A path the user gave, checked before any job starts: it must be an existing file. */
export function checkCheckpointPath(path: string): string {
  const full = resolve(path);
  let stats;
  try {
    stats = statSync(full);
  } catch {
    throw new AppError('not-found', `${full}: no such file`);
  }
  if (stats.isDirectory()) throw new AppError('invalid-params', `${full} is a folder; choose the checkpoint file inside it (e.g. model000000.pt)`);
  if (!stats.isFile()) throw new AppError('invalid-params', `${full} is not a regular file`);
  return full;
}

/** Reads a checkpoint in a worker thread and describes it; a bad file gives an error naming the file and the problem. */
export async function inspectCheckpointFile(
  pool: Pick<TaskPool<InspectTasks>, 'run'>,
  path: string,
  overrides: ArchitectureOverrides | undefined,
  registry: ModelRegistry | null,
  /** Folders of uploaded files (uploadFolders): a file there is named by its uploaded name in errors. */
  uploads: readonly string[] = [],
): Promise<CheckpointInspection> {
  const full = checkCheckpointPath(path);
  let facts;
  try {
    facts = await pool.run('inspectCheckpoint', { path: full, overrides });
  } catch (error) {
    // the readers' messages already name the file and the problem; they are the user's to fix
    const message = error instanceof Error ? error.message : String(error);
    throw new AppError('invalid-params', nameUploadedFile(message.includes(full) ? message : `${full}: ${message}`, full, uploads));
  }
  const registered = registry?.findBySha256(facts.sha256);
  return {
    path: facts.path,
    format: facts.format,
    sizeBytes: facts.sizeBytes,
    sha256: facts.sha256,
    architecture: facts.config,
    summary: architectureSummary(facts.config),
    imageSize: inferredImageSize(facts.config),
    encoderName: encoderName(facts.config.encoder),
    parameters: facts.parameters,
    upstreamArgs: describeConfig(facts.config, inferredImageSize(facts.config) ?? undefined),
    strippedPrefix: facts.strippedPrefix,
    registered: registered ? { id: registered.id, name: registered.name } : null,
  };
}

/** Attention settings the weights do not record. */
export interface AttentionSettings {
  numHeads?: number;
  numHeadChannels?: number;
  numHeadsUpsample?: number;
  useNewAttentionOrder?: boolean;
}

/** Where a model's image size comes from: chosen by the user, its training lineage, the weights (channel multipliers), or nowhere. */
export function imageSizeSource(record: Pick<ModelRecord, 'imageSize' | 'config' | 'lineage'>): ModelInfo['imageSizeSource'] {
  if (record.imageSize) return 'chosen';
  const fromLineage = record.lineage?.imageSize;
  if (typeof fromLineage === 'number' && fromLineage > 0) return 'lineage';
  return inferredImageSize(record.config) === null ? null : 'weights';
}

/** Why attention settings cannot work with an architecture (heads must split each attention level's channels), or null. */
export function attentionProblem(config: DiffusionRigConfig): string | null {
  const u = config.unet;
  if (u.numHeadChannels === 0 || u.numHeadChannels < -1) return 'channels per head must be a positive number, or -1 to use the number of heads';
  for (const rate of u.attentionDownsampleRates) {
    const level = Math.round(Math.log2(rate));
    const mult = u.channelMult[level];
    if (mult === undefined) continue;
    const channels = Math.round(u.modelChannels * mult);
    if (u.numHeadChannels > 0) {
      if (channels % u.numHeadChannels !== 0) return `${channels} attention channels (at 1/${rate}) cannot be split into heads of ${u.numHeadChannels} channels`;
    } else {
      for (const heads of [u.numHeads, u.numHeadsUpsample]) if (heads < 1 || channels % heads !== 0) return `${channels} attention channels (at 1/${rate}) cannot be split into ${heads} heads`;
    }
  }
  return null;
}

/** The open project's models. */
export class ModelService {
  private readonly registry: ModelRegistry;
  private active: BufferHead | undefined;

  constructor(private readonly deps: ModelServiceDeps) {
    this.registry = new ModelRegistry(deps.project.db);
  }

  /** Registered models, oldest first. */
  list(): ModelInfo[] {
    const records = this.registry.list();
    const names = new Map(records.map((r) => [r.id, r.name]));
    return records.map((r) => this.info(r, names));
  }

  /** One model with parameter counts per network, upstream arguments and the models derived from it. */
  get(modelId: number): ModelDetails {
    const record = this.require(modelId);
    const all = this.registry.list();
    const names = new Map(all.map((r) => [r.id, r.name]));
    return {
      ...this.info(record, names),
      parameters: architectureParameters(record.config),
      upstreamArgs: describeConfig(record.config, record.imageSize ?? inferredImageSize(record.config, record.lineage) ?? undefined),
      derived: all.filter((r) => r.baseModelId === record.id).map((r) => ({ id: r.id, name: r.name })),
    };
  }

  /** Starts one import job per file; every path is checked first, so a typo starts nothing. */
  import(params: { paths: string[]; name?: string; overrides?: ModelImportParams['overrides']; imageSize?: number }): { jobIds: number[] } {
    if (params.name !== undefined && params.paths.length > 1) throw new AppError('invalid-params', 'a name can only be given when importing one file');
    const paths = params.paths.map(checkCheckpointPath);
    return {
      jobIds: paths.map((path) => {
        const uploaded = this.adoptUpload(path);
        const name = params.name ?? modelNameFromFile(basename(path));
        const job = this.deps.jobs.start('model-import', { path: uploaded ?? path, name, overrides: params.overrides, imageSize: params.imageSize } satisfies ModelImportParams);
        if (uploaded) void this.cleanUpAfter(job.id, uploaded);
        return job.id;
      }),
    };
  }

  /** Renames a model (names need not be unique; ids and hashes tell models apart). */
  rename(modelId: number, name: string): ModelInfo {
    const trimmed = name.trim();
    if (!trimmed) throw new AppError('invalid-params', 'a model name cannot be empty');
    const changes = this.deps.project.db.prepare('UPDATE models SET name = @name WHERE id = @id').run({ id: modelId, name: trimmed }).changes;
    if (changes === 0) throw new AppError('not-found', `model ${modelId} is not registered in this project`);
    const names = new Map(this.registry.list().map((r) => [r.id, r.name]));
    return this.info(this.registry.get(modelId), names);
  }

  /**
   * Stores the image size a model runs at (null forgets a chosen one). Every edit, sweep and
   * fine-tune of the model then uses it unless given another.
   */
  setImageSize(modelId: number, imageSize: number | null): ModelInfo {
    this.require(modelId);
    const record = new ModelRegistry(this.deps.project.db).setImageSize(modelId, imageSize);
    return this.info(record, new Map(this.registry.list().map((r) => [r.id, r.name])));
  }

  /**
   * Stores which estimator made a model's training buffers (null: not known) and, for EMOCA,
   * the albedo basis; Models shows them and training records them.
   */
  setEstimator(modelId: number, estimator: CodeEstimator | null, albedoBasis: AlbedoBasis | null): ModelInfo {
    this.require(modelId);
    if (albedoBasis !== null && estimator !== 'emoca') throw new AppError('invalid-params', 'the albedo basis is a setting of EMOCA models only');
    const record = this.registry.setEstimator(modelId, estimator, albedoBasis);
    return this.info(record, new Map(this.registry.list().map((r) => [r.id, r.name])));
  }

  /**
   * Stores the compute precision of a model on GPU providers: 'auto' (float16 there), 'float32'
   * (when float16's error is too large for the work) or 'float16'. The next edit uses it.
   */
  setPrecision(modelId: number, precision: ModelPrecision): ModelInfo {
    this.require(modelId);
    const record = this.registry.setPrecision(modelId, precision);
    return this.info(record, new Map(this.registry.list().map((r) => [r.id, r.name])));
  }

  /**
   * Changes the attention settings the weights do not record (heads, channels per head,
   * decoder heads, q|k|v order). The tensor shapes stay valid for any choice; a wrong one makes
   * wrong images, so values that cannot split a level's channels are refused.
   */
  setAttention(modelId: number, attention: AttentionSettings): ModelInfo {
    const record = this.require(modelId);
    const unet = { ...record.config.unet, ...attention };
    if (attention.numHeads !== undefined && attention.numHeadsUpsample === undefined) unet.numHeadsUpsample = attention.numHeads;
    const config: DiffusionRigConfig = { ...record.config, unet };
    const problem = attentionProblem(config);
    if (problem) throw new AppError('invalid-params', `model ${modelId} (${record.name}): ${problem}`);
    const updated = this.registry.setConfig(modelId, config);
    return this.info(updated, new Map(this.registry.list().map((r) => [r.id, r.name])));
  }

  /**
   * Removes the registry entry. The checkpoint file stays (only an uploaded copy the app made is
   * removed); personalised models keep their lineage, and edits keep their provenance.
   */
  delete(modelId: number): void {
    const record = this.require(modelId);
    this.deps.project.db.transaction(() => {
      this.deps.project.db.prepare('DELETE FROM models WHERE id = @id').run({ id: modelId });
    })();
    if (this.isUploadedCopy(record.filePath)) rmSync(dirname(record.filePath), { recursive: true, force: true });
  }

  private require(modelId: number): ModelRecord {
    try {
      return this.registry.get(modelId);
    } catch {
      throw new AppError('not-found', `model ${modelId} is not registered in this project`);
    }
  }

  private info(record: ModelRecord, names: ReadonlyMap<number, string>): ModelInfo {
    let fileStatus: ModelInfo['fileStatus'] = 'ok';
    try {
      if (statSync(record.filePath).size !== record.sizeBytes) fileStatus = 'changed';
    } catch {
      fileStatus = 'missing';
    }
    const baseName = record.baseModelId === null ? undefined : names.get(record.baseModelId);
    return {
      id: record.id,
      name: record.name,
      kind: record.kind,
      architecture: record.config,
      summary: architectureSummary(record.config),
      imageSize: record.imageSize ?? inferredImageSize(record.config, record.lineage),
      imageSizeSource: imageSizeSource(record),
      precision: record.precision,
      estimator: record.estimator ?? null,
      albedoBasis: record.albedoBasis ?? null,
      encoderName: encoderName(record.config.encoder),
      parameterCount: record.parameterCount,
      sizeBytes: record.sizeBytes,
      sha256: record.sha256,
      format: record.format,
      sourcePath: record.sourcePath,
      filePath: record.filePath,
      projectCopy: this.isUploadedCopy(record.filePath),
      fileStatus,
      baseModel: record.baseModelId !== null && baseName !== undefined ? { id: record.baseModelId, name: baseName } : null,
      lineage: record.lineage,
      head: headCheck(modelBufferHead(record, (id) => this.registry.list().find((r) => r.id === id)), this.activeHead()),
      importedAt: record.createdAt,
    };
  }

  /** The head in use, read once per service (one request). */
  private activeHead(): BufferHead {
    this.active ??= (this.deps.activeHead ?? activeBufferHead)();
    return this.active;
  }

  private isUploadedCopy(path: string): boolean {
    return isInside(resolve(path), join(this.deps.project.paths.derived, uploadedDir));
  }

  /** Moves a staged upload (tmp/uploads/<batch>/<n>/<name>) out of the swept tmp/ folder; null for other paths. */
  private adoptUpload(path: string): string | null {
    const { uploads, derived } = this.deps.project.paths;
    if (!isInside(path, uploads)) return null;
    const parts = relative(uploads, path).split(sep);
    const target = join(derived, uploadedDir, parts.slice(0, -1).join('-'), parts[parts.length - 1]);
    mkdirSync(dirname(target), { recursive: true });
    renameSync(path, target);
    return target;
  }

  /** Removes an uploaded copy no model uses once its import has ended (failed, cancelled, or a duplicate). */
  private async cleanUpAfter(jobId: number, copy: string): Promise<void> {
    const job = await this.deps.jobs.wait(jobId);
    if (job.state === 'interrupted') return; // resumable: it still needs the file
    const result = job.result as ModelImportResult | null;
    if (job.state === 'done' && result?.model.filePath === copy) return;
    if (existsSync(copy)) rmSync(dirname(copy), { recursive: true, force: true });
  }
}
