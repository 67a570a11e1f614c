/**
 * Estimates in the project database (tables of migration 0006; 0007 lets the estimator also be
 * 'demo-ground-truth'): the full per-photo record (face, landmarks, transforms, code, cameras,
 * emotion, estimator and version) and the
 * per-photo outcomes of estimation jobs. Each saved estimate is mirrored into the Edit
 * studio's `photoEstimates` through its own store (codes in DECA's layout, camera in the
 * frame of the aligned image: the photo's own frame when the photo already is an FFHQ crop).
 */
import type { Database } from 'better-sqlite3';
import { now } from '../db/database';
import { EstimateStore } from '../edit/estimates';
import { codeLayout, codeLength, unpackCode } from '../../common/flame/codes';
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

/** Reads and writes estimates and job items of one project database. */
export class EstimatesTable {
  private readonly editCodes: EstimateStore;

  constructor(private readonly db: Database) {
    this.editCodes = new EstimateStore(db);
  }

  /** Stores (replacing) a photo's estimate, and its codes for the Edit studio, in one transaction. */
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
      this.editCodes.save(photoId, { name: estimate.estimator, version: estimate.version }, unpackCode(estimate.code, estimate.camAligned));
    })();
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

  /** Mean of the album's 100 shape values (null without estimates). */
  albumMeanShape(albumId: number): number[] | null {
    const all = this.listAlbum(albumId);
    if (all.length === 0) return null;
    const mean = new Array<number>(codeLayout.shape[1]).fill(0);
    for (const e of all) for (let i = 0; i < mean.length; i++) mean[i] += e.code[i] / all.length;
    return mean;
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
