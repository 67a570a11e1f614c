/**
 * The one store of a photo's FLAME estimate, over three tables of the project database:
 * - `estimates` (migrations 0006/0007): the estimator's full record of a photo — face,
 *   landmarks, transforms, the packed 236-value code, the camera in the aligned frame, emotion,
 *   estimator and version (or 'demo-ground-truth' for the demo photos' known codes);
 * - `photoCodes` (migration 0005 as `photoEstimates`, renamed in 0010): the codes the photo
 *   uses — the estimator's (camera in the frame of the aligned image: the photo's own frame when
 *   it already is an FFHQ crop) or the researcher's hand edits saved over them. Editing,
 *   training and the album mean shape read these; a fixture may store them without a record;
 * - `estimatorCodes` (migration 0012): every estimator's codes of a photo side by side (packed
 *   code with the albedo code, camera in the aligned frame), so one estimator's run keeps the
 *   others'; an edit may take the source's and the target's codes from different estimators;
 * - `estimateItems`: the per-photo outcomes of estimation jobs.
 * Saving an estimate writes its record, its estimator's codes and the codes in use in one
 * transaction.
 */
import type { Database } from 'better-sqlite3';
import { now } from '../db/database';
import { AppError } from '../core/errors';
import { checkCodes, codeLayout, codeLength, meanOf, unpackCode, type FlameCodes } from '../../common/flame/codes';
import type { EstimateProblem, EstimateSource, PhotoEstimate } from './pipeline';

/** The per-photo fields stored as the pipeline produced them (see PhotoEstimate for each). */
type StoredFields = 'faceIndex' | 'faceBoxes' | 'score' | 'landmarks' | 'alignedLandmarks' | 'alignTransform' | 'decaTransform' | 'code' | 'camAligned' | 'emotion';

/** A stored estimate as read back (no pixels). */
export interface StoredEstimate extends Pick<PhotoEstimate, StoredFields> {
  photoId: number;
  jobId: number | null;
  /** The estimator, or 'demo-ground-truth' for the demo photos' known codes. */
  estimator: EstimateSource;
  estimatorVersion: string;
  /** Project-relative path of the aligned 256 crop (PNG). */
  alignedPath: string;
  details: Record<string, unknown>;
  createdAt: string;
}

/** Outcome of one photo in a job. */
export type ItemState = 'pending' | 'done' | EstimateProblem | 'failed';

interface Row {
  photoId: number;
  jobId: number | null;
  estimator: StoredEstimate['estimator'];
  estimatorVersion: string;
  faceIndex: number;
  faceBoxes: string;
  score: number;
  landmarks: string;
  alignedLandmarks: string;
  alignTransform: string;
  decaTransform: string;
  code: Buffer;
  camAligned: string;
  emotion: string;
  alignedPath: string;
  details: string;
  createdAt: string;
}

/** The codes a photo uses, with the estimator that made them (edits keep the estimator's name). */
export interface PhotoCodes {
  photoId: number;
  estimator: string;
  version: string;
  codes: FlameCodes;
  createdAt: string;
}

interface CodesRow {
  photoId: number;
  estimator: string;
  version: string;
  codes: string;
  createdAt: string;
}

function codesFromRow(row: CodesRow): PhotoCodes {
  return { ...row, codes: JSON.parse(row.codes) as FlameCodes };
}

/** One estimator's codes of a photo (estimatorCodes). */
export interface EstimatorCodes {
  photoId: number;
  estimator: string;
  version: string;
  /** The packed 236-value code (DECA's layout, with the albedo code). */
  code: Float32Array;
  /** The codes with the camera in the aligned frame (as the estimator saved them into photoCodes). */
  codes: FlameCodes;
  createdAt: string;
}

interface EstimatorCodesRow {
  photoId: number;
  estimator: string;
  version: string;
  code: Buffer;
  camAligned: string;
  createdAt: string;
}

function estimatorCodesFromRow(row: EstimatorCodesRow): EstimatorCodes {
  const code = new Float32Array(codeLength);
  new Uint8Array(code.buffer).set(row.code);
  return { photoId: row.photoId, estimator: row.estimator, version: row.version, code, codes: unpackCode(code, JSON.parse(row.camAligned) as number[]), createdAt: row.createdAt };
}

/** Reads and writes the estimates, codes in use and estimation job items of one project database. */
export class EstimateStore {
  constructor(private readonly db: Database) {}

