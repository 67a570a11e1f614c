/**
 * Albums and photos looked up by id: the library owns both tables, and the other domains
 * (estimation, editing, export, the viewport, the demo) ask here rather than writing the query
 * again.
 */
import { AppError } from '../core/errors';
import type { Database } from '../db/database';

/** A photo's row: its album, the content hash of its blob and the file name it was imported as. */
export interface PhotoRow {
  id: number;
  albumId: number;
  hash: string;
  fileName: string;
}

/** The photo, or undefined when there is none with this id. */
export function findPhoto(db: Database, photoId: number): PhotoRow | undefined {
  return db.prepare('SELECT id, albumId, hash, fileName FROM photos WHERE id = @photoId').get({ photoId }) as PhotoRow | undefined;
}

/** The photo; a 'not-found' error naming it when there is none. */
export function requirePhoto(db: Database, photoId: number): PhotoRow {
  const photo = findPhoto(db, photoId);
  if (!photo) throw new AppError('not-found', `photo ${photoId} does not exist`);
  return photo;
}

/** Whether the album exists. */
export function albumExists(db: Database, albumId: number): boolean {
  return db.prepare('SELECT 1 FROM albums WHERE id = @albumId').get({ albumId }) !== undefined;
}

/** Throws a 'not-found' error naming the album when it does not exist. */
export function requireAlbum(db: Database, albumId: number): void {
  if (!albumExists(db, albumId)) throw new AppError('not-found', `album ${albumId} does not exist`);
}

/** The album's name, or `album <id>` when there is none with this id (titles, default names). */
export function albumName(db: Database, albumId: number): string {
  const row = db.prepare('SELECT name FROM albums WHERE id = @albumId').get({ albumId }) as { name: string } | undefined;
  return row?.name ?? `album ${albumId}`;
}
