/**
 * SQL and files of the Edit studio: the cells of edit jobs and the results with their
 * provenance (tables of migration 0005), and result images as content-addressed PNGs under
 * `derived/edits/ab/<sha256>.png` (the project folder stays self-contained).
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import type { EditCellInfo, EditCellState, EditProvenance, EditResultInfo, EditScores, ModeSet } from '../../common/contract/edit';
import { AppError } from '../core/errors';
import { now } from '../db/database';
import { hashPattern } from '../library/paths';
import type { Project } from '../library/project';
import { writeFileAtomicSync } from '../library/atomicFile';

interface ResultRow {
  id: number;
  jobId: number | null;
  albumId: number;
  modelId: number | null;
  sourcePhotoId: number | null;
  targetPhotoId: number | null;
  modes: string;
  imageHash: string;
  sampleHash: string;
  buffersHash: string;
  provenance: string;
  scores: string | null;
  createdAt: string;
}

function resultFromRow(row: ResultRow): EditResultInfo {
  return {
    id: row.id,
    jobId: row.jobId,
    albumId: row.albumId,
    modelId: row.modelId,
    sourcePhotoId: row.sourcePhotoId,
    targetPhotoId: row.targetPhotoId,
    modes: row.modes,
    imageHash: row.imageHash,
    provenance: JSON.parse(row.provenance) as EditProvenance,
    scores: row.scores ? (JSON.parse(row.scores) as EditScores) : null,
    createdAt: row.createdAt,
  };
}

/** A new cell of a job. */
export interface NewCell {
  sourcePhotoId: number;
  targetPhotoId: number | null;
  modes: ModeSet;
}

/** Edit cells, results and their image files in one project. */
export class EditStore {
  readonly dir: string;

  constructor(private readonly project: Project) {
    this.dir = join(project.paths.derived, 'edits');
  }

  private get db(): Database {
    return this.project.db;
  }

  /** Where the image with this hash lives. */
  imagePath(hash: string): string {
    if (!hashPattern.test(hash)) throw new Error(`not a content hash: ${JSON.stringify(hash)}`);
    return join(this.dir, hash.slice(0, 2), `${hash}.png`);
  }

  /** Stores PNG bytes under their hash (atomically and durably; an existing file is kept). */
  writeImage(hash: string, png: Uint8Array): string {
    const path = this.imagePath(hash);
    if (existsSync(path)) return path;
    writeFileAtomicSync(path, png, this.project.paths.tmp);
    return path;
  }

  readImage(hash: string): Buffer {
    const path = this.imagePath(hash);
    if (!existsSync(path)) throw new AppError('not-found', `image ${hash.slice(0, 12)}… is missing from ${this.dir}`);
    return readFileSync(path);
  }

  /** Lists a job's cells once, when it starts (a resumed job keeps them). */
  addCells(jobId: number, cells: readonly NewCell[]): void {
    const insert = this.db.prepare(
      "INSERT INTO editCells (jobId, idx, sourcePhotoId, targetPhotoId, modes, state) VALUES (@jobId, @idx, @sourcePhotoId, @targetPhotoId, @modes, 'pending')",
    );
    this.db.transaction(() => cells.forEach((c, idx) => insert.run({ jobId, idx, ...c })))();
  }

  cells(jobId: number): EditCellInfo[] {
    return this.db.prepare('SELECT idx, sourcePhotoId, targetPhotoId, modes, state, resultId, error FROM editCells WHERE jobId = @jobId ORDER BY idx').all({ jobId }) as EditCellInfo[];
  }

  cell(jobId: number, idx: number): EditCellInfo {
    return this.db.prepare('SELECT idx, sourcePhotoId, targetPhotoId, modes, state, resultId, error FROM editCells WHERE jobId = @jobId AND idx = @idx').get({ jobId, idx }) as EditCellInfo;
  }

  /** Cells not finished yet go back to 'pending' (a resumed job retries cancelled and failed ones). */
  reopenCells(jobId: number): void {
    this.db.prepare("UPDATE editCells SET state = 'pending', error = NULL WHERE jobId = @jobId AND state IN ('cancelled', 'failed', 'pending')").run({ jobId });
  }

