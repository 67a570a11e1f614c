import { existsSync, rmSync } from 'node:fs';
import { rm, rmdir } from 'node:fs/promises';
import { dirname, relative, sep } from 'node:path';
import { z } from 'zod';
import type { ImportDuplicate, ImportIssue, ImportResult } from '../../../common/contract';
import type { EmitEvent } from '../../core/events';
import { now } from '../../db/database';
import type { TaskPool } from '../../jobs/pool';
import type { IngestTasks } from './ingest';
import { defineJobKind, type JobContext } from '../../jobs/types';
import { blobPath, isInsideDir, jobTmpDir } from '../paths';
import type { Project } from '../project';
import type { IngestedImage, IngestOutcome } from './ingest';
import { findImportFiles } from './walk';
import { albumExists } from '../lookup';

export const importParams = z.object({
  albumId: z.number().int().positive(),
  paths: z.array(z.string().min(1)).min(1),
});
export type ImportParams = z.infer<typeof importParams>;

/** How many entries each list of ImportResult keeps (the counts stay exact). */
const listLimit = 5000;

interface ItemRow {
  idx: number;
  path: string;
  fileName: string;
}

/** The report of an import job, rebuilt from its importItems rows. */
export function importSummary(project: Project, jobId: number, albumId: number): ImportResult {
  const { db } = project;
  const counts = Object.fromEntries(
    (db.prepare('SELECT state, count(*) AS n FROM importItems WHERE jobId = @jobId GROUP BY state').all({ jobId }) as { state: string; n: number }[]).map(
      (r) => [r.state, r.n],
    ),
  );
  const errors = db
    .prepare("SELECT path, fileName, reason FROM importItems WHERE jobId = @jobId AND state = 'failed' ORDER BY idx LIMIT @limit")
    .all({ jobId, limit: listLimit }) as ImportIssue[];
  const duplicateFiles = db
    .prepare("SELECT path, fileName, photoId FROM importItems WHERE jobId = @jobId AND state = 'duplicate' ORDER BY idx LIMIT @limit")
    .all({ jobId, limit: listLimit }) as ImportDuplicate[];
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  return { albumId, total, imported: counts.imported ?? 0, duplicates: counts.duplicate ?? 0, failed: counts.failed ?? 0, errors, duplicateFiles };
}

/** What a photo's record keeps as its source: the path it was imported from, or for a browser upload (whose staged copy is deleted after the import) `upload:` and the file's original name. */
export function recordedSource(project: Project, path: string, fileName: string): string {
  return isInsideDir(path, project.paths.uploads) ? `${uploadSourcePrefix}${fileName}` : path;
}

/** Prefix of `photos.sourcePath` for files uploaded from a browser (serve mode). */
export const uploadSourcePrefix = 'upload:';

/** Staged upload batches (tmp/uploads/<batch>) that these paths point into. */
export function uploadBatchesOf(project: Project, paths: string[]): Set<string> {
  const out = new Set<string>();
  for (const p of paths) {
    const rel = relative(project.paths.uploads, p);
    if (rel && !rel.startsWith('..') && !rel.startsWith(sep)) out.add(rel.split(sep)[0]);
  }
  return out;
}

/**
 * The 'import' job: lists the files once (importItems), then ingests each pending one in a
 * worker thread and records its outcome with its photo row in one transaction. Resuming
 * continues with the files still pending; content hashing makes a repeated file a duplicate,
 * never a second copy.
 */
