import { isAbsolute, join, relative } from 'node:path';

/** SHA-256 in lowercase hex: the only names blob routes and blob files accept. */
export const hashPattern = /^[0-9a-f]{64}$/;

/** File name of a project's database inside its folder. */
export const databaseFileName = 'project.sqlite';

/**
 * Where everything of a project lives. The folder is self-contained (copy it to back it up):
 * blobs/ab/<hash> are the originals, thumbs/ab/<hash>.webp their 256-px thumbnails,
 * derived/ holds what later stages compute, tmp/ is scratch space emptied on open.
 */
export interface ProjectPaths {
  dir: string;
  database: string;
  blobs: string;
  thumbs: string;
  derived: string;
  tmp: string;
  /** Browser uploads staged for import (serve mode). */
  uploads: string;
}

/** The layout of the project folder `dir`. */
export function projectPaths(dir: string): ProjectPaths {
  return {
    dir,
    database: join(dir, databaseFileName),
    blobs: join(dir, 'blobs'),
    thumbs: join(dir, 'thumbs'),
    derived: join(dir, 'derived'),
    tmp: join(dir, 'tmp'),
    uploads: join(dir, 'tmp', 'uploads'),
  };
}

function checkHash(hash: string): string {
  if (!hashPattern.test(hash)) throw new Error(`not a content hash: ${JSON.stringify(hash)}`);
  return hash;
}

/** The stored original with this hash (two-level fan-out keeps folders small). */
export function blobPath(paths: Pick<ProjectPaths, 'blobs'>, hash: string): string {
  return join(paths.blobs, checkHash(hash).slice(0, 2), hash);
}

/** The 256-px thumbnail of the blob with this hash. */
export function thumbPath(paths: Pick<ProjectPaths, 'thumbs'>, hash: string): string {
  return join(paths.thumbs, checkHash(hash).slice(0, 2), `${hash}.webp`);
}

/**
 * A job's own scratch folder, tmp/jobs/<jobId>: whatever a job stages there is kept by the
 * project-open sweep while the job is live in any process (its row says running or queued with
 * a fresh heartbeat), and removed once it is not.
 */
export function jobTmpDir(paths: Pick<ProjectPaths, 'tmp'>, jobId: number): string {
  if (!(Number.isInteger(jobId) && jobId > 0)) throw new Error(`not a job id: ${jobId}`);
  return join(paths.tmp, 'jobs', String(jobId));
}

/** Whether `path` lies inside `dir` (or is it). */
export function isInsideDir(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}
