/**
 * The 'estimate' job: FLAME codes for the photos of an album with the estimator the project
 * chose. Lists the photos once (estimateItems), then runs each pending photo through the
 * pipeline in a worker thread and stores the estimate (its record in `estimates`, its codes
 * in `photoCodes`) or the problem (no face; several faces, with their boxes so the user can
 * pick one and run again with `faceChoices`; face too small; failed). Cancel stops between photos;
 * resume continues with the photos still pending.
 */
import { join, relative } from 'node:path';
import { z } from 'zod';
import type { EmitEvent } from '../core/events';
import type { Engine } from '../engine/client';
import type { EstimateHostTasks } from './hostTasks';
import { defineJobKind, type JobContext } from '../jobs/types';
import { readableBlob } from '../library/confined';
import type { Project } from '../library/project';
import { EstimateStore } from './store';
import { estimatorSpec } from './task';
import { albumExists, findPhoto } from '../library/lookup';

export const estimateParams = z.object({
  albumId: z.number().int().positive(),
  estimator: estimatorSpec,
  /** Only these photos (default: every photo of the album). */
  photoIds: z.array(z.number().int().positive()).optional(),
  /** Estimate photos that already have an estimate again (default: skip them). */
  redo: z.boolean().default(false),
  /** The face to use in photos with several. */
  faceChoices: z.array(z.object({ photoId: z.number().int().positive(), faceIndex: z.number().int().min(0) })).default([]),
  cacheDir: z.string().optional(),
});
export type EstimateParams = z.infer<typeof estimateParams>;

/** What the job reports while running and at the end. */
export interface EstimateJobResult {
  albumId: number;
  total: number;
  counts: Record<string, number>;
  problems: { photoId: number; state: string; reason: string | null; faceBoxes: unknown }[];
  /** Mean of the album's shape codes after this job (null without estimates). */
  meanShape: number[] | null;
  /** Landmark fitting's averages over this job's photos (fit only). */
  fitting?: { photos: number; meanInitialError: number; meanFinalError: number; meanIterations: number; meanMilliseconds: number };
}

/** Averages of the fitting reports stored with this job's estimates. */
function fittingSummary(db: Project['db'], jobId: number): EstimateJobResult['fitting'] {
  const rows = db.prepare("SELECT details FROM estimates WHERE jobId = @jobId AND estimator = 'fit'").all({ jobId }) as { details: string }[];
  const fits = rows.map((r) => (JSON.parse(r.details) as { fit?: { initialError: number; finalError: number; iterations: { rigid: number; full: number }; milliseconds: number } }).fit).filter((f) => f !== undefined);
  if (fits.length === 0) return undefined;
  const mean = (pick: (f: (typeof fits)[number]) => number) => fits.reduce((s, f) => s + pick(f), 0) / fits.length;
  return {
    photos: fits.length,
    meanInitialError: mean((f) => f.initialError),
    meanFinalError: mean((f) => f.finalError),
    meanIterations: mean((f) => f.iterations.rigid + f.iterations.full),
    meanMilliseconds: mean((f) => f.milliseconds),
  };
}

/** The 'estimate' job kind over one open project. */
export function estimateJobKind(deps: { project: Project; engine: Engine<EstimateHostTasks>; emit: EmitEvent }) {
  const { project, engine, emit } = deps;
  const { db } = project;
  const table = new EstimateStore(db);

  const result = (jobId: number, albumId: number): EstimateJobResult => ({
    albumId,
    ...table.summary(jobId),
    meanShape: table.estimatedMeanShape(albumId),
    fitting: fittingSummary(db, jobId),
  });

  return defineJobKind<EstimateParams>({
    kind: 'estimate',
    params: estimateParams,
    title: (p) => `Estimate FLAME codes (${p.estimator.kind}) for album ${p.albumId}`,
    async run(ctx: JobContext<EstimateParams>): Promise<EstimateJobResult> {
      const { jobId, params, signal } = ctx;
      const { albumId } = params;
      if (!albumExists(db, albumId)) throw new Error(`album ${albumId} does not exist (deleted?)`);
      const listed = (db.prepare('SELECT count(*) AS n FROM estimateItems WHERE jobId = @jobId').get({ jobId }) as { n: number }).n;
      if (listed === 0) {
        let photos = (db.prepare('SELECT id FROM photos WHERE albumId = @albumId ORDER BY id').all({ albumId }) as { id: number }[]).map((r) => r.id);
        if (params.photoIds) {
          const wanted = new Set(params.photoIds);
          const missing = params.photoIds.filter((id) => !photos.includes(id));
          if (missing.length > 0) throw new Error(`photos ${missing.join(', ')} are not in album ${albumId}`);
          photos = photos.filter((id) => wanted.has(id));
        }
        if (!params.redo) {
          const done = new Set((db.prepare('SELECT e.photoId FROM estimates e JOIN photos p ON p.id = e.photoId WHERE p.albumId = @albumId').all({ albumId }) as { photoId: number }[]).map((r) => r.photoId));
          const skipped = photos.filter((id) => done.has(id)).length;
          photos = photos.filter((id) => !done.has(id));
          if (skipped > 0) ctx.log('info', `${skipped} photo(s) already have an estimate (run with redo to estimate them again)`);
        }
        table.listItems(jobId, photos);
        ctx.log('info', `${photos.length} photo(s) to estimate with ${params.estimator.kind}`);
      }
      const choices = new Map(params.faceChoices.map((c) => [c.photoId, c.faceIndex]));
      const pending = table.pending(jobId);
      const total = table.summary(jobId).total;
      let done = total - pending.length;
      const report = () => {
        ctx.progress(total === 0 ? 1 : done / total, `${done} of ${total} photos`);
        ctx.setResult(result(jobId, albumId));
      };
      report();
      for (const photoId of pending) {
        if (signal.aborted) break;
        const photo = findPhoto(db, photoId);
        if (!photo) {
          table.mark(jobId, photoId, 'failed', 'the photo was deleted');
        } else {
          const alignedOut = join(project.paths.derived, 'aligned', `${photoId}.png`);
          const decaOut = join(project.paths.derived, 'deca224', `${photoId}.png`);
          try {
            const out = await engine.request('estimatePhoto', {
              imagePath: readableBlob(project.paths, photo.hash),
              faceIndex: choices.get(photoId),
              spec: params.estimator,
              alignedOut,
              decaOut,
              cacheDir: params.cacheDir,
            });
            if (out.ok) {
              table.save(photoId, jobId, out.estimate, relative(project.paths.dir, alignedOut), relative(project.paths.dir, decaOut));
              table.mark(jobId, photoId, 'done', null);
            } else {
              table.mark(jobId, photoId, out.problem, out.message, out.faceBoxes);
              ctx.log('warn', `photo ${photoId}: ${out.message}`);
            }
          } catch (error) {
            const message = error instanceof Error ? error.message : String(error);
            table.mark(jobId, photoId, 'failed', message);
            ctx.log('error', `photo ${photoId}: ${message}`);
          }
        }
        done++;
        report();
        emit('library.changed', { albumId });
      }
      signal.throwIfAborted();
      const final = result(jobId, albumId);
      ctx.setResult(final);
      return final;
    },
  });
}