export function importJobKind(deps: { project: Project; pool: TaskPool<IngestTasks>; emit: EmitEvent }) {
  const { project, pool, emit } = deps;
  const { db } = project;

  const insertItem = db.prepare(
    "INSERT INTO importItems (jobId, idx, path, fileName, state) VALUES (@jobId, @idx, @path, @fileName, 'pending')",
  );
  const markItem = db.prepare('UPDATE importItems SET state = @state, photoId = @photoId, reason = @reason WHERE jobId = @jobId AND idx = @idx');
  const findPhoto = db.prepare('SELECT id FROM photos WHERE albumId = @albumId AND hash = @hash');
  const insertBlob = db.prepare(
    `INSERT OR IGNORE INTO blobs (hash, bytes, format, width, height, orientation, metadata, createdAt)
     VALUES (@hash, @bytes, @format, @width, @height, @orientation, @metadata, @createdAt)`,
  );
  const insertPhoto = db.prepare(
    'INSERT INTO photos (albumId, hash, fileName, sourcePath, importedAt) VALUES (@albumId, @hash, @fileName, @sourcePath, @importedAt)',
  );

  /** Records one ingested file; false when its blob file vanished (collected meanwhile) and it must be ingested again. */
  const record = db.transaction((jobId: number, albumId: number, item: ItemRow, image: IngestedImage): boolean => {
    // Checked in the same synchronous step as the insert: garbage collection cannot interleave.
    if (!existsSync(blobPath(project.paths, image.hash))) return false;
    const existing = findPhoto.get({ albumId, hash: image.hash }) as { id: number } | undefined;
    if (existing) {
      markItem.run({ jobId, idx: item.idx, state: 'duplicate', photoId: existing.id, reason: `same content as photo ${existing.id}` });
      return true;
    }
    const t = now();
    insertBlob.run({ ...image, metadata: JSON.stringify(image.metadata), createdAt: t });
    const photoId = Number(insertPhoto.run({ albumId, hash: image.hash, fileName: item.fileName, sourcePath: recordedSource(project, item.path, item.fileName), importedAt: t }).lastInsertRowid);
    markItem.run({ jobId, idx: item.idx, state: 'imported', photoId, reason: null });
    return true;
  });

  return defineJobKind<ImportParams>({
    kind: 'import',
    params: importParams,
    title: (p) => `Import ${p.paths.length === 1 ? (p.paths[0].split(/[\\/]/).pop() ?? p.paths[0]) : `${p.paths.length} items`}`,
    async run(ctx: JobContext<ImportParams>): Promise<ImportResult> {
      const { jobId, params, signal } = ctx;
      const { albumId } = params;
      if (!albumExists(db, albumId)) throw new Error(`album ${albumId} does not exist (deleted?)`);

      const listed = (db.prepare('SELECT count(*) AS n FROM importItems WHERE jobId = @jobId').get({ jobId }) as { n: number }).n;
      if (listed === 0) {
        ctx.progress(null, 'finding files…');
        const files = await findImportFiles(params.paths, signal);
        db.transaction(() => files.forEach((f, idx) => insertItem.run({ jobId, idx, ...f })))();
        ctx.log('info', `found ${files.length} file(s) under ${params.paths.length} path(s)`);
      }
      const pending = db.prepare("SELECT idx, path, fileName FROM importItems WHERE jobId = @jobId AND state = 'pending' ORDER BY idx").all({ jobId }) as ItemRow[];
      let summary = importSummary(project, jobId, albumId);
      const total = summary.total;
      let done = total - pending.length;
      if (ctx.attempt > 1 && done > 0) ctx.log('info', `continuing: ${done} of ${total} already handled`);
      let lastChange = 0;
      const report = (force = false) => {
        ctx.progress(total === 0 ? 1 : done / total, `${done} of ${total} files`);
        const t = Date.now();
        if (force || t - lastChange > 500) {
          lastChange = t;
          summary = importSummary(project, jobId, albumId);
          ctx.setResult(summary);
          emit('library.changed', { albumId });
        }
      };
      report(true);

      // Partial files go to the job's own tmp folder, which the open sweep of any process keeps while this job is live.
      const tmp = jobTmpDir(project.paths, jobId);
      const ingest = (item: ItemRow) => pool.run('ingest', { source: item.path, blobs: project.paths.blobs, thumbs: project.paths.thumbs, tmp });
      // Files are decoded a few at a time in the worker threads but recorded strictly in list
      // order, so the album shows them in the order they were found.
      const window = Math.max(1, pool.size) * 2;
      const inFlight: Promise<IngestOutcome>[] = [];
      let launched = 0;
      for (const item of pending) {
        if (signal.aborted) break;
        while (launched < pending.length && inFlight.length < window) {
          const promise = ingest(pending[launched++]);
          promise.catch(() => undefined); // awaited below; abandoned on cancel
          inFlight.push(promise);
        }
        let outcome = await inFlight.shift()!;
        for (let tries = 0; ; tries++) {
          if (!albumExists(db, albumId)) throw new Error(`album ${albumId} was deleted during the import`);
          if (!outcome.ok) {
            markItem.run({ jobId, idx: item.idx, state: 'failed', photoId: null, reason: outcome.reason });
            ctx.log('warn', `${item.fileName}: ${outcome.reason}`);
            break;
          }
          if (record(jobId, albumId, item, outcome)) break;
          // Its blob was garbage-collected between ingest and record: store it again.
          if (tries >= 2) throw new Error(`${item.path}: its stored copy keeps disappearing`);
          outcome = await ingest(item);
        }
        done++;
        report();
      }
      signal.throwIfAborted();
      report(true);
      summary = importSummary(project, jobId, albumId);
      ctx.progress(1, `${summary.imported} imported, ${summary.duplicates} duplicate(s), ${summary.failed} failed`);
      ctx.log('info', `imported ${summary.imported}, duplicates ${summary.duplicates}, failed ${summary.failed}`);
      // Staged browser uploads are no longer needed once every file is handled.
      for (const batch of uploadBatchesOf(project, params.paths)) rmSync(`${project.paths.uploads}${sep}${batch}`, { recursive: true, force: true });
      await rm(tmp, { recursive: true, force: true, maxRetries: 3 });
      await rmdir(dirname(tmp)).catch(() => undefined); // tmp/jobs itself, when no other job has a folder there
      return summary;
    },
  });
}
