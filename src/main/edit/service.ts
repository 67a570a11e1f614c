/**
 * What the Edit studio's API channels and the CLI call: models and estimates to choose from,
 * starting jobs, the grid of a job, result images, delete, re-run, exports and sweeps.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { EditImageKind, EditJobParams, EditJobView, EditModelInfo, EditResultInfo, EncodedImage, PhotoEstimateInfo, RerunReport, SweepParams, SweepView } from '../../common/contract/edit';
import type { FlameCodes } from '../../common/flame/codes';
import { AppError } from '../core/errors';
import type { FlameTasks } from '../flame/renderTask';
import type { TaskPool } from '../jobs/pool';
import type { JobRunner } from '../jobs/runner';
import type { Project } from '../library/project';
import { ModelRegistry } from '../models/registry';
import { ModelAssetStore } from '../flame/assets';
import { defaultDemoHeadDir, flameFilesFrom, headModelDeps } from '../head/activeModel';
import { parseModeSet } from './codes';
import type { EditEngineDeps } from './engine';
import type { EditEngine } from './engine';
import { ProjectEditor } from './engine';
import { composeGrid, type GridLabels } from './grid';
import { decodeRgb, encodePng, loadModelImage, quantise } from '../diffusion/images';
import { modelImageSize } from '../diffusion/kit';
import { spaceTimesteps } from '../diffusion/schedule';
import { scoresCsv } from './scores';
import { sweepCells, sweepJobKindName, sweepMedia } from './sweepJob';
import { findPhoto } from '../library/lookup';

/**
 * The head the edit engine renders buffers with, chosen as the viewport chooses it
 * (api/handlers.ts): the researcher's FLAME files remembered in `dataDir`'s Settings when set,
 * else the demo head. Settings are read on every use, so a change applies to the next cell.
 */
export function editHeadModelSource(dataDir: () => string, demoHeadDir = defaultDemoHeadDir()): Pick<EditEngineDeps, 'headModel' | 'headModelKey'> {
  const flameFiles = () => flameFilesFrom(new ModelAssetStore(dataDir()))();
  const head = headModelDeps({ flameFiles, demoHeadDir });
  return { headModel: head.loadActiveModel, headModelKey: head.activeModelKey };
}

/** The open project's part of the Edit studio. */
export class EditService {
  readonly editor: ProjectEditor;

  constructor(
    engine: EditEngine,
    private readonly project: Project,
    pool: Pick<TaskPool<FlameTasks>, 'run'>,
    private readonly jobs: JobRunner,
  ) {
    this.editor = new ProjectEditor(engine, project, pool);
  }

  models(): EditModelInfo[] {
    return new ModelRegistry(this.project.db).list().map((m) => ({
      id: m.id,
      name: m.name,
      kind: m.kind,
      parameterCount: m.parameterCount,
      imageSize: modelImageSize(m),
      estimator: m.estimator ?? null,
      createdAt: m.createdAt,
    }));
  }

  estimates(albumId: number): PhotoEstimateInfo[] {
    return this.editor.estimates.listAlbumCodes(albumId).map((e) => ({ photoId: e.photoId, estimator: e.estimator }));
  }

  photoCodes(photoId: number): FlameCodes {
    this.editor.photo(photoId);
    return this.editor.estimates.requireCodes(photoId).codes;
  }

  private checkModel(modelId: number): void {
    if (!this.models().some((m) => m.id === modelId)) throw new AppError('not-found', `model ${modelId} is not registered in this project`);
  }

  private checkSampler(sampler: EditJobParams['sampler']): void {
    if (sampler.inversion && sampler.eta !== 0) throw new AppError('invalid-params', 'DDIM inversion needs η = 0');
    try {
      spaceTimesteps(1000, `ddim${sampler.steps}`);
    } catch (error) {
      throw new AppError('invalid-params', `${sampler.steps} DDIM steps: ${(error as Error).message}`);
    }
  }

