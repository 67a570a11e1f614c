/**
 * The textured-head export of a project's photo or edit result: which codes and which image
 * (a photo's codes in use, saved edits included, over its aligned crop; or an edit result's
 * exact codes over its generated image, which shares the source's aligned frame and camera),
 * which head (the active head model: the researcher's FLAME files from Settings, else the demo
 * head), then the bake in a worker thread (task.ts). Shared by the API channel and the CLI.
 */

import { existsSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import type { FlameCodes as ContractCodes } from '../../common/contract/viewport';
import type { FlameModel } from '../../common/flame/model';
import { AppError } from '../api/errors';
import { skinCodes } from '../edit/buffers';
import { EditStore } from '../edit/store';
import { EstimateStore } from '../edit/estimates';
import { codesInUse } from '../estimate/codesInUse';
import { EstimatesTable } from '../estimate/store';
import type { TaskPool } from '../jobs/pool';
import type { Project } from '../library/project';
import { loadHeadModel, locateHeadModel, type HeadModelSources } from '../viewport/activeModel';
import type { ActiveHeadModel } from '../viewport/viewportService';
import { textureHead, type HeadExportFormat, type TextureHeadResult } from './task';

/** What to export. */
export interface HeadExportRequest {
  /** The photo (its codes in use over its aligned crop); optional with `resultId`. */
  photoId?: number | null;
  /** An edit result (its codes over its generated image). */
  resultId?: number | null;
  format: HeadExportFormat;
  /** UV texture side (default 512). */
  textureSize?: number;
  /** With `photoId`: pose the head with these codes (the viewport's sliders) instead of the photo's codes in use. */
  codes?: ContractCodes;
  /** Base of the file names (default: after the photo, e.g. 'IMG_0001-head'). */
  baseName?: string;
}

export interface HeadExport extends Omit<TextureHeadResult, 'needModel'> {
  /** What was exported, in words (photo name, result, head model). */
  description: string;
  headModel: string;
}

/** DECA's face-and-eyes region of its UV layout; with it the photo is used only there, as DECA does. */
const photoMaskFile = 'uv_face_eye_mask.png';

export const defaultTextureSize = 512;

/** A file-name stem safe on every OS. */
function safeStem(name: string): string {
  return basename(name, extname(name)).replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '').slice(0, 80) || 'head';
}

/** Exports textured heads of one project; keeps the last head model loaded. */
export class HeadExporter {
  private head: { key: string; active: ActiveHeadModel; decaDataDir: string | null } | null = null;

  constructor(
    private readonly deps: { project: () => Project; pool: Pick<TaskPool, 'run'>; heads: HeadModelSources },
  ) {}

  private async activeHead(): Promise<{ active: ActiveHeadModel; decaDataDir: string | null }> {
    const location = locateHeadModel(this.deps.heads);
    if (this.head?.key !== location.key) this.head = { key: location.key, active: await loadHeadModel(location), decaDataDir: location.decaDataDir };
    return this.head;
  }

  /** Bakes and writes the export (see the file header). Errors name the photo or result and what is missing. */
  async export(request: HeadExportRequest): Promise<HeadExport> {
    const project = this.deps.project();
    const source = this.source(project, request);
    if (!existsSync(source.image)) throw new AppError('not-found', `${source.what}: its image is missing (${source.image})`);
    const { active, decaDataDir } = await this.activeHead();
    const model: FlameModel = active.model;
    if (!model.uv) throw new AppError('conflict', `${active.label} has no UV layout, so it cannot carry a texture: set DECA's data folder (with head_template.obj) in Settings`);
    const mask = active.source === 'flame' && decaDataDir && existsSync(join(decaDataDir, photoMaskFile)) ? join(decaDataDir, photoMaskFile) : null;
    const result = await textureHead(this.deps.pool, model, {
      modelKey: `texture:${active.key}`,
      codes: skinCodes(source.codes),
      photo: source.image,
      photoLabel: source.what,
      albedo: active.albedo ?? null,
      photoMaskPath: mask,
      textureSize: request.textureSize ?? defaultTextureSize,
      format: request.format,
      baseName: request.baseName ?? source.baseName,
    });
    const { needModel: _, ...rest } = result;
    return { ...rest, description: `${source.what}, ${active.label}`, headModel: active.label };
  }

  /** The codes, image and names of what is exported. */
  private source(project: Project, request: HeadExportRequest) {
    const photoName = (photoId: number) => {
      const row = project.db.prepare('SELECT fileName FROM photos WHERE id = @photoId').get({ photoId }) as { fileName: string } | undefined;
      if (!row) throw new AppError('not-found', `photo ${photoId} does not exist`);
      return row.fileName;
    };
    if (request.resultId !== undefined && request.resultId !== null) {
      if (request.codes) throw new AppError('invalid-params', 'codes go with a photo, not with an edit result (which has its own)');
      const result = new EditStore(project).result(request.resultId);
      if (request.photoId && result.sourcePhotoId !== request.photoId) {
        throw new AppError('invalid-params', `edit result ${request.resultId} was made from photo ${result.sourcePhotoId ?? '(deleted)'}, not photo ${request.photoId}`);
      }
      const source = result.sourcePhotoId !== null ? photoName(result.sourcePhotoId) : `photo ${result.provenance.sourcePhotoId}`;
      return {
        what: `edit result ${result.id} (${result.modes} of ${source})`,
        codes: result.provenance.codes,
        image: new EditStore(project).imagePath(result.imageHash),
        baseName: `${safeStem(source)}-result-${result.id}-head`,
      };
    }
    if (!request.photoId) throw new AppError('invalid-params', 'give a photo or an edit result to export');
    const fileName = photoName(request.photoId);
    const estimate = new EstimatesTable(project.db).get(request.photoId);
    if (!estimate) throw new AppError('not-found', `${fileName} (photo ${request.photoId}) has no FLAME estimate yet: estimate its album first`);
    const inUse = codesInUse(estimate, new EstimateStore(project.db));
    return {
      what: `${fileName} (photo ${request.photoId}${request.codes ? ', codes from the viewport' : inUse.edited ? ', saved code edits' : ''})`,
      codes: request.codes ?? inUse.codes,
      image: join(project.dir, estimate.alignedPath),
      baseName: `${safeStem(fileName)}-head`,
    };
  }
}
