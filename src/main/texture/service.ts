/**
 * The textured-head export of a project's photo or edit result: which codes and which image
 * (a photo's codes in use, saved edits included, over its aligned crop; or an edit result's
 * exact codes over its generated image, which shares the source's aligned frame and camera),
 * which head (the active head model: the researcher's FLAME files from Settings, else the demo
 * head, located here by file stats and loaded in the worker), then the bake in a worker thread
 * (task.ts). Shared by the API channel and the CLI.
 */

import { existsSync } from 'node:fs';
import { basename, extname } from 'node:path';
import type { FlameCodes } from '../../common/flame/codes';
import { AppError } from '../core/errors';
import { EditStore } from '../edit/store';
import { codesInUse } from '../estimate/codesInUse';
import { EstimateStore } from '../estimate/store';
import type { TaskPool } from '../jobs/pool';
import type { Project } from '../library/project';
import { locateHeadModel, type HeadModelSources } from '../head/activeModel';
import type { HeadExportFormat, TextureHeadResult, TextureTasks } from './task';
import { readableProjectFile } from '../library/confined';
import { requirePhoto } from '../library/lookup';

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
  codes?: FlameCodes;
  /** Base of the file names (default: after the photo, e.g. 'IMG_0001-head'). */
  baseName?: string;
}

export interface HeadExport extends TextureHeadResult {
  /** What was exported, in words (photo name, result, head model). */
  description: string;
}

export const defaultTextureSize = 512;

/** A file-name stem safe on every OS. */
function safeStem(name: string): string {
  return basename(name, extname(name)).replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '').slice(0, 80) || 'head';
}

/** Exports textured heads of one project (the head model is loaded and kept by the worker). */
export class HeadExporter {
  constructor(private readonly deps: { project: () => Project; pool: Pick<TaskPool<TextureTasks>, 'run'>; heads: HeadModelSources }) {}

  /** Bakes and writes the export (see the file header). Errors name the photo or result and what is missing. */
  async export(request: HeadExportRequest): Promise<HeadExport> {
    const project = this.deps.project();
    const source = this.source(project, request);
    if (!existsSync(source.image)) throw new AppError('not-found', `${source.what}: its image is missing (${source.image})`);
    const result = await this.deps.pool.run('textureHead', {
      head: locateHeadModel(this.deps.heads),
      codes: source.codes,
      photo: source.image,
      photoLabel: source.what,
      textureSize: request.textureSize ?? defaultTextureSize,
      format: request.format,
      baseName: request.baseName ?? source.baseName,
    });
    return { ...result, description: `${source.what}, ${result.headModel}` };
  }

  /** The codes, image and names of what is exported. */
  private source(project: Project, request: HeadExportRequest) {
    const photoName = (photoId: number) => requirePhoto(project.db, photoId).fileName;
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
    const store = new EstimateStore(project.db);
    const estimate = store.get(request.photoId);
    if (!estimate) throw new AppError('not-found', `${fileName} (photo ${request.photoId}) has no FLAME estimate yet: estimate its album first`);
    const inUse = codesInUse(estimate, store);
    return {
      what: `${fileName} (photo ${request.photoId}${request.codes ? ', codes from the viewport' : inUse.edited ? ', saved code edits' : ''})`,
      codes: request.codes ?? inUse.codes,
      image: readableProjectFile(project.paths, estimate.alignedPath),
      baseName: `${safeStem(fileName)}-head`,
    };
  }
}
