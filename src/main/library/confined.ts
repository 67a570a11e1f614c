import { existsSync, lstatSync, realpathSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { AppError } from '../core/errors';
import { blobPath, isInsideDir, type ProjectPaths, thumbPath } from './paths';

// A project folder can come from someone else, so a link inside it (blobs/ab/<hash> -> /etc/shadow)
// or a stored path with `..` must never make the app read a file outside the project. Every read
// of a project file goes through these: the real path (links followed) must stay inside the real
// path of the project folder it belongs to. The folders themselves may be links (blobs/ moved to
// another disk): that is the owner's choice, made outside any file a project carries.

/** The folders of a project that files are read from. */
const readableFolders = ['blobs', 'thumbs', 'derived', 'tmp'];

function realInside(real: string, realRoot: string): boolean {
  return real !== realRoot && isInsideDir(real, realRoot);
}

/** The real path of `file` when it lies inside `root` once links are followed; null when not, or missing. */
export async function realFileInside(file: string, root: string): Promise<string | null> {
  try {
    const [real, realRoot] = await Promise.all([realpath(file), realpath(root)]);
    return realInside(real, realRoot) ? real : null;
  } catch {
    return null;
  }
}

function refuse(file: string, root: string): never {
  throw new AppError('invalid-params', `${file} leads outside ${root} (through a link, or '..' in a stored path), so it is not read; remove it from the project folder`);
}

/**
 * `file` as a real path inside `root`. A missing file (or a dangling link) is returned as given,
 * so the caller reports it as missing the way it always did; one that leads elsewhere throws.
 */
export function confinedFile(file: string, root: string): string {
  let real: string;
  try {
    real = realpathSync(file);
  } catch {
    if (!existsSync(file) && !isLink(file)) return file;
    return refuse(file, root);
  }
  let realRoot: string;
  try {
    realRoot = realpathSync(root);
  } catch {
    return refuse(file, root);
  }
  return realInside(real, realRoot) ? real : refuse(file, root);
}

function isLink(file: string): boolean {
  try {
    return lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}

/** The stored original of `hash`, confined to the project's blobs folder. */
export function readableBlob(paths: Pick<ProjectPaths, 'blobs'>, hash: string): string {
  return confinedFile(blobPath(paths, hash), paths.blobs);
}

/** The thumbnail of `hash`, confined to the project's thumbs folder. */
export function readableThumb(paths: Pick<ProjectPaths, 'thumbs'>, hash: string): string {
  return confinedFile(thumbPath(paths, hash), paths.thumbs);
}

/**
 * A file the database names relative to the project folder (`derived/aligned/7.png`), confined
 * to the project folder it names: a stored `../..` or a path outside blobs/, thumbs/, derived/ and
 * tmp/ is refused, and so is a link that leads out of that folder.
 */
export function readableProjectFile(paths: Pick<ProjectPaths, 'dir'>, stored: string): string {
  const full = resolve(paths.dir, stored);
  const top = relative(resolve(paths.dir), full).split(sep)[0];
  if (!isInsideDir(full, resolve(paths.dir)) || !readableFolders.includes(top)) return refuse(stored, paths.dir);
  return confinedFile(full, join(paths.dir, top));
}
