/**
 * Interpolation sweeps of one source as a job ('edit-sweep'): the light rotated about the
 * vertical axis, or the expression (50 values + jaw) moving from photo A's to photo B's. Each
 * frame is a cell of the job, generated and stored as an edit result with full provenance
 * (exact codes, sampler, seed), so it can be re-run, browsed and deleted like any result.
 * Every frame starts from the same seeded noise, so only the swept code changes the picture.
 * Progress is reported per frame; cancel keeps the frames done (resume finishes the rest).
 * The frame strip (PNG) and animated WebP are encoded on request from the frames done.
 */
import sharp from 'sharp';
import type { EditCellInfo, SweepParams, SweepView } from '../../common/contract/edit';
import { sweepParamsSchema } from '../../common/contract/edit';
import type { FlameCodes } from '../../common/flame/codes';
import type { EmitEvent } from '../core/events';
import { AppError } from '../core/errors';
import type { FlameTasks } from '../flame/renderTask';
import type { TaskPool } from '../jobs/pool';
import { defineJobKind } from '../jobs/types';
import type { Project } from '../library/project';
import { interpolateExpression, rotateLightYaw } from './codes';
import type { EditEngine, PreparedCell } from './engine';
import { failCell, runCells, type CellSettling } from './cells';
import { ProjectEditor } from './engine';

/** The job kind's name. */
export const sweepJobKindName = 'edit-sweep';

/** The codes of every frame of a sweep. */
export function sweepCodes(params: Pick<SweepParams, 'kind' | 'degrees' | 'frames'>, base: FlameCodes, from?: FlameCodes, to?: FlameCodes): FlameCodes[] {
  const frames: FlameCodes[] = [];
  // a full turn does not repeat its first frame at the end
  const fullTurn = params.kind === 'light' && Math.abs(Math.abs(params.degrees) - 360) < 1e-9;
  for (let i = 0; i < params.frames; i++) {
    const t = fullTurn ? i / params.frames : i / (params.frames - 1);
    if (params.kind === 'light') frames.push({ ...base, light: rotateLightYaw(base.light, (params.degrees * t * Math.PI) / 180) });
    else frames.push(interpolateExpression(base, from!, to!, t));
  }
  return frames;
}

/** The label frames carry as their results' modes ('sweep-light', 'sweep-expression'). */
export function sweepLabel(params: Pick<SweepParams, 'kind'>): string {
  return `sweep-${params.kind}`;
}

/** A short title for a sweep job. */
export function sweepTitle(params: SweepParams): string {
  return params.kind === 'light' ? `Light sweep (${params.degrees}°, ${params.frames} frames)` : `Expression sweep (${params.frames} frames)`;
}

/** The prepared cell of every frame; throws a clear error on missing photos or codes. */
export function sweepCells(editor: ProjectEditor, params: SweepParams): PreparedCell[] {
  // the photos' codes from the model's estimator when it records one, as in every edit
  const estimator = editor.modelEstimator(params.modelId);
  const base = editor.prepare({ sourcePhotoId: params.sourcePhotoId, targetPhotoId: null, modes: [] }, { meanShape: params.meanShape, sourceEstimator: estimator });
  let from: FlameCodes | undefined;
  let to: FlameCodes | undefined;
  if (params.kind === 'expression') {
    if (!params.fromPhotoId || !params.toPhotoId) throw new AppError('invalid-params', 'an expression sweep needs fromPhotoId and toPhotoId');
    from = editor.photoCodes(params.fromPhotoId, estimator).codes;
    to = editor.photoCodes(params.toPhotoId, estimator).codes;
  }
  const label = sweepLabel(params);
  return sweepCodes(params, base.codes, from, to).map((codes) => ({ ...base, codes, label }));
}

/** Summary kept as the job's result. */
export interface SweepJobSummary {
  frames: number;
  done: number;
  failed: number;
  cancelled: number;
}

/** The sweep job kind for one open project. */
export function sweepJobKind(deps: { project: Project; pool: TaskPool<FlameTasks>; emit: EmitEvent; engine: EditEngine }) {
  return defineJobKind<SweepParams>({
    kind: sweepJobKindName,
    params: sweepParamsSchema,
    title: sweepTitle,
    async run(ctx) {
      const { params, jobId } = ctx;
      const editor = new ProjectEditor(deps.engine, deps.project, deps.pool);
      const announce = (cell: EditCellInfo) => deps.emit('edit.cell', { jobId, cell });
      const settling: CellSettling = { store: editor.store, jobId, ctx, announce, noun: 'frame' };
      const frames = sweepCells(editor, params);
      if (editor.store.cells(jobId).length === 0) {
        editor.store.addCells(jobId, frames.map(() => ({ sourcePhotoId: params.sourcePhotoId, targetPhotoId: null, modes: sweepLabel(params) })));
      } else {
        editor.store.reopenCells(jobId);
      }
      const summary = (): SweepJobSummary => {
        const cells = editor.store.cells(jobId);
        return { frames: cells.length, done: cells.filter((c) => c.state === 'done').length, failed: cells.filter((c) => c.state === 'failed').length, cancelled: cells.filter((c) => c.state === 'cancelled').length };
      };
      const pending = editor.store.cells(jobId).filter((c) => c.state === 'pending');
      const indexOf = pending.map((c) => c.idx);
      const report = () => {
        const s = summary();
        ctx.progress(s.done / s.frames, `frame ${s.done} of ${s.frames}`);
        ctx.setResult(s);
      };
      report();
      await runCells(settling, summary, () =>
        editor.generate(
          indexOf.map((idx) => frames[idx]),
          { modelId: params.modelId, imageSize: params.imageSize, sampler: params.sampler, batchSize: 1, jobId, scores: false },
          {
            signal: ctx.signal,
            cellIndex: (position) => indexOf[position],
            onResult: (position) => {
              announce(editor.store.cell(jobId, indexOf[position]));
              report();
            },
            onFailure: (position, error) => failCell(settling, indexOf[position], error),
          },
        ),
      );
      const result = summary();
      if (result.done === 0 && result.failed > 0) throw new Error(`every frame failed: ${editor.store.cells(jobId).find((c) => c.error)?.error ?? ''}`);
      ctx.progress(1, `${result.done} of ${result.frames} frames${result.failed ? `, ${result.failed} failed` : ''}`);
      return result;
    },
  });
}

/** The frame strip and animated WebP of the frames done so far (in frame order); null when none is. */
export async function sweepMedia(frames: readonly Buffer[], size: number, frameMs: number): Promise<{ strip: NonNullable<SweepView['strip']>; animation: NonNullable<SweepView['animation']> } | null> {
  if (frames.length === 0) return null;
  const strip = await sharp({ create: { width: size * frames.length, height: size, channels: 3, background: { r: 0, g: 0, b: 0 } } })
    .composite(frames.map((input, i) => ({ input, left: i * size, top: 0 })))
    .png()
    .toBuffer();
  const animation = await (frames.length === 1 ? sharp(frames[0]) : sharp([...frames], { join: { animated: true } }))
    .webp({ lossless: true, loop: 0, delay: frames.map(() => frameMs) })
    .toBuffer();
  return {
    strip: { mime: 'image/png', base64: strip.toString('base64'), width: size * frames.length, height: size },
    animation: { mime: 'image/webp', base64: animation.toString('base64'), width: size, height: size },
  };
}
