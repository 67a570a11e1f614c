/**
 * What the UI shows of estimation, read from the estimation job's tables (src/main/estimate):
 * an album's state (counts, mean shape, per-photo problems of its latest jobs) and a photo's
 * estimate with its crops. Codes are editable: edits go to the codes the Edit studio uses
 * (`photoCodes`) while the estimator's own codes stay in `estimates`, so "restore" is a
 * copy back and re-estimating replaces both.
 */
import { readFile } from 'node:fs/promises';
import type { AlbumEstimates, CodeSource, EstimateOutcomeState, InlineImage, PhotoEstimateView, PhotoOutcome } from '../../common/contract/estimate';
import { codeSource } from '../../common/contract/estimate';
import type { FlameCodes } from '../../common/flame/codes';
import { codesInUse, originalCodes, sameCodes } from './codesInUse';
import { EstimateStore, type StoredEstimate } from './store';
import { encodePng, loadImage, resampleAffine, toRgb, type RgbImage } from '../face/image';
import type { Project } from '../library/project';
import { AppError } from '../core/errors';
import { readableProjectFile } from '../library/confined';
import { requireAlbum } from '../library/lookup';

/** Reads and edits a project's estimates for the UI. */
export class EstimateViews {
  private readonly estimates: EstimateStore;

  constructor(private readonly project: Project) {
    this.estimates = new EstimateStore(project.db);
  }

  private photoRow(photoId: number): { fileName: string; width: number; height: number } {
    const row = this.project.db.prepare('SELECT p.fileName, b.width, b.height FROM photos p JOIN blobs b ON b.hash = p.hash WHERE p.id = @photoId').get({ photoId }) as
      | { fileName: string; width: number; height: number }
      | undefined;
    if (!row) throw new AppError('not-found', `photo ${photoId} does not exist`);
    return row;
  }

  /** An album's estimation state. */
  album(albumId: number): AlbumEstimates {
    const { db } = this.project;
    requireAlbum(db, albumId);
    const photoCount = (db.prepare('SELECT count(*) AS n FROM photos WHERE albumId = @albumId').get({ albumId }) as { n: number }).n;
    const stored = this.estimates.listAlbum(albumId);
    const inUse = new Map(this.estimates.listAlbumCodes(albumId).map((e) => [e.photoId, e]));
    // what made the codes in use (those of the demo head are not FLAME codes: the demo's ground
    // truth, or a fit to the demo head, "landmark-fit-1/Demo head (not FLAME)")
    const codeSources: Partial<Record<CodeSource, number>> = {};
    for (const c of inUse.values()) {
      const source = codeSource(c.estimator, c.version);
      codeSources[source] = (codeSources[source] ?? 0) + 1;
    }
    const byEstimator: Record<string, number> = {};
    let editedCount = 0;
    for (const estimate of stored) {
      byEstimator[estimate.estimator] = (byEstimator[estimate.estimator] ?? 0) + 1;
      const codes = inUse.get(estimate.photoId)?.codes;
      if (codes && !sameCodes(codes, originalCodes(estimate))) editedCount++;
      inUse.delete(estimate.photoId);
    }
    const codesOnly: Record<string, number> = {};
    for (const other of inUse.values()) codesOnly[other.estimator] = (codesOnly[other.estimator] ?? 0) + 1;
    // the Edit studio's own mean (what stage 2 and editing use)
    const meanShape = this.estimates.albumMeanShape(albumId);
    // each photo without an estimate: its outcome in the newest job that listed it (photos a
    // queued or running job has still to do are not problems)
    const rows = db
      .prepare(
        `SELECT i.photoId, i.jobId, i.state, i.reason, i.faceBoxes, p.fileName
         FROM estimateItems i JOIN photos p ON p.id = i.photoId JOIN jobs j ON j.id = i.jobId
         WHERE p.albumId = @albumId AND i.state <> 'done'
           AND NOT (i.state = 'pending' AND j.state IN ('queued', 'running'))
           AND NOT EXISTS (SELECT 1 FROM estimates e WHERE e.photoId = i.photoId)
           AND i.jobId = (SELECT max(k.jobId) FROM estimateItems k WHERE k.photoId = i.photoId)
         ORDER BY i.photoId LIMIT 5000`,
      )
      .all({ albumId }) as { photoId: number; jobId: number; state: EstimateOutcomeState; reason: string | null; faceBoxes: string | null; fileName: string }[];
    const outcomes: PhotoOutcome[] = rows.map((r) => ({ ...r, faceBoxes: r.faceBoxes ? (JSON.parse(r.faceBoxes) as PhotoOutcome['faceBoxes']) : [] }));
    const last = db
      .prepare(`SELECT id, state FROM jobs WHERE kind = 'estimate' AND json_extract(params, '$.albumId') = @albumId ORDER BY id DESC LIMIT 1`)
      .get({ albumId }) as { id: number; state: string } | undefined;
    return { albumId, photoCount, estimatedCount: stored.length, byEstimator, codeSources, codesOnly, editedCount, meanShape, outcomes, lastJob: last ? { jobId: last.id, state: last.state } : null };
  }

