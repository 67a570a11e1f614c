import { rmSync } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { JobRunner } from '../jobs/runner';
import { removeStrayPartials } from './atomicFile';
import { blobPath, hashPattern, thumbPath } from './paths';
import { uploadBatchesOf } from './import/importJob';
import type { Project } from './project';

/**
 * Every query that names blob hashes still in use. A domain whose tables point at blobs
 * (e.g. a derived render kept as a blob) adds its SELECT here, one line, so garbage
 * collection keeps those blobs.
 */
export const blobReferrers: readonly string[] = Object.freeze(['SELECT hash FROM photos']);

/**
 * Removes blobs no photo (or other referrer) uses: rows first, in one transaction, then the
 * files. Files are unlinked synchronously on purpose: import checks that a blob file exists
 * and inserts its row in one synchronous step too, so the two can never interleave in one
 * process. A crash between commit and unlink leaves orphan files, removed on the next open.
 */
export function collectUnreferencedBlobs(project: Project): number {
  const { db, paths } = project;
  const used = blobReferrers.map((q) => `hash IN (${q})`).join(' OR ');
  const hashes = db.transaction(() => {
    const rows = db.prepare(`SELECT hash FROM blobs WHERE NOT (${used})`).all() as { hash: string }[];
    const remove = db.prepare('DELETE FROM blobs WHERE hash = @hash');
    for (const r of rows) remove.run(r);
    return rows.map((r) => r.hash);
  })();
  for (const hash of hashes) {
    rmSync(blobPath(paths, hash), { force: true });
    rmSync(thumbPath(paths, hash), { force: true });
  }
  return hashes.length;
}

/** Staged uploads younger than this are kept even when no job names them yet. */
export const uploadGraceMs = 60 * 60 * 1000;

/**
 * Loose entries of tmp/ (an atomic write's `.partial` outside any job folder, e.g. of the demo
 * set-up) younger than this are kept: another process may be writing one right now (a write
 * takes seconds; one left by a crash goes on a later open).
 */
export const looseTmpGraceMs = 10 * 60 * 1000;

/** A job whose heartbeat (or creation) is older than this counts as dead (the runner's default). */
export const jobStaleAfterMs = 30_000;

export interface OrphanReport {
  blobFiles: number;
  thumbFiles: number;
  tmpEntries: number;
}

export interface SweepOptions {
  /** Staged upload batches still needed by a job that can be resumed. */
  keepUploads?: ReadonlySet<string>;
  /** Skip blob and thumbnail files (a live job may be between writing a file and committing its row). */
  skipBlobs?: boolean;
  /** Now, for tests. */
  now?: number;
  staleAfterMs?: number;
}

/** Ids of jobs live in some process: running or queued, with a heartbeat (or creation) within `staleAfterMs`. */
export function liveJobIds(project: Project, now = Date.now(), staleAfterMs = jobStaleAfterMs): Set<number> {
  const rows = project.db.prepare("SELECT id, heartbeatAt, createdAt FROM jobs WHERE state IN ('running', 'queued')").all() as { id: number; heartbeatAt: string | null; createdAt: string }[];
  const live = new Set<number>();
  for (const r of rows) {
    const last = Math.max(Date.parse(r.heartbeatAt ?? '') || 0, Date.parse(r.createdAt) || 0);
    if (now - last < staleAfterMs) live.add(r.id);
  }
  return live;
}

async function modifiedMs(path: string): Promise<number> {
  return (await stat(path).catch(() => null))?.mtimeMs ?? 0;
}

/**
 * On open: deletes blob and thumbnail files that have no row (a crash between writing the
 * file and committing its row; skipped with `skipBlobs`), and cleans tmp/ without touching
 * anything a live job in any process still uses:
 * - tmp/jobs/<id>/ (a job's scratch, see jobTmpDir) is removed only when job <id> is not live
 *   (liveJobIds: the heartbeat every runner writes to the shared database is the signal);
 * - tmp/uploads/<batch>/ is kept when named in `keepUploads` or younger than an hour;
 * - anything else is removed once older than ten minutes (looseTmpGraceMs).
 */
