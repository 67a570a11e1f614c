/**
 * The Edit studio's engine: turns cells (source photo, target photo or explicit codes, modes)
 * into stored results. Per cell it builds the edited codes, renders the physical buffers at
 * the model's size, loads the source (and for 'latent' the target) photo, samples in batches,
 * and stores the PNG with its provenance. Re-running a result starts from its provenance only
 * (exact codes, photos by content hash, sampler settings, seed), not from today's estimates.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { EditMode, EditProvenance, EditResultInfo, EditScores, SamplerSettings } from '../../common/contract/edit';
import type { CodeEstimator } from '../../common/contract/models';
import { codeEstimatorLabels } from '../../common/contract/models';
import type { FlameCodes } from '../../common/flame/codes';
import { AppError } from '../core/errors';
import { version as appVersion } from '../core/version';
import { EstimateStore } from '../estimate/store';
import type { FlameTasks } from '../flame/renderTask';
import type { TaskPool } from '../jobs/pool';
import { readableProjectFile } from '../library/confined';
import { blobPath } from '../library/paths';
import type { Project } from '../library/project';
import type { ActiveHeadModel } from '../head/activeModel';
import { PhysicalRenderer } from '../diffusion/buffers';
import { editCodes, formatModeSet } from './codes';
import type { EditItem, GeneratedBatch } from '../diffusion/generate';
import { samplerPlan } from '../diffusion/generate';
import { bufferImages, decodeRgb, encodePng, loadModelImage, quantise, sha256 } from '../diffusion/images';
import { kitModel, modelImageSize } from '../diffusion/kit';
import type { Engine } from '../engine/client';
import type { CoreTasks } from '../engine/coreTasks';
import { transferables } from '../engine/protocol';
import type { ModelRecord } from '../models/registry';
import { ModelRegistry } from '../models/registry';
import type { Scorer } from './scores';
import type { ExpressionEstimatorChoice, ExpressionRequest } from './expression';
import { expressionEstimatorSpec, expressionVector } from './expression';
import type { ModelAssetPaths } from '../../common/contract/flame';
import { EditStore } from './store';
import type { FaceConditionValues } from './faceCondition';
import { faceConditionValues, trainedMeanShape } from './faceCondition';
import { requirePhoto } from '../library/lookup';

/** What the engine needs from the app. */
export interface EditEngineDeps {
  /** The compute host: models are loaded and sampled there, never on this thread. */
  engine: Engine<CoreTasks>;
  /** The head model buffers are rendered with (the viewport's). */
  headModel: () => Promise<ActiveHeadModel>;
  /** A cheap key of the head's files (path, size, time; see head/activeModel); without it the head is loaded on every use. */
  headModelKey?: () => string;
  /** Scores results; null turns scoring off (e.g. no face models). */
  scorer: Scorer | null;
  /** The FLAME files in Settings (the estimator that scores expressions needs them); without it expression error is not scored. */
  assets?: () => ModelAssetPaths;
}

/** A photo as editing needs it. */
interface PhotoRef {
  id: number;
  albumId: number;
  hash: string;
  /** Project-relative file the model sees: the estimate's aligned crop (the frame its camera refers to), else the photo. */
  imageFile: string;
}

/** One cell to generate, with codes already decided. */
export interface PreparedCell {
  source: PhotoRef;
  target: PhotoRef | null;
  modes: EditMode[];
  meanShape: boolean;
  codes: FlameCodes;
  sourceCodes: FlameCodes;
  /** Whose codes the source's and the target's are (an estimator's name). */
  estimators?: { source: string; target: string | null };
  /** The source estimator's packed code (its albedo code conditions DiffusionRig-EMO v2 models). */
  sourcePacked?: { estimator: string; code: Float32Array } | null;
  /** Stored as the result's modes instead of the mode set (sweep frames: 'sweep-light'). */
  label?: string;
}

/** A cell as a job lists it. */
export interface CellRequest {
  sourcePhotoId: number;
  targetPhotoId: number | null;
  modes: EditMode[];
}

/** How a set of cells is generated. */
export interface GenerateSettings {
  modelId: number;
  imageSize?: number;
  sampler: SamplerSettings;
  batchSize: number;
  /** The edit job the results belong to (null outside jobs). */
  jobId: number | null;
  scores: boolean;
  /** Which estimator scores the expression (default: the one that made the target's codes). */
  expressionEstimator?: ExpressionEstimatorChoice;
}