  /** Stores (replacing) a photo's estimate, and its codes in use, in one transaction. */
  save(photoId: number, jobId: number | null, estimate: Omit<PhotoEstimate, 'aligned' | 'decaCrop'>, alignedPath: string, decaCropPath?: string): void {
    const code = Buffer.from(estimate.code.buffer, estimate.code.byteOffset, codeLength * 4);
    const details = { alreadyAligned: estimate.alreadyAligned, decaCropPath, fit: estimate.fit, milliseconds: estimate.milliseconds };
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT OR REPLACE INTO estimates (photoId, jobId, estimator, estimatorVersion, faceIndex, faceBoxes, score, landmarks, alignedLandmarks,
             alignTransform, decaTransform, code, camAligned, emotion, alignedPath, details, createdAt)
           VALUES (@photoId, @jobId, @estimator, @estimatorVersion, @faceIndex, @faceBoxes, @score, @landmarks, @alignedLandmarks,
             @alignTransform, @decaTransform, @code, @camAligned, @emotion, @alignedPath, @details, @createdAt)`,
        )
        .run({
          photoId,
          jobId,
          estimator: estimate.estimator,
          estimatorVersion: estimate.version,
          faceIndex: estimate.faceIndex,
          faceBoxes: JSON.stringify(estimate.faceBoxes),
          score: estimate.score,
          landmarks: JSON.stringify(estimate.landmarks),
          alignedLandmarks: JSON.stringify(estimate.alignedLandmarks),
          alignTransform: JSON.stringify(estimate.alignTransform),
          decaTransform: JSON.stringify(estimate.decaTransform),
          code,
          camAligned: JSON.stringify(estimate.camAligned),
          emotion: JSON.stringify(estimate.emotion),
          alignedPath,
          details: JSON.stringify(details),
          createdAt: now(),
        });
      this.db
        .prepare(
          `INSERT OR REPLACE INTO estimatorCodes (photoId, estimator, version, code, camAligned, createdAt)
           VALUES (@photoId, @estimator, @version, @code, @camAligned, @createdAt)`,
        )
        .run({ photoId, estimator: estimate.estimator, version: estimate.version, code, camAligned: JSON.stringify(Array.from(estimate.camAligned)), createdAt: now() });
      this.saveCodes(photoId, { name: estimate.estimator, version: estimate.version }, unpackCode(estimate.code, estimate.camAligned));
    })();
  }

  /** One estimator's codes of a photo (kept when another estimator runs later), or undefined. */
  estimatorCodes(photoId: number, estimator: string): EstimatorCodes | undefined {
    const row = this.db.prepare('SELECT * FROM estimatorCodes WHERE photoId = @photoId AND estimator = @estimator').get({ photoId, estimator }) as EstimatorCodesRow | undefined;
    return row && estimatorCodesFromRow(row);
  }

  /** The estimators whose codes a photo has, oldest first. */
  estimatorsOf(photoId: number): string[] {
    return (this.db.prepare('SELECT estimator FROM estimatorCodes WHERE photoId = @photoId ORDER BY createdAt, estimator').all({ photoId }) as { estimator: string }[]).map((r) => r.estimator);
  }

  /** A photo's estimate, or undefined. */
  get(photoId: number): StoredEstimate | undefined {
    const row = this.db.prepare('SELECT * FROM estimates WHERE photoId = @photoId').get({ photoId }) as Row | undefined;
    return row && fromRow(row);
  }

  /** Estimates of an album's photos, in photo order. */
  listAlbum(albumId: number): StoredEstimate[] {
    const rows = this.db.prepare('SELECT e.* FROM estimates e JOIN photos p ON p.id = e.photoId WHERE p.albumId = @albumId ORDER BY p.id').all({ albumId }) as Row[];
    return rows.map(fromRow);
  }

  /**
   * Mean of the estimator's own 100 shape values over the album (null without estimates): what
   * estimation found, before any hand edit. See albumMeanShape for what editing and training use.
   */
  estimatedMeanShape(albumId: number): number[] | null {
    return meanOf(this.listAlbum(albumId).map((e) => Array.from(e.code.subarray(codeLayout.shape[0], codeLayout.shape[0] + codeLayout.shape[1]))));
  }

  /** Stores (or replaces) the codes a photo uses; the estimator's name and version are kept with them. */
  saveCodes(photoId: number, estimator: { name: string; version: string }, codes: FlameCodes): PhotoCodes {
    checkCodes(codes, `codes of photo ${photoId}`);
    this.db
      .prepare(
        `INSERT INTO photoCodes (photoId, estimator, version, codes, createdAt) VALUES (@photoId, @estimator, @version, @codes, @createdAt)
         ON CONFLICT (photoId) DO UPDATE SET estimator = excluded.estimator, version = excluded.version, codes = excluded.codes, createdAt = excluded.createdAt`,
      )
      .run({ photoId, estimator: estimator.name, version: estimator.version, codes: JSON.stringify(codes), createdAt: now() });
    return this.codes(photoId)!;
  }

  /** The codes the photo uses, or undefined. */
  codes(photoId: number): PhotoCodes | undefined {
    const row = this.db.prepare('SELECT * FROM photoCodes WHERE photoId = @photoId').get({ photoId }) as CodesRow | undefined;
    return row && codesFromRow(row);
  }

  /** The codes the photo uses; a clear 'not-found' error when it has none. */
  requireCodes(photoId: number): PhotoCodes {
    const codes = this.codes(photoId);
    if (!codes) throw new AppError('not-found', `photo ${photoId} has no FLAME codes yet; run estimation on its album first`);
    return codes;
  }

  /** The codes of an album's photos, in photo order. */
  listAlbumCodes(albumId: number): PhotoCodes[] {
    const rows = this.db.prepare('SELECT c.* FROM photoCodes c JOIN photos p ON p.id = c.photoId WHERE p.albumId = @albumId ORDER BY p.id').all({ albumId }) as CodesRow[];
    return rows.map(codesFromRow);
  }

  /** The album mean shape: the mean of the shape codes its photos use (what stage 2 and editing use), null without codes. */
  albumMeanShape(albumId: number): number[] | null {
    return meanOf(this.listAlbumCodes(albumId).map((c) => c.codes.shape));
  }

  /** Lists a job's photos once (idempotent: a resumed job keeps its list). */
  listItems(jobId: number, photoIds: readonly number[]): void {
    const insert = this.db.prepare("INSERT OR IGNORE INTO estimateItems (jobId, photoId, idx, state) VALUES (@jobId, @photoId, @idx, 'pending')");
    this.db.transaction(() => photoIds.forEach((photoId, idx) => insert.run({ jobId, photoId, idx })))();
  }

  /** A job's photos still to do, in order. */
  pending(jobId: number): number[] {
    return (this.db.prepare("SELECT photoId FROM estimateItems WHERE jobId = @jobId AND state = 'pending' ORDER BY idx").all({ jobId }) as { photoId: number }[]).map((r) => r.photoId);
  }

  /** Records a photo's outcome. */
  mark(jobId: number, photoId: number, state: ItemState, reason: string | null, faceBoxes?: unknown): void {
    this.db
      .prepare('UPDATE estimateItems SET state = @state, reason = @reason, faceBoxes = @faceBoxes WHERE jobId = @jobId AND photoId = @photoId')
      .run({ jobId, photoId, state, reason, faceBoxes: faceBoxes === undefined ? null : JSON.stringify(faceBoxes) });
  }

  /** Counts by state and the problems (photo, state, reason, face boxes) of a job. */
  summary(jobId: number): { total: number; counts: Record<string, number>; problems: { photoId: number; state: ItemState; reason: string | null; faceBoxes: unknown }[] } {
    const counts = Object.fromEntries(
      (this.db.prepare('SELECT state, count(*) AS n FROM estimateItems WHERE jobId = @jobId GROUP BY state').all({ jobId }) as { state: string; n: number }[]).map((r) => [r.state, r.n]),
    );
    const problems = (
      this.db
        .prepare("SELECT photoId, state, reason, faceBoxes FROM estimateItems WHERE jobId = @jobId AND state NOT IN ('pending', 'done') ORDER BY idx LIMIT 1000")
        .all({ jobId }) as { photoId: number; state: ItemState; reason: string | null; faceBoxes: string | null }[]
    ).map((r) => ({ ...r, faceBoxes: r.faceBoxes === null ? null : JSON.parse(r.faceBoxes) }));
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    return { total, counts, problems };
  }
}

function fromRow(row: Row): StoredEstimate {
  const code = new Float32Array(codeLength);
  new Uint8Array(code.buffer).set(row.code);
  return {
    ...row,
    faceBoxes: JSON.parse(row.faceBoxes),
    landmarks: JSON.parse(row.landmarks),
    alignedLandmarks: JSON.parse(row.alignedLandmarks),
    alignTransform: JSON.parse(row.alignTransform),
    decaTransform: JSON.parse(row.decaTransform),
    code,
    camAligned: JSON.parse(row.camAligned),
    emotion: JSON.parse(row.emotion),
    details: JSON.parse(row.details),
  };
}
