import { rmSync } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { blobPath, hashPattern, thumbPath } from './paths';
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

export interface OrphanReport {
  blobFiles: number;
  thumbFiles: number;
  tmpEntries: number;
}

/**
 * On open: deletes blob and thumbnail files that have no row (a crash between writing the
 * file and committing its row), and empties tmp/ except the staged upload batches named in
 * `keepUploads` (still needed by a job that can be resumed) or younger than an hour.
 */
export async function collectOrphanFiles(project: Project, keepUploads: ReadonlySet<string> = new Set()): Promise<OrphanReport> {
  const { db, paths } = project;
  const known = db.prepare('SELECT 1 FROM blobs WHERE hash = @hash');
  const isKnown = (hash: string) => known.get({ hash }) !== undefined;
  const report: OrphanReport = { blobFiles: 0, thumbFiles: 0, tmpEntries: 0 };

  async function sweep(root: string, hashOf: (name: string) => string | null, field: 'blobFiles' | 'thumbFiles') {
    for (const shard of await readdir(root).catch(() => [] as string[])) {
      const shardDir = join(root, shard);
      for (const name of await readdir(shardDir).catch(() => [] as string[])) {
        const hash = hashOf(name);
        if (hash && hash.startsWith(shard) && isKnown(hash)) continue;
        await rm(join(shardDir, name), { force: true, recursive: true });
        report[field]++;
      }
    }
  }
  await sweep(paths.blobs, (n) => (hashPattern.test(n) ? n : null), 'blobFiles');
  await sweep(paths.thumbs, (n) => (n.endsWith('.webp') && hashPattern.test(n.slice(0, -5)) ? n.slice(0, -5) : null), 'thumbFiles');

  for (const name of await readdir(paths.tmp).catch(() => [] as string[])) {
    if (name === 'uploads') {
      for (const batch of await readdir(paths.uploads).catch(() => [] as string[])) {
        if (keepUploads.has(batch)) continue;
        // A batch may be uploading right now (its import not started yet) in another process.
        const modified = (await stat(join(paths.uploads, batch)).catch(() => null))?.mtimeMs ?? 0;
        if (Date.now() - modified < uploadGraceMs) continue;
        await rm(join(paths.uploads, batch), { force: true, recursive: true });
        report.tmpEntries++;
      }
      continue;
    }
    await rm(join(paths.tmp, name), { force: true, recursive: true });
    report.tmpEntries++;
  }
  return report;
}