/** What a caller hears while cells are generated (positions index the cells passed in). */
export interface GenerateHooks {
  signal?: AbortSignal;
  /** The job cell a position belongs to, marked done with its result in one transaction. */
  cellIndex?: (position: number) => number | undefined;
  onResult?: (position: number, result: EditResultInfo) => void;
  onFailure?: (position: number, error: Error) => void;
  onStep?: (done: number, total: number) => void;
}

/** Shared by every project: the compute engine (which keeps the loaded models) and the head model. */
export class EditEngine {
  private head: { key: string; model: Promise<ActiveHeadModel> } | null = null;

  constructor(readonly deps: EditEngineDeps) {}

  /**
   * The head model, reloaded when its key changes (the Settings point at other files, or the
   * files change); a failed load is not kept, so fixing the Settings takes effect on the next use.
   */
  async headModel(): Promise<ActiveHeadModel> {
    const key = this.deps.headModelKey?.();
    if (key !== undefined && this.head?.key === key) return this.head.model;
    const model = this.deps.headModel();
    this.head = { key: key ?? '', model };
    try {
      const loaded = await model;
      if (key === undefined) this.head = { key: loaded.key, model };
      return loaded;
    } catch (error) {
      if (this.head?.model === model) this.head = null;
      throw error;
    }
  }

  /** Frees the sessions of the models loaded for editing (idle ones; the engine keeps its host). */
  async dispose(): Promise<void> {
    await this.deps.engine.request('release', {});
  }

  /**
   * One batch sampled in the compute host. The items' buffers are handed over (transferred,
   * not copied): callers take what they need of them before.
   */
  sample(record: ModelRecord, size: number, sampler: SamplerSettings, items: EditItem[], options: { signal?: AbortSignal; onStep?: (phase: 'inversion' | 'sampling', step: number) => void } = {}): Promise<GeneratedBatch> {
    return this.deps.engine.request('sample', { model: kitModel(record), imageSize: size, sampler, items }, {
      signal: options.signal,
      onEvent: (e) => options.onStep?.(e.phase, e.step),
      transfer: transferables(items),
    });
  }
}

/** The engine bound to one open project. */
export class ProjectEditor {
  readonly store: EditStore;
  readonly estimates: EstimateStore;

  constructor(
    readonly engine: EditEngine,
    readonly project: Project,
    readonly pool: Pick<TaskPool<FlameTasks>, 'run'>,
  ) {
    this.store = new EditStore(project);
    this.estimates = new EstimateStore(project.db);
  }

  /** A photo of the project; 'not-found' names it otherwise. */
  photo(photoId: number): PhotoRef {
    const { id, albumId, hash } = requirePhoto(this.project.db, photoId);
    const aligned = this.estimates.get(photoId)?.alignedPath;
    const imageFile = aligned && existsSync(join(this.project.dir, aligned)) ? aligned : relative(this.project.dir, blobPath(this.project.paths, hash));
    return { id, albumId, hash, imageFile };
  }

  /** Absolute path of a project-relative file, refused when it leads outside the project (library/confined.ts). */
  file(relativePath: string): string {
    return readableProjectFile(this.project.paths, relativePath);
  }

  private imageRecord(photo: PhotoRef): { file: string; sha256: string } {
    return { file: photo.imageFile, sha256: createHash('sha256').update(readFileSync(this.file(photo.imageFile))).digest('hex') };
  }

  /** The registered model and the size it runs at (it is loaded in the compute host when first sampled). */
  model(modelId: number, imageSize?: number): { record: ModelRecord; size: number } {
    let record: ModelRecord;
    try {
      record = new ModelRegistry(this.project.db).get(modelId);
    } catch {
      throw new AppError('not-found', `model ${modelId} is not registered in this project`);
    }
    const size = modelImageSize(record, imageSize);
    if (!size) throw new AppError('invalid-params', `model ${modelId} (${record.name}): its weights do not tell the image size it was trained at; enter it in the Image size field (it is kept with the model), e.g. 64, 128 or 256`);
    return { record, size };
  }