  /** A photo's estimate with its aligned and DECA crops, or null when it has none. */
  async photo(photoId: number): Promise<PhotoEstimateView | null> {
    const photo = this.photoRow(photoId);
    const estimate = this.estimates.get(photoId);
    if (!estimate) return null;
    const alignedFile = readableProjectFile(this.project.paths, estimate.alignedPath);
    let bytes: Buffer;
    try {
      bytes = await readFile(alignedFile);
    } catch {
      throw new AppError('not-found', `${photo.fileName}: its aligned crop ${estimate.alignedPath} is missing from the project; estimate the photo again`);
    }
    const alignedImage = await loadImage(bytes, alignedFile);
    const inline = (png: Buffer, width: number, height: number): InlineImage => ({ mime: 'image/png', base64: png.toString('base64'), width, height });
    const { codes, original, edited } = codesInUse(estimate, this.estimates);
    const fit = estimate.details.fit as PhotoEstimateView['fit'] | undefined;
    return {
      photoId,
      estimator: estimate.estimator,
      estimatorVersion: estimate.estimatorVersion,
      createdAt: estimate.createdAt,
      photoSize: { width: photo.width, height: photo.height },
      faceIndex: estimate.faceIndex,
      faceBoxes: estimate.faceBoxes,
      score: estimate.score,
      landmarks: estimate.landmarks,
      alignedLandmarks: estimate.alignedLandmarks,
      aligned: inline(bytes, alignedImage.width, alignedImage.height),
      decaCrop: inline(await this.decaCrop(estimate, alignedImage), 224, 224),
      emotion: estimate.emotion,
      codes,
      original,
      edited,
      fit: fit ? { initialError: fit.initialError, finalError: fit.finalError, iterations: fit.iterations, milliseconds: fit.milliseconds } : null,
      milliseconds: typeof estimate.details.milliseconds === 'number' ? estimate.details.milliseconds : null,
    };
  }

  /**
   * DECA's 224 crop: the one the job kept (derived/deca224/), or, for estimates made before it
   * kept one, cut from the aligned image through the stored transform the camera refers to.
   */
  private async decaCrop(estimate: StoredEstimate, aligned: RgbImage): Promise<Buffer> {
    const kept = estimate.details.decaCropPath;
    if (typeof kept === 'string') {
      try {
        return await readFile(readableProjectFile(this.project.paths, kept));
      } catch {
        // gone (e.g. derived files cleaned): cut it again below
      }
    }
    return encodePng(toRgb(resampleAffine(aligned, estimate.decaTransform, 224, 224, 'zero')));
  }

  private require(photoId: number): StoredEstimate {
    const estimate = this.estimates.get(photoId);
    if (!estimate) throw new AppError('not-found', `${this.photoRow(photoId).fileName} has no FLAME estimate yet; estimate its album first`);
    return estimate;
  }

  /** Stores edited codes for the Edit studio; the estimator's codes stay as they were. */
  async saveCodes(photoId: number, codes: FlameCodes): Promise<PhotoEstimateView> {
    const estimate = this.require(photoId);
    const edited = !sameCodes(codes, originalCodes(estimate));
    this.estimates.saveCodes(photoId, { name: estimate.estimator, version: edited ? `${estimate.estimatorVersion} (edited)` : estimate.estimatorVersion }, codes);
    return (await this.photo(photoId))!;
  }

  /** Puts the estimator's codes back. */
  async restore(photoId: number): Promise<PhotoEstimateView> {
    const estimate = this.require(photoId);
    this.estimates.saveCodes(photoId, { name: estimate.estimator, version: estimate.estimatorVersion }, originalCodes(estimate));
    return (await this.photo(photoId))!;
  }
}