  /** Checks what can be checked now (model, photos, codes), then queues the job. */
  start(params: EditJobParams): { jobId: number } {
    this.checkModel(params.modelId);
    for (const id of [...params.sourcePhotoIds, ...params.targetPhotoIds]) {
      this.editor.photo(id);
      this.editor.estimates.requireCodes(id);
    }
    if (!params.explicitCodes && (params.targetPhotoIds.length === 0 || params.modes.length === 0)) throw new AppError('invalid-params', 'choose at least one target photo and one mode');
    for (const m of params.modes) parseModeSet(m);
    this.checkSampler(params.sampler);
    return { jobId: this.jobs.start('edit', params).id };
  }

  recentJobs(limit: number): { jobId: number; title: string; state: string; createdAt: string }[] {
    return this.jobs
      .list(1000)
      .filter((j) => j.kind === 'edit')
      .slice(0, limit)
      .map((j) => ({ jobId: j.id, title: j.title, state: j.state, createdAt: j.createdAt }));
  }

  private jobParams(jobId: number): EditJobParams & { title: string; state: string } {
    const job = this.jobs.get(jobId);
    if (job.kind !== 'edit') throw new AppError('not-found', `job ${jobId} is not an edit job`);
    return { ...this.jobs.params<EditJobParams>(jobId), title: job.title, state: job.state };
  }

  job(jobId: number): EditJobView {
    const params = this.jobParams(jobId);
    const explicit = Boolean(params.explicitCodes);
    return {
      jobId,
      title: params.title,
      state: params.state,
      sourcePhotoIds: params.sourcePhotoIds,
      targetPhotoIds: explicit ? [] : params.targetPhotoIds,
      modes: explicit ? ['explicit'] : params.modes,
      cells: this.editor.store.cells(jobId),
      results: this.editor.store.jobResults(jobId),
    };
  }

  results(albumId: number): EditResultInfo[] {
    return this.editor.store.albumResults(albumId);
  }

  /** A project-relative image file at the model's size, as the model saw it. */
  private async photoTile(file: string, size: number): Promise<Buffer> {
    return encodePng(quantise(await loadModelImage(this.editor.file(file), size), size), size);
  }

  async image(resultId: number, kind: EditImageKind): Promise<EncodedImage> {
    const result = this.editor.store.result(resultId);
    const p = result.provenance;
    let png: Buffer;
    if (kind === 'generated') png = this.editor.store.readImage(result.imageHash);
    else if (kind === 'source') png = await this.photoTile(p.sourceImage.file, p.imageSize);
    else if (kind === 'target') {
      if (!p.targetImage) throw new AppError('not-found', `result ${resultId} has no target photo`);
      png = await this.photoTile(p.targetImage.file, p.imageSize);
    } else png = this.editor.store.readImage(p.bufferImages[kind]);
    return { mime: 'image/png', base64: png.toString('base64'), width: p.imageSize, height: p.imageSize };
  }

  delete(resultIds: number[]): { deleted: number } {
    return { deleted: this.editor.store.deleteResults(resultIds) };
  }

  async rerun(resultId: number): Promise<RerunReport> {
    const stored = this.editor.store.result(resultId);
    const again = await this.editor.rerun(resultId);
    const before = await decodeRgb(this.editor.store.readImage(stored.imageHash));
    const after = await decodeRgb(again.png);
    let maxPixelDifference = 0;
    for (let i = 0; i < before.data.length; i++) maxPixelDifference = Math.max(maxPixelDifference, Math.abs(before.data[i] - after.data[i]));
    return { resultId, identical: again.sampleHash === stored.provenance.sampleHash, maxPixelDifference, executionProvider: again.provider, milliseconds: Math.round(again.milliseconds) };
  }