  /** The estimator a model records, if any (an unknown model fails later, where generating reports it). */
  modelEstimator(modelId: number): CodeEstimator | undefined {
    try {
      return new ModelRegistry(this.project.db).get(modelId).estimator ?? undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * A photo's codes from `estimator` (kept beside the others since migration 0012), or with
   * none given the codes the photo uses; a clear error when the photo has no such codes.
   */
  photoCodes(photoId: number, estimator?: CodeEstimator): { codes: FlameCodes; estimator: string; packed: { estimator: string; code: Float32Array } | null } {
    if (estimator) {
      const found = this.estimates.estimatorCodes(photoId, estimator);
      if (!found) {
        const have = this.estimates.estimatorsOf(photoId);
        throw new AppError('not-found', `photo ${photoId} has no ${codeEstimatorLabels[estimator]} codes (it has ${have.length > 0 ? have.join(', ') : 'none'}); run ${codeEstimatorLabels[estimator]} on its album in Faces, or choose another estimator`);
      }
      return { codes: found.codes, estimator, packed: { estimator, code: found.code } };
    }
    const used = this.estimates.requireCodes(photoId);
    // the estimator record whose codes these are (hand edits keep the estimator's name)
    const packed = this.estimates.estimatorCodes(photoId, used.estimator);
    return { codes: used.codes, estimator: used.estimator, packed: packed ? { estimator: used.estimator, code: packed.code } : null };
  }

  /**
   * Decides a cell's codes from the photos' estimates (transfer) or explicit codes (slider
   * edit). `sourceEstimator` / `targetEstimator` choose whose codes (default: each photo's codes
   * in use).
   */
  prepare(request: CellRequest, options: { meanShape: boolean; explicitCodes?: FlameCodes; sourceEstimator?: CodeEstimator; targetEstimator?: CodeEstimator }): PreparedCell {
    const source = this.photo(request.sourcePhotoId);
    const sourceFound = this.photoCodes(source.id, options.sourceEstimator);
    const sourceEstimate = sourceFound.codes;
    const meanShape = options.meanShape ? this.estimates.albumMeanShape(source.albumId) : null;
    const sourceCodes = editCodes(sourceEstimate, null, [], meanShape);
    const target = request.targetPhotoId === null ? null : this.photo(request.targetPhotoId);
    const targetFound = target && !options.explicitCodes ? this.photoCodes(target.id, options.targetEstimator) : null;
    let codes: FlameCodes;
    if (options.explicitCodes) {
      // a slider edit keeps the source's camera and (mean) shape, as every edit does
      codes = { ...editCodes(options.explicitCodes, null, [], meanShape ?? sourceEstimate.shape), camera: [...sourceEstimate.camera] };
    } else {
      codes = editCodes(sourceEstimate, targetFound?.codes ?? null, request.modes, meanShape);
    }
    const estimators = { source: sourceFound.estimator, target: targetFound?.estimator ?? null };
    return { source, target, modes: request.modes, meanShape: options.meanShape, codes, sourceCodes, estimators, sourcePacked: sourceFound.packed };
  }

  /** DiffusionRig-EMO v2's shape and identity of a cell's source for `model`; undefined for other models. */
  faceCondition(model: ModelRecord, cell: PreparedCell): FaceConditionValues | undefined {
    const condition = model.config.unet.faceCondition;
    if (!condition) return undefined;
    // the albedo code of the estimator whose codes the source was edited with
    const packed = cell.sourcePacked ?? null;
    const source = { what: `photo ${cell.source.id}`, shape: cell.sourceCodes.shape, estimator: packed?.estimator ?? null, packedCode: packed?.code ?? null };
    return faceConditionValues(condition, source, trainedMeanShape(model.lineage));
  }

  private async item(cell: PreparedCell, renderer: PhysicalRenderer, size: number, sampler: SamplerSettings, condition?: FaceConditionValues) {
    const started = performance.now();
    const edited = await renderer.render(cell.codes, size);
    const sourcePhysical = sampler.inversion ? (await renderer.render(cell.sourceCodes, size)).physical : edited.physical;
    const renderMs = performance.now() - started;
    const sourceImage = await loadModelImage(this.file(cell.source.imageFile), size);
    const latentFromTarget = cell.modes.includes('latent');
    if (latentFromTarget && !cell.target) throw new Error('the latent (appearance) mode needs a target photo');
    const latentImage = latentFromTarget ? await loadModelImage(this.file(cell.target!.imageFile), size) : sourceImage;
    const item: EditItem = { sourceImage, sourcePhysical, physical: edited.physical, latentImage };
    if (condition) Object.assign(item, { shape: Float32Array.from(condition.shape), identity: Float32Array.from(condition.identity) });
    return { item, renderMs, landmarks: edited.landmarks };
  }

  /**
   * Generates prepared cells in batches; each result is stored as it finishes and handed to
   * `onResult` (with the index of its cell in `cells`). Throws CancelledError on abort.
   */
  async generate(
    cells: readonly PreparedCell[],
    settings: GenerateSettings,
    hooks: GenerateHooks = {},
  ): Promise<EditResultInfo[]> {
    const { record, size } = this.model(settings.modelId, settings.imageSize);
    return this.generateWith(record, size, cells, settings, hooks);
  }

  private async generateWith(
    model: ModelRecord,
    size: number,
    cells: readonly PreparedCell[],
    settings: GenerateSettings,
    hooks: GenerateHooks,
  ): Promise<EditResultInfo[]> {
    const head = await this.engine.headModel();
    const renderer = new PhysicalRenderer(this.pool, head);
    const results: EditResultInfo[] = [];
    const stepsPerBatch = settings.sampler.steps * (settings.sampler.inversion ? 2 : 1);
    const batches = Math.ceil(cells.length / settings.batchSize);
    for (let b = 0; b < batches; b++) {
      if (hooks.signal?.aborted) break;
      const positions = cells.map((_, i) => i).slice(b * settings.batchSize, (b + 1) * settings.batchSize);
      const ready: { position: number; item: EditItem; renderMs: number; landmarks: Float64Array; condition?: FaceConditionValues }[] = [];
      for (const position of positions) {
        try {
          const condition = this.faceCondition(model, cells[position]);
          ready.push({ position, condition, ...(await this.item(cells[position], renderer, size, settings.sampler, condition)) });
        } catch (error) {
          hooks.onFailure?.(position, error as Error);
        }
      }
      if (ready.length === 0) continue;
      // what this side keeps of each item; the item's arrays themselves go to the compute host
      const kept = ready.map((r) => ({ images: bufferImages(r.item.physical, size), buffersHash: sha256(r.item.physical) }));
      const started = performance.now();
      const generated = await this.engine.sample(model, size, settings.sampler, ready.map((r) => r.item), {
        signal: hooks.signal,
        onStep: (phase, step) => hooks.onStep?.(b * stepsPerBatch + (phase === 'sampling' && settings.sampler.inversion ? settings.sampler.steps : 0) + step, batches * stepsPerBatch),
      });
      const batchMs = performance.now() - started;
      for (let k = 0; k < ready.length; k++) {
        const { position, renderMs, landmarks, condition } = ready[k];
        const cell = cells[position];
        const sample = generated.samples[k];
        const { images, buffersHash } = kept[k];
        const [png, rendered, normal, albedo] = await Promise.all([encodePng(quantise(sample, size), size), encodePng(images.rendered, size), encodePng(images.normal, size), encodePng(images.albedo, size)]);
        const provenance: EditProvenance = {
          model: { id: model.id, name: model.name, sha256: model.sha256, kind: model.kind },
          imageSize: size,
          sourcePhotoId: cell.source.id,
          sourceHash: cell.source.hash,
          targetPhotoId: cell.target?.id ?? null,
          targetHash: cell.target?.hash ?? null,
          sourceImage: this.imageRecord(cell.source),
          targetImage: cell.target ? this.imageRecord(cell.target) : null,
          modes: cell.modes,
          meanShape: cell.meanShape,
          ...(cell.estimators ? { estimators: cell.estimators } : {}),
          ...(condition ? { faceCondition: condition } : {}),
          codes: cell.codes,
          sourceCodes: cell.sourceCodes,
          headModel: head.label,
          buffersHash,
          bufferImages: { rendered: sha256(rendered), normal: sha256(normal), albedo: sha256(albedo) },
          sampler: { ...settings.sampler, method: settings.sampler.method ?? 'ddim' },
          samplerPlan: samplerPlan(settings.sampler),
          batch: { size: ready.length, index: k },
          executionProvider: generated.provider,
          timing: {
            inversionMs: Math.round(generated.inversionMs / ready.length),
            samplingMs: Math.round(generated.samplingMs / ready.length),
            renderMs: Math.round(renderMs),
            totalMs: Math.round(batchMs / ready.length + renderMs),
          },
          sampleHash: sha256(sample),
          appVersion,
          createdAt: new Date().toISOString(),
        };
        const imageHash = sha256(png);
        // files first, then the row, with no await in between (image GC runs on the same loop)
        this.store.writeImage(imageHash, png);
        this.store.writeImage(provenance.bufferImages.rendered, rendered);
        this.store.writeImage(provenance.bufferImages.normal, normal);
        this.store.writeImage(provenance.bufferImages.albedo, albedo);
        const result = this.store.addResult(
          {
            jobId: settings.jobId,
            albumId: cell.source.albumId,
            modelId: model.id,
            sourcePhotoId: cell.source.id,
            targetPhotoId: cell.target?.id ?? null,
            modes: cell.label ?? (formatModeSet(cell.modes) || 'explicit'),
            imageHash,
            provenance,
            scores: null,
          },
          hooks.cellIndex?.(position),
        );
        results.push(result);
        hooks.onResult?.(position, result);
        if (settings.scores && this.engine.deps.scorer) {
          const scored = await this.score(png, landmarks, cell, settings.expressionEstimator ?? 'target');
          this.store.setScores(result.id, scored);
          result.scores = scored;
          hooks.onResult?.(position, result);
        }
      }
    }
    return results;
  }

  /** What the expression error of a cell re-estimates with and against (explicit edits too: they ask for codes). */
  private expressionRequest(cell: PreparedCell, choice: ExpressionEstimatorChoice): ExpressionRequest | undefined {
    if (choice === 'none') return undefined;
    const assets = this.engine.deps.assets;
    if (!assets) return { unavailable: 'expression: no FLAME estimator is configured for scoring' };
    const chosen = expressionEstimatorSpec(this.project.db, assets(), choice, cell.target?.id ?? null);
    return 'unavailable' in chosen ? chosen : { ...chosen, requested: expressionVector(cell.codes) };
  }

  private async score(png: Buffer, landmarks: Float64Array, cell: PreparedCell, expressionEstimator: ExpressionEstimatorChoice): Promise<EditScores> {
    const { source, target } = cell;
    try {
      return await this.engine.deps.scorer!.score({
        generated: await decodeRgb(png),
        sourcePath: this.file(source.imageFile),
        targetPath: target ? this.file(target.imageFile) : null,
        editedLandmarks: landmarks,
        expression: this.expressionRequest(cell, expressionEstimator),
      });
    } catch (error) {
      return { identity: null, emotion: null, landmarkError: null, notes: [`scoring failed: ${(error as Error).message}`] };
    }
  }

  /** Regenerates a stored result from its provenance alone (batch of one) and compares. */
  async rerun(resultId: number): Promise<{ sampleHash: string; png: Buffer; provider: string; milliseconds: number }> {
    const stored = this.store.result(resultId);
    const p = stored.provenance;
    const { record, size } = this.model(p.model.id ?? 0, p.imageSize);
    return this.rerunWith(resultId, stored, record, size);
  }

  private async rerunWith(resultId: number, stored: EditResultInfo, model: ModelRecord, size: number): Promise<{ sampleHash: string; png: Buffer; provider: string; milliseconds: number }> {
    const p = stored.provenance;
    if (model.sha256 !== p.model.sha256) throw new AppError('conflict', `result ${resultId} was made with a model (${p.model.sha256.slice(0, 12)}…) that is no longer registered under id ${p.model.id}`);
    const head = await this.engine.headModel();
    const renderer = new PhysicalRenderer(this.pool, head);
    // the images exactly as they were: same files, same bytes
    const photo = (hash: string, id: number | null, image: { file: string; sha256: string }): PhotoRef => {
      const ref = { id: id ?? 0, albumId: stored.albumId, hash, imageFile: image.file };
      if (!existsSync(this.file(image.file)) || this.imageRecord(ref).sha256 !== image.sha256) {
        throw new AppError('conflict', `result ${resultId}: ${image.file} is gone or changed since (re-estimated or deleted), so the edit cannot be reproduced`);
      }
      return ref;
    };
    const cell: PreparedCell = {
      source: photo(p.sourceHash, p.sourcePhotoId, p.sourceImage),
      target: p.targetHash && p.targetImage ? photo(p.targetHash, p.targetPhotoId, p.targetImage) : null,
      modes: p.modes,
      meanShape: p.meanShape,
      codes: p.codes,
      sourceCodes: p.sourceCodes,
    };
    const started = performance.now();
    // a v2 result re-runs with the condition it was made with (today's estimate may differ)
    const { item } = await this.item(cell, renderer, size, p.sampler, p.faceCondition ?? this.faceCondition(model, cell));
    if (sha256(item.physical) !== p.buffersHash) throw new AppError('conflict', `result ${resultId}: the buffers rendered now differ from the stored ones (the head model changed: ${head.label})`);
    const generated = await this.engine.sample(model, size, p.sampler, [item]);
    const sample = generated.samples[0];
    return { sampleHash: sha256(sample), png: await encodePng(quantise(sample, size), size), provider: generated.provider, milliseconds: performance.now() - started };
  }
}