export async function collectOrphanFiles(project: Project, options: SweepOptions | ReadonlySet<string> = {}): Promise<OrphanReport> {
  const opts: SweepOptions = options instanceof Set ? { keepUploads: options } : (options as SweepOptions);
  const { db, paths } = project;
  const now = opts.now ?? Date.now();
  const keepUploads = opts.keepUploads ?? new Set<string>();
  const known = db.prepare('SELECT 1 FROM blobs WHERE hash = @hash');
  const isKnown = (hash: string) => known.get({ hash }) !== undefined;
  const report: OrphanReport = { blobFiles: 0, thumbFiles: 0, tmpEntries: 0 };

  async function sweep(root: string, hashOf: (name: string) => string | null, field: 'blobFiles' | 'thumbFiles') {
    for (const shard of await readdir(root).catch(() => [] as string[])) {
      const shardDir = join(root, shard);
      for (const name of await readdir(shardDir).catch(() => [] as string[])) {
        const hash = hashOf(name);
        if (hash && hash.startsWith(shard) && isKnown(hash)) continue;
        try {
          await rm(join(shardDir, name), { force: true, recursive: true, maxRetries: 3 });
          report[field]++;
        } catch {
          // kept for the next sweep (see remove below)
        }
      }
    }
  }
  if (!opts.skipBlobs) {
    await sweep(paths.blobs, (n) => (hashPattern.test(n) ? n : null), 'blobFiles');
    await sweep(paths.thumbs, (n) => (n.endsWith('.webp') && hashPattern.test(n.slice(0, -5)) ? n.slice(0, -5) : null), 'thumbFiles');
  }

  // A leftover that cannot be removed now (a write of an abandoned step still landing in it,
  // a file held open on Windows) stays for a later open; it never fails opening the project.
  const remove = async (path: string) => {
    try {
      await rm(path, { force: true, recursive: true, maxRetries: 3 });
      report.tmpEntries++;
    } catch {
      // kept for the next sweep
    }
  };
  for (const name of await readdir(paths.tmp).catch(() => [] as string[])) {
    const path = join(paths.tmp, name);
    if (name === 'uploads') {
      for (const batch of await readdir(paths.uploads).catch(() => [] as string[])) {
        if (keepUploads.has(batch)) continue;
        // A batch may be uploading right now (its import not started yet) in another process.
        if (now - (await modifiedMs(join(paths.uploads, batch))) < uploadGraceMs) continue;
        await remove(join(paths.uploads, batch));
      }
      continue;
    }
    if (name === 'jobs') {
      // Read after listing the folders: a job that made its folder is in the database by then.
      const entries = await readdir(path).catch(() => [] as string[]);
      const live = liveJobIds(project, now, opts.staleAfterMs);
      for (const entry of entries) {
        if (/^\d+$/.test(entry) && live.has(Number(entry))) continue;
        await remove(join(path, entry));
      }
      continue;
    }
    if (now - (await modifiedMs(path)) < looseTmpGraceMs) continue;
    await remove(path);
  }
  report.tmpEntries += await sweepTrainingPartials(project, now, opts.staleAfterMs);
  return report;
}

/**
 * Training jobs write their run state atomically beside it (derived/train/job-<id>/, hundreds of
 * MB a file at upstream sizes): a process killed mid-write leaves the `.partial` there. Removed
 * once job <id> is not live in any process (a live one may be writing it right now).
 */
async function sweepTrainingPartials(project: Project, now: number, staleAfterMs?: number): Promise<number> {
  const root = join(project.paths.derived, 'train');
  const folders = await readdir(root).catch(() => [] as string[]);
  if (folders.length === 0) return 0;
  const live = liveJobIds(project, now, staleAfterMs);
  let removed = 0;
  for (const folder of folders) {
    const m = /^job-(\d+)$/.exec(folder);
    if (!m || live.has(Number(m[1]))) continue;
    removed += await removeStrayPartials(join(root, folder)).catch(() => 0);
  }
  return removed;
}

/**
 * The project-open sweep (Backend calls it after recovering jobs): blob and thumbnail orphans
 * only while no job is live anywhere (an import in another process writes files before their
 * rows), and tmp/ always, entry by entry (collectOrphanFiles), keeping the upload batches of
 * unfinished imports.
 */
export async function sweepOnOpen(project: Project, jobs: Pick<JobRunner, 'unfinished' | 'params'>): Promise<OrphanReport> {
  const live = liveJobIds(project);
  const keepUploads = new Set<string>();
  for (const id of jobs.unfinished('import')) {
    const paths = jobs.params<{ paths?: unknown }>(id).paths;
    if (Array.isArray(paths)) for (const b of uploadBatchesOf(project, paths.filter((p): p is string => typeof p === 'string'))) keepUploads.add(b);
  }
  return collectOrphanFiles(project, { keepUploads, skipBlobs: live.size > 0 });
}
