import { z } from 'zod';
import { channel } from './channel';

// Projects, albums, photos and import. Ids are SQLite integer row ids; hashes are
// lowercase hex SHA-256 of the original file bytes (the blob's content address).

export interface AppInfo {
  version: string;
  /** 'electron' when the desktop shell hosts the UI, 'serve' for the browser transport. */
  mode: 'electron' | 'serve';
  /** Where recent projects and settings are kept. */
  dataDir: string;
  platform: string;
}

export interface ProjectInfo {
  dir: string;
  name: string;
  schemaVersion: number;
  albumCount: number;
  photoCount: number;
  createdAt: string;
}

export interface RecentProject {
  dir: string;
  name: string;
  openedAt: string;
  /** False when the folder is gone or no longer a project. */
  available: boolean;
}

export interface Album {
  id: number;
  name: string;
  photoCount: number;
  /** Hash of the first photo, for a cover thumbnail. */
  coverHash: string | null;
  createdAt: string;
}

export interface PhotoSummary {
  id: number;
  albumId: number;
  hash: string;
  fileName: string;
  width: number;
  height: number;
  importedAt: string;
}

export interface PhotoDetail extends PhotoSummary {
  /** 'disk': imported from a path on the backend's machine; 'upload': uploaded from a browser (serve mode). */
  origin: 'disk' | 'upload';
  /** The path it was imported from, or for an upload the file's original name (its staged copy is gone). */
  sourcePath: string;
  format: string;
  bytes: number;
  /** EXIF orientation of the original (1..8); pixels served are already upright. */
  orientation: number;
  metadata: Record<string, string | number>;
}

export interface PhotoPage {
  total: number;
  items: PhotoSummary[];
}

/** One file of an import that was not imported, with the reason (shown to the user). */
export interface ImportIssue {
  path: string;
  fileName: string;
  reason: string;
}

/** One file of an import whose content is already in the album (not stored again). */
export interface ImportDuplicate {
  path: string;
  fileName: string;
  /** The photo already holding these bytes. */
  photoId: number;
}

/**
 * `JobInfo.result` of an 'import' job, filled in while it runs. Counts are exact; the two
 * lists keep at most the first 5,000 entries each.
 */
export interface ImportResult {
  albumId: number;
  /** Files found under the given paths (folders are walked recursively). */
  total: number;
  imported: number;
  duplicates: number;
  failed: number;
  errors: ImportIssue[];
  duplicateFiles: ImportDuplicate[];
}

export interface DirEntry {
  name: string;
  path: string;
  kind: 'dir' | 'file';
}

const id = z.number().int().positive();
const name = z.string().trim().min(1).max(200);
const path = z.string().min(1).max(4096);

export const libraryContract = {
  'app.info': channel<AppInfo>()(),
  'project.recent': channel<RecentProject[]>()(),
  'project.create': channel<ProjectInfo>()(z.object({ dir: path, name })),
  'project.open': channel<ProjectInfo>()(z.object({ dir: path })),
  'project.current': channel<ProjectInfo | null>()(),
  /** Opens the built-in demo project (created in the data dir on first use). */
  'project.openDemo': channel<ProjectInfo>()(),
  'project.close': channel<void>()(),
  'album.list': channel<Album[]>()(),
  'album.create': channel<Album>()(z.object({ name })),
  'album.rename': channel<Album>()(z.object({ albumId: id, name })),
  'album.delete': channel<void>()(z.object({ albumId: id })),
  'photo.list': channel<PhotoPage>()(
    z.object({ albumId: id, offset: z.number().int().min(0), limit: z.number().int().min(1).max(1000) }),
  ),
  'photo.get': channel<PhotoDetail>()(z.object({ photoId: id })),
  'photo.delete': channel<{ deleted: number; blobsRemoved: number }>()(z.object({ photoIds: z.array(id).min(1).max(100_000) })),
  /** Imports files or folders (recursive) that the backend can read; returns the job. */
  'import.start': channel<{ jobId: number }>()(z.object({ albumId: id, paths: z.array(path).min(1).max(100_000) })),
  /** Lists a folder on the backend's machine (serve mode's file picker). */
  'fs.list': channel<{ dir: string; parent: string | null; entries: DirEntry[] }>()(z.object({ dir: path.optional() })),
};
