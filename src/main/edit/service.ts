/**
 * What the Edit studio's API channels and the CLI call: models and estimates to choose from,
 * starting jobs, the grid of a job, result images, delete, re-run, exports and sweeps.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { EditComparison, EditImageKind, EditJobParams, EditJobView, EditModelInfo, EditResultInfo, EditRunInfo, EncodedImage, PhotoEstimateInfo, RerunReport, SweepParams, SweepView } from '../../common/contract/edit';
import { modelRuns, samplerLabel, type SamplerSettings } from '../../common/contract/edit';
import { cellRun } from './editJob';
import type { FlameCodes } from '../../common/flame/codes';
import { AppError } from '../core/errors';
import type { FlameTasks } from '../flame/renderTask';
import type { TaskPool } from '../jobs/pool';
import type { JobRunner } from '../jobs/runner';
import { removeStrayPartials, writeFileAtomic } from '../library/atomicFile';
import type { Project } from '../library/project';
import { ModelRegistry } from '../models/registry';
import { activeBufferHead, headCheck, modelBufferHead } from '../models/bufferHead';
import { ModelAssetStore } from '../flame/assets';
import { defaultDemoHeadDir, flameFilesFrom, headModelDeps } from '../head/activeModel';
import { parseModeSet } from './codes';
import type { EditEngineDeps } from './engine';
import type { EditEngine } from './engine';
import { ProjectEditor } from './engine';
import { composeGrid, displayTile, type GridLabels } from './grid';
import { decodeRgb, encodePng, loadModelImage, quantise } from '../diffusion/images';
import { modelImageSize } from '../diffusion/kit';
import { spaceTimesteps } from '../diffusion/schedule';
import { scoresCsv } from './scores';
import { jobComparison } from './comparison';
import { sweepCells, sweepJobKindName, sweepMedia } from './sweepJob';

/** Written last by exportResults: its presence says the export in that folder is complete. */
export const exportManifestName = 'export.json';
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
    const all = new ModelRegistry(this.project.db).list();
    const active = activeBufferHead();
    return all.map((m) => ({
      id: m.id,
      name: m.name,
      kind: m.kind,
      parameterCount: m.parameterCount,
      imageSize: modelImageSize(m),
      estimator: m.estimator ?? null,
      createdAt: m.createdAt,
      head: headCheck(modelBufferHead(m, (id) => all.find((r) => r.id === id)), active),
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

  /** Checks what can be checked now (each run's model, size and sampler, photos, codes), then queues the job. */
  start(params: EditJobParams): { jobId: number } {
    const runs = modelRuns(params);
    const seen = new Map<string, number>();
    runs.forEach((run, k) => {
      const which = runs.length > 1 ? `model run ${k + 1}: ` : '';
      try {
        this.checkModel(run.modelId);
        this.editor.model(run.modelId, run.imageSize);
        this.checkSampler(run.sampler);
      } catch (error) {
        if (error instanceof AppError && which) throw new AppError(error.code, `${which}${error.message}`);
        throw error;
      }
      const key = JSON.stringify([run.modelId, run.sampler, run.imageSize ?? null]);
      const twin = seen.get(key);
      if (twin !== undefined) throw new AppError('invalid-params', `${which}it repeats model run ${twin + 1} (the same model with the same sampler settings)`);
      seen.set(key, k);
    });
    for (const id of [...params.sourcePhotoIds, ...params.targetPhotoIds]) {
      this.editor.photo(id);
      this.editor.estimates.requireCodes(id);
    }
    if (!params.explicitCodes && (params.targetPhotoIds.length === 0 || params.modes.length === 0)) throw new AppError('invalid-params', 'choose at least one target photo and one mode');
    for (const m of params.modes) parseModeSet(m);
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
    const runs = this.runsOf(params);
    return {
      jobId,
      title: params.title,
      state: params.state,
      sourcePhotoIds: params.sourcePhotoIds,
      targetPhotoIds: explicit ? [] : params.targetPhotoIds,
      modes: explicit ? ['explicit'] : params.modes,
      runs,
      cells: this.editor.store.cells(jobId).map((cell) => ({ ...cell, run: cellRun(cell.idx, runs.length) })),
      results: this.editor.store.jobResults(jobId),
    };
  }

  /** A job's model runs with their models' names (as registered now; 'model N' once removed). */
  private runsOf(params: EditJobParams): EditRunInfo[] {
    const registry = new ModelRegistry(this.project.db);
    const names = new Map(registry.list().map((m) => [m.id, m.name]));
    return modelRuns(params).map((run) => {
      const model = names.get(run.modelId) ?? `model ${run.modelId}`;
      const sampler = { ...run.sampler, method: run.sampler.method ?? 'ddim' };
      return { modelId: run.modelId, model, sampler, label: runLabel(model, sampler) };
    });
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
  /** The grid PNG: tiles of at least 128 px, numbered sources and targets with a legend, score lines under the generated tiles when asked. */
  async grid(jobId: number, options: { scores?: boolean } = {}): Promise<EncodedImage> {
    const view = this.job(jobId);
    const results = new Map(view.results.map((r) => [r.id, r]));
    const runs = view.runs.length;
    // the largest size of the runs (models may differ): smaller results are scaled up to it
    const sizes = view.results.map((r) => r.provenance.imageSize);
    if (sizes.length === 0) {
      const params = this.jobParams(jobId);
      for (const run of modelRuns(params)) sizes.push(this.editor.model(run.modelId, run.imageSize).size);
    }
    const size = Math.max(...sizes);
    const targets: (number | null)[] = view.targetPhotoIds.length ? view.targetPhotoIds : [null];
    const imageOf = (photoId: number) => this.editor.photo(photoId).imageFile;
    // generated column k of a block: mode set k / runs, model run k % runs
    const resultOf = (row: number, block: number, column: number) => {
      const cell = view.cells.find((c) => c.sourcePhotoId === view.sourcePhotoIds[row] && c.targetPhotoId === targets[block] && c.modes === view.modes[Math.floor(column / runs)] && c.run === column % runs);
      return cell?.resultId ? results.get(cell.resultId) : undefined;
    };
    const labels: GridLabels = {
      ...this.gridLabels(view.sourcePhotoIds, targets, view.modes),
      runs: view.runs.map((run) => ({ model: run.model, sampler: samplerLabel(run.sampler) })),
      scores: (row, block, k) => gridScoreLines(resultOf(row, block, k)),
    };
    const shape = { sources: view.sourcePhotoIds.length, targets: targets.length, modeSets: view.modes.length, runs, tile: displayTile(size), scores: options.scores === true };
    const grid = await composeGrid(shape, async (row, block, slot) => {
      const source = view.sourcePhotoIds[row];
      const target = targets[block];
      if (slot === 0) return this.photoTile(imageOf(source), size);
      if (slot === 1) return target === null ? null : this.photoTile(imageOf(target), size);
      const result = resultOf(row, block, slot - 2);
      return result ? this.editor.store.readImage(result.imageHash) : null;
    }, labels);
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

  /** The job's comparison table per model and sampler, its CSV and its plot. */
  comparison(jobId: number): EditComparison {
    return jobComparison(this.job(jobId).results);
  }

  /**
   * Writes grid.png, every result (generated + buffers + provenance JSON), scores.csv and the
   * comparison (CSV and SVG plot) into `dir`, each file atomically, then export.json (the files
   * written) to record it complete.
   */
  async exportResults(jobId: number, dirInput: string): Promise<{ dir: string; files: string[] }> {
    const dir = resolve(dirInput);
    mkdirSync(dir, { recursive: true });
    // A killed export left at most staging files (every file below is written atomically) and no
    // manifest: the manifest, written last, is what says an export is complete.
    rmSync(join(dir, exportManifestName), { force: true });
    await removeStrayPartials(dir);
    const files: string[] = [];
    const write = async (name: string, data: string | Buffer) => {
      await writeFileAtomic(join(dir, name), data);
      files.push(name);
    };
    await write('grid.png', Buffer.from((await this.grid(jobId)).base64, 'base64'));
    const view = this.job(jobId);
    const runOf = new Map(view.cells.filter((c) => c.resultId !== null).map((c) => [c.resultId!, c.run ?? 0]));
    for (const r of view.results) {
      // with several model runs, each file names its run (R1, R2, … as in the grid PNG), model and sampler
      const k = runOf.get(r.id);
      const run = view.runs.length > 1 && k !== undefined ? `-R${k + 1}-${fileSafe(view.runs[k].model)}-${fileSafe(samplerLabel(view.runs[k].sampler))}` : '';
      const stem = `result-${r.id}-s${r.sourcePhotoId ?? 'x'}-t${r.targetPhotoId ?? 'x'}-${r.modes}${run}`;
      await write(`${stem}.png`, this.editor.store.readImage(r.imageHash));
      for (const kind of ['rendered', 'normal', 'albedo'] as const) await write(`${stem}-${kind}.png`, this.editor.store.readImage(r.provenance.bufferImages[kind]));
      const label = runLabel(r.provenance.model.name, r.provenance.sampler);
      await write(`${stem}.json`, `${JSON.stringify({ id: r.id, modes: r.modes, ...(k === undefined ? {} : { run: k + 1 }), label, scores: r.scores, provenance: r.provenance }, null, 2)}\n`);
    }
    await write('scores.csv', this.scoresCsv(jobId).csv);
    const comparison = this.comparison(jobId);
    await write('comparison.csv', comparison.csv);
    await write('comparison.svg', comparison.svg);
    await writeFileAtomic(join(dir, exportManifestName), `${JSON.stringify({ jobId, complete: true, files }, null, 2)}\n`);
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

/** A model run's label: its model and sampler, e.g. 'Demo base model · DDIM 20'. */
export function runLabel(model: string, sampler: Pick<SamplerSettings, 'method' | 'steps'>): string {
  return `${model} · ${samplerLabel(sampler)}`;
}

/** A name as a part of a file name: letters, digits, '+', '.' and '-' only. */
function fileSafe(name: string): string {
  return name.replace(/[^A-Za-z0-9+.-]+/g, '-').replace(/^-+|-+$/g, '') || 'model';
}

/** A result's scores as the grid PNG prints them under its tile (ASCII: '-' for a blank). */
export function gridScoreLines(result: EditResultInfo | undefined): string[] | null {
  const s = result?.scores;
  if (!s) return result ? ['no scores'] : null;
  const value = (v: number | null, digits: number, unit = '') => (v === null ? '-' : `${v.toFixed(digits)}${unit}`);
  if (s.landmarkError === null && s.identity === null) return ['no face found', `emo ${value(s.emotion, 2)}`];
  return [`id ${value(s.identity, 2)}`, `emo ${value(s.emotion, 2)}`, `lmk ${value(s.landmarkError, 1, 'px')}`];
}