  /** Marks every still pending cell cancelled; returns them. */
  cancelPending(jobId: number): EditCellInfo[] {
    const pending = this.cells(jobId).filter((c) => c.state === 'pending');
    this.db.prepare("UPDATE editCells SET state = 'cancelled' WHERE jobId = @jobId AND state = 'pending'").run({ jobId });
    return pending.map((c) => ({ ...c, state: 'cancelled' as EditCellState }));
  }

  failCell(jobId: number, idx: number, error: string): void {
    this.db.prepare("UPDATE editCells SET state = 'failed', error = @error WHERE jobId = @jobId AND idx = @idx").run({ jobId, idx, error });
  }

  /** Inserts a result (and, for a job's cell, marks the cell done) in one transaction. */
  addResult(
    fields: { jobId: number | null; albumId: number; modelId: number | null; sourcePhotoId: number; targetPhotoId: number | null; modes: ModeSet; imageHash: string; provenance: EditProvenance; scores: EditScores | null },
    cellIdx?: number,
  ): EditResultInfo {
    return this.db.transaction(() => {
      const id = Number(
        this.db
          .prepare(
            `INSERT INTO editResults (jobId, albumId, modelId, sourcePhotoId, targetPhotoId, modes, imageHash, sampleHash, buffersHash, provenance, scores, createdAt)
             VALUES (@jobId, @albumId, @modelId, @sourcePhotoId, @targetPhotoId, @modes, @imageHash, @sampleHash, @buffersHash, @provenance, @scores, @createdAt)`,
          )
          .run({
            ...fields,
            sampleHash: fields.provenance.sampleHash,
            buffersHash: fields.provenance.buffersHash,
            provenance: JSON.stringify(fields.provenance),
            scores: fields.scores ? JSON.stringify(fields.scores) : null,
            createdAt: now(),
          }).lastInsertRowid,
      );
      if (fields.jobId !== null && cellIdx !== undefined) {
        this.db.prepare("UPDATE editCells SET state = 'done', resultId = @id, error = NULL WHERE jobId = @jobId AND idx = @idx").run({ id, jobId: fields.jobId, idx: cellIdx });
      }
      return this.result(id);
    })();
  }

  setScores(resultId: number, scores: EditScores): void {
    this.db.prepare('UPDATE editResults SET scores = @scores WHERE id = @id').run({ id: resultId, scores: JSON.stringify(scores) });
  }

  result(id: number): EditResultInfo {
    const row = this.db.prepare('SELECT * FROM editResults WHERE id = @id').get({ id }) as ResultRow | undefined;
    if (!row) throw new AppError('not-found', `edit result ${id} does not exist`);
    return resultFromRow(row);
  }

  jobResults(jobId: number): EditResultInfo[] {
    return (this.db.prepare('SELECT * FROM editResults WHERE jobId = @jobId ORDER BY id').all({ jobId }) as ResultRow[]).map(resultFromRow);
  }

  albumResults(albumId: number): EditResultInfo[] {
    return (this.db.prepare('SELECT * FROM editResults WHERE albumId = @albumId ORDER BY id DESC').all({ albumId }) as ResultRow[]).map(resultFromRow);
  }

  /** Deletes results, then image files no remaining result refers to. */
  deleteResults(ids: readonly number[]): number {
    const remove = this.db.prepare('DELETE FROM editResults WHERE id = @id');
    const deleted = this.db.transaction(() => ids.reduce((n, id) => n + remove.run({ id }).changes, 0))();
    this.collectImages();
    return deleted;
  }

  /** Removes image files that no result's provenance mentions. */
  collectImages(): number {
    if (!existsSync(this.dir)) return 0;
    const used = new Set<string>();
    for (const row of this.db.prepare('SELECT imageHash, provenance FROM editResults').all() as { imageHash: string; provenance: string }[]) {
      used.add(row.imageHash);
      const images = (JSON.parse(row.provenance) as EditProvenance).bufferImages;
      if (images) for (const hash of Object.values(images)) used.add(hash);
    }
    let removed = 0;
    for (const fan of readdirSync(this.dir)) {
      for (const name of readdirSync(join(this.dir, fan))) {
        const hash = name.replace(/\.png$/, '');
        if (!used.has(hash)) {
          rmSync(join(this.dir, fan, name), { force: true });
          removed++;
        }
      }
    }
    return removed;
  }
}
