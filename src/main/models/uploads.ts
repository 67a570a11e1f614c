/**
 * Where serve mode keeps uploaded checkpoints (the staged upload under tmp/uploads, then the
 * copy under derived/models/uploaded), and how errors about such a file name it: by the name the
 * researcher uploaded, never by the app's internal copy, which means nothing to them.
 */
import { basename, join, relative, resolve, sep } from 'node:path';

/** Where uploaded checkpoints are kept once imported (relative to derived/). */
export const uploadedDir = join('models', 'uploaded');

/** Whether `child` lies inside `parent` (not equal to it). */
export function isInside(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel !== '' && !rel.startsWith('..') && !rel.startsWith(sep) && !/^[a-zA-Z]:/.test(rel);
}

/** The folders holding uploaded files of a project. */
export function uploadFolders(paths: { uploads: string; derived: string }): string[] {
  return [paths.uploads, join(paths.derived, uploadedDir)];
}

/** `message` with an uploaded file's internal path replaced by the name it was uploaded as; other paths unchanged. */
export function nameUploadedFile(message: string, path: string, folders: readonly string[]): string {
  const full = resolve(path);
  if (!folders.some((folder) => isInside(full, folder))) return message;
  return message.split(full).join(basename(full));
}
