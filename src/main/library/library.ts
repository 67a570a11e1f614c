import type { Album, PhotoDetail, PhotoPage, PhotoSummary } from '../../common/contract';
import { AppError } from '../core/errors';
import type { EmitEvent } from '../core/events';
import { now } from '../db/database';
import { basename } from 'node:path';
import { collectUnreferencedBlobs } from './gc';
import { uploadSourcePrefix } from './import/importJob';
import { isInsideDir } from './paths';
import type { Project } from './project';
import { requireAlbum } from './lookup';

interface AlbumRow {
  id: number;
  name: string;
  createdAt: string;
  photoCount: number;
  coverHash: string | null;
}

interface PhotoRow {
  id: number;
  albumId: number;
  hash: string;
  fileName: string;
  sourcePath: string;
  importedAt: string;
  width: number;
  height: number;
  format: string;
  bytes: number;
  orientation: number;
  metadata: string;
}

const albumColumns = `
  a.id, a.name, a.createdAt,
  (SELECT count(*) FROM photos p WHERE p.albumId = a.id) AS photoCount,
  (SELECT p.hash FROM photos p WHERE p.albumId = a.id ORDER BY p.id LIMIT 1) AS coverHash`;

/** Albums and photos of one open project. Every write is one transaction. */
export class Library {
  constructor(
    private readonly project: Project,
    private readonly emit: EmitEvent = () => undefined,
  ) {}

  private get db() {
    return this.project.db;
  }

  listAlbums(): Album[] {
    return this.db.prepare(`SELECT ${albumColumns} FROM albums a ORDER BY a.name COLLATE NOCASE, a.id`).all() as AlbumRow[];
  }

  getAlbum(albumId: number): Album {
    const row = this.db.prepare(`SELECT ${albumColumns} FROM albums a WHERE a.id = @albumId`).get({ albumId }) as AlbumRow | undefined;
    if (!row) throw new AppError('not-found', `album ${albumId} does not exist`);
    return row;
  }

  private checkNameFree(name: string, exceptId = 0): void {
    const clash = this.db.prepare('SELECT id FROM albums WHERE name = @name AND id != @exceptId').get({ name, exceptId });
    if (clash) throw new AppError('conflict', `an album named "${name}" already exists`);
  }

  createAlbum(nameInput: string): Album {
    const name = nameInput.trim();
    if (!name) throw new AppError('invalid-params', 'an album needs a name');
    const id = this.db.transaction(() => {
      this.checkNameFree(name);
      return Number(this.db.prepare('INSERT INTO albums (name, createdAt) VALUES (@name, @createdAt)').run({ name, createdAt: now() }).lastInsertRowid);
    })();
    this.emit('library.changed', { albumId: id });
    return this.getAlbum(id);
  }

  renameAlbum(albumId: number, nameInput: string): Album {
    const name = nameInput.trim();
    if (!name) throw new AppError('invalid-params', 'an album needs a name');
    this.db.transaction(() => {
      this.getAlbum(albumId);
      this.checkNameFree(name, albumId);
      this.db.prepare('UPDATE albums SET name = @name WHERE id = @albumId').run({ name, albumId });
    })();
    this.emit('library.changed', { albumId });
    return this.getAlbum(albumId);
  }

  /** Deletes the album and its photos; blobs no other photo uses are removed. */
  deleteAlbum(albumId: number): { deleted: number; blobsRemoved: number } {
    const deleted = this.db.transaction(() => {
      this.getAlbum(albumId);
      const n = this.db.prepare('DELETE FROM photos WHERE albumId = @albumId').run({ albumId }).changes;
      this.db.prepare('DELETE FROM albums WHERE id = @albumId').run({ albumId });
      return n;
    })();
    const blobsRemoved = collectUnreferencedBlobs(this.project);
    this.emit('library.changed', { albumId: null });
    return { deleted, blobsRemoved };
  }

  /** One page of an album in import order (the grid's query; see bench/import). */
  listPhotos(albumId: number, offset: number, limit: number): PhotoPage {
    requireAlbum(this.db, albumId);
    const total = (this.db.prepare('SELECT count(*) AS n FROM photos WHERE albumId = @albumId').get({ albumId }) as { n: number }).n;
    const items = this.db
      .prepare(
        // Page first (index only), join after: a join in the outer query would also be
        // evaluated for every row OFFSET skips.
        `WITH page AS (
           SELECT id, albumId, hash, fileName, importedAt FROM photos
           WHERE albumId = @albumId ORDER BY id LIMIT @limit OFFSET @offset)
         SELECT p.id, p.albumId, p.hash, p.fileName, p.importedAt, b.width, b.height
         FROM page p JOIN blobs b ON b.hash = p.hash ORDER BY p.id`,
      )
      .all({ albumId, limit, offset }) as PhotoSummary[];
    return { total, items };
  }

  getPhoto(photoId: number): PhotoDetail {
    const row = this.db
      .prepare(
        `SELECT p.id, p.albumId, p.hash, p.fileName, p.sourcePath, p.importedAt,
                b.width, b.height, b.format, b.bytes, b.orientation, b.metadata
         FROM photos p JOIN blobs b ON b.hash = p.hash WHERE p.id = @photoId`,
      )
      .get({ photoId }) as PhotoRow | undefined;
    if (!row) throw new AppError('not-found', `photo ${photoId} does not exist`);
    return { ...row, ...this.source(row), metadata: JSON.parse(row.metadata) as Record<string, string | number> };
  }

  /**
   * Where a photo came from. Uploads are recorded as `upload:<original name>`; photos uploaded
   * before that was so still name their staged copy under tmp/uploads, which is gone after the
   * import, so their original name (the staged file's name) is shown instead.
   */
  private source(row: Pick<PhotoRow, 'sourcePath' | 'fileName'>): Pick<PhotoDetail, 'origin' | 'sourcePath'> {
    if (row.sourcePath.startsWith(uploadSourcePrefix)) return { origin: 'upload', sourcePath: row.sourcePath.slice(uploadSourcePrefix.length) };
    if (isInsideDir(row.sourcePath, this.project.paths.uploads)) return { origin: 'upload', sourcePath: basename(row.sourcePath) };
    return { origin: 'disk', sourcePath: row.sourcePath };
  }

  /** Deletes photos (missing ids are ignored); blobs no longer referenced are removed. */
  deletePhotos(photoIds: number[]): { deleted: number; blobsRemoved: number } {
    const remove = this.db.prepare('DELETE FROM photos WHERE id = @id');
    const deleted = this.db.transaction(() => photoIds.reduce((n, id) => n + remove.run({ id }).changes, 0))();
    const blobsRemoved = collectUnreferencedBlobs(this.project);
    this.emit('library.changed', { albumId: null });
    return { deleted, blobsRemoved };
  }
}
