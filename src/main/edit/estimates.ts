/**
 * Per-photo FLAME codes (table `photoEstimates`, migration 0005) and the album mean shape.
 * The estimation job stores each photo's codes here through `save`; the Edit studio reads them.
 * Codes are in DECA's layout (100 · 50 · 6 · 3 · 27) and in the photo's own image frame: the
 * camera maps the head onto the stored photo (an FFHQ-aligned crop for DiffusionRig albums).
 */
import type { Database } from 'better-sqlite3';
import type { FlameCodes } from '../../common/contract/viewport';
import { AppError } from '../core/errors';
import { now } from '../db/database';
import { checkCodes, meanOf } from './codes';

/** One stored estimate. */
export interface PhotoEstimate {
  photoId: number;
  estimator: string;
  version: string;
  codes: FlameCodes;
  createdAt: string;
}

interface Row {
  photoId: number;
  estimator: string;
  version: string;
  codes: string;
  createdAt: string;
}

function fromRow(row: Row): PhotoEstimate {
  return { ...row, codes: JSON.parse(row.codes) as FlameCodes };
}

/** Reads and writes photo estimates of one project database. */
export class EstimateStore {
  constructor(private readonly db: Database) {}

  /** Stores (or replaces) a photo's codes; the estimator's name and version are kept with them. */
  save(photoId: number, estimator: { name: string; version: string }, codes: FlameCodes): PhotoEstimate {
    checkCodes(codes, `codes of photo ${photoId}`);
    this.db
      .prepare(
        `INSERT INTO photoEstimates (photoId, estimator, version, codes, createdAt) VALUES (@photoId, @estimator, @version, @codes, @createdAt)
         ON CONFLICT (photoId) DO UPDATE SET estimator = excluded.estimator, version = excluded.version, codes = excluded.codes, createdAt = excluded.createdAt`,
      )
      .run({ photoId, estimator: estimator.name, version: estimator.version, codes: JSON.stringify(codes), createdAt: now() });
    return this.get(photoId)!;
  }

  /** The photo's estimate, or undefined. */
  get(photoId: number): PhotoEstimate | undefined {
    const row = this.db.prepare('SELECT * FROM photoEstimates WHERE photoId = @photoId').get({ photoId }) as Row | undefined;
    return row && fromRow(row);
  }

  /** The photo's estimate; a clear 'not-found' error when the photo has none. */
  require(photoId: number): PhotoEstimate {
    const estimate = this.get(photoId);
    if (!estimate) throw new AppError('not-found', `photo ${photoId} has no FLAME codes yet; run estimation on its album first`);
    return estimate;
  }

  /** Estimates of an album's photos, in photo order. */
  listAlbum(albumId: number): PhotoEstimate[] {
    const rows = this.db
      .prepare('SELECT e.* FROM photoEstimates e JOIN photos p ON p.id = e.photoId WHERE p.albumId = @albumId ORDER BY p.id')
      .all({ albumId }) as Row[];
    return rows.map(fromRow);
  }

  /** The mean of the album's shape codes (what stage 2 and editing use), null without estimates. */
  albumMeanShape(albumId: number): number[] | null {
    return meanOf(this.listAlbum(albumId).map((e) => e.codes.shape));
  }
}