  /** The grid of a job as one PNG. */
  async grid(jobId: number): Promise<EncodedImage> {
    const view = this.job(jobId);
    const results = new Map(view.results.map((r) => [r.id, r]));
    let size = view.results[0]?.provenance.imageSize;
    if (size === undefined) {
      const params = this.jobParams(jobId);
      size = this.editor.model(params.modelId, params.imageSize).size;
    }
    const targets: (number | null)[] = view.targetPhotoIds.length ? view.targetPhotoIds : [null];
    const imageOf = (photoId: number) => this.editor.photo(photoId).imageFile;
    const grid = await composeGrid({ sources: view.sourcePhotoIds.length, targets: targets.length, modeSets: view.modes.length, tile: size }, async (row, block, slot) => {
      const source = view.sourcePhotoIds[row];
      const target = targets[block];
      if (slot === 0) return this.photoTile(imageOf(source), size);
      if (slot === 1) return target === null ? null : this.photoTile(imageOf(target), size);
      const modes = view.modes[slot - 2];
      const cell = view.cells.find((c) => c.sourcePhotoId === source && c.targetPhotoId === target && c.modes === modes);
      const result = cell?.resultId ? results.get(cell.resultId) : undefined;
      return result ? this.editor.store.readImage(result.imageHash) : null;
    }, this.gridLabels(view.sourcePhotoIds, targets, view.modes));
    return { mime: 'image/png', base64: grid.png.toString('base64'), width: grid.width, height: grid.height };
  }

  /** The grid's row and column names: the photos' file names, the mode sets as the job has them. */
  private gridLabels(sources: number[], targets: (number | null)[], modes: string[]): GridLabels {
    const name = (id: number) => findPhoto(this.project.db, id)?.fileName ?? `photo ${id}`;
    return { sources: sources.map(name), targets: targets.map((t) => (t === null ? null : name(t))), modes };
  }

  scoresCsv(jobId: number): { csv: string } {
    return { csv: scoresCsv(this.job(jobId).results) };
  }

  /** Writes grid.png, every result (generated + buffers + provenance JSON) and scores.csv into `dir`. */
  async exportResults(jobId: number, dirInput: string): Promise<{ dir: string; files: string[] }> {
    const dir = resolve(dirInput);
    mkdirSync(dir, { recursive: true });
    const files: string[] = [];
    const write = (name: string, data: string | Buffer) => {
      writeFileSync(join(dir, name), data);
      files.push(name);
    };
    write('grid.png', Buffer.from((await this.grid(jobId)).base64, 'base64'));
    for (const r of this.job(jobId).results) {
      const stem = `result-${r.id}-s${r.sourcePhotoId ?? 'x'}-t${r.targetPhotoId ?? 'x'}-${r.modes}`;
      write(`${stem}.png`, this.editor.store.readImage(r.imageHash));
      for (const kind of ['rendered', 'normal', 'albedo'] as const) write(`${stem}-${kind}.png`, this.editor.store.readImage(r.provenance.bufferImages[kind]));
      write(`${stem}.json`, `${JSON.stringify({ id: r.id, modes: r.modes, scores: r.scores, provenance: r.provenance }, null, 2)}\n`);
    }
    write('scores.csv', this.scoresCsv(jobId).csv);
    return { dir, files };
  }

  /** Checks the sweep (model, photos, codes, sampler), then queues its job. */
  startSweep(params: SweepParams): { jobId: number } {
    this.checkModel(params.modelId);
    sweepCells(this.editor, params);
    this.checkSampler(params.sampler);
    return { jobId: this.jobs.start(sweepJobKindName, params).id };
  }

  /** A sweep job's frames; with `media`, the strip and animation of the frames done, in frame order. */
  async sweepView(jobId: number, media = true): Promise<SweepView> {
    const job = this.jobs.get(jobId);
    if (job.kind !== sweepJobKindName) throw new AppError('not-found', `job ${jobId} is not a sweep job`);
    const params = this.jobs.params<SweepParams>(jobId);
    const cells = this.editor.store.cells(jobId);
    const results = this.editor.store.jobResults(jobId);
    const byId = new Map(results.map((r) => [r.id, r]));
    const done = cells.map((c) => (c.resultId ? byId.get(c.resultId) : undefined)).filter((r): r is EditResultInfo => r !== undefined);
    const images = media && done.length > 0 ? await sweepMedia(done.map((r) => this.editor.store.readImage(r.imageHash)), done[0].provenance.imageSize, params.frameMs) : null;
    return { jobId, title: job.title, state: job.state, frames: cells.length || params.frames, cells, results, strip: images?.strip ?? null, animation: images?.animation ?? null };
  }
}
