/**
 * The 'edit' job: sources × targets × mode sets (or sources × explicit codes for a slider
 * edit). Cells are listed when the job first runs; each finished cell is stored with its
 * result and announced ('edit.cell') at once, so the grid fills as the job goes. Cancel keeps
 * finished cells and marks the rest cancelled; resume retries those.
 */
import type { EditCellInfo, EditJobParams } from '../../common/contract/edit';
import { editJobParamsSchema } from '../../common/contract/edit';
import type { EmitEvent } from '../core/events';
import type { FlameTasks } from '../flame/renderTask';
import type { TaskPool } from '../jobs/pool';
import { defineJobKind } from '../jobs/types';
import type { Project } from '../library/project';
import { parseModeSet } from './codes';
import type { EditEngine, PreparedCell } from './engine';
import { failCell, runCells, type CellSettling } from './cells';
import { ProjectEditor } from './engine';
import type { NewCell } from './store';

/** The cells of a job's parameters, in grid order: source, then target, then mode set. */
export function cellsOf(params: EditJobParams): NewCell[] {
  const cells: NewCell[] = [];
  for (const sourcePhotoId of params.sourcePhotoIds) {
    if (params.explicitCodes) {
      cells.push({ sourcePhotoId, targetPhotoId: null, modes: 'explicit' });
      continue;
    }
    for (const targetPhotoId of params.targetPhotoIds) for (const modes of params.modes) cells.push({ sourcePhotoId, targetPhotoId, modes });
  }
  return cells;
}

/** Summary kept as the job's result. */
export interface EditJobSummary {
  cells: number;
  done: number;
  failed: number;
  cancelled: number;
}

/** A short title for a job. */
export function editJobTitle(params: EditJobParams): string {
  if (params.explicitCodes) return `Slider edit of ${params.sourcePhotoIds.length} photo${params.sourcePhotoIds.length === 1 ? '' : 's'}`;
  return `Edit ${params.sourcePhotoIds.length} × ${params.targetPhotoIds.length} × ${params.modes.join(', ')}`;
}

/** The job kind for one open project. */
export function editJobKind(deps: { project: Project; pool: TaskPool<FlameTasks>; emit: EmitEvent; engine: EditEngine }) {
  return defineJobKind<EditJobParams>({
    kind: 'edit',
    params: editJobParamsSchema,
    title: editJobTitle,
    async run(ctx) {
      const { params, jobId } = ctx;
      const editor = new ProjectEditor(deps.engine, deps.project, deps.pool);
      const announce = (cell: EditCellInfo) => deps.emit('edit.cell', { jobId, cell });
      const settling: CellSettling = { store: editor.store, jobId, ctx, announce, noun: 'cell' };
      if (editor.store.cells(jobId).length === 0) {
        const cells = cellsOf(params);
        if (cells.length === 0) throw new Error('nothing to generate: choose targets and modes (or explicit codes)');
        editor.store.addCells(jobId, cells);
      } else {
        editor.store.reopenCells(jobId);
      }
      const all = editor.store.cells(jobId);
      const summary = (): EditJobSummary => {
        const cells = editor.store.cells(jobId);
        return { cells: cells.length, done: cells.filter((c) => c.state === 'done').length, failed: cells.filter((c) => c.state === 'failed').length, cancelled: cells.filter((c) => c.state === 'cancelled').length };
      };
      const pending = all.filter((c) => c.state === 'pending');
      const prepared: PreparedCell[] = [];
      const indexOf: number[] = [];
      // whose codes: as chosen, else the model's estimator (a model that records none: each photo's codes in use)
      const modelEstimator = pending.length > 0 ? editor.modelEstimator(params.modelId) : undefined;
      const estimators = { sourceEstimator: params.sourceEstimator ?? modelEstimator, targetEstimator: params.targetEstimator ?? modelEstimator };
      for (const cell of pending) {
        try {
          const modes = cell.modes === 'explicit' ? [] : parseModeSet(cell.modes);
          prepared.push(editor.prepare({ sourcePhotoId: cell.sourcePhotoId, targetPhotoId: cell.targetPhotoId, modes }, { meanShape: params.meanShape, explicitCodes: params.explicitCodes, ...estimators }));
          indexOf.push(cell.idx);
        } catch (error) {
          failCell(settling, cell.idx, error as Error);
        }
      }
      const finishedBefore = all.length - pending.length;
      let finished = finishedBefore;
      ctx.progress(finished / all.length, `${finished} of ${all.length} cells`);
      await runCells(settling, summary, () =>
        editor.generate(
          prepared,
          { modelId: params.modelId, imageSize: params.imageSize, sampler: params.sampler, batchSize: params.batchSize, jobId, scores: params.scores },
          {
            signal: ctx.signal,
            cellIndex: (position) => indexOf[position],
            onResult: (position) => {
              finished = Math.max(finished, finishedBefore + position + 1);
              announce(editor.store.cell(jobId, indexOf[position]));
              ctx.setResult(summary());
            },
            onFailure: (position, error) => failCell(settling, indexOf[position], error),
            onStep: (done, total) => ctx.progress((finishedBefore + (done / total) * prepared.length) / all.length, `${summary().done} of ${all.length} cells, step ${done}/${total}`),
          },
        ),
      );
      const result = summary();
      ctx.progress(1, `${result.done} of ${result.cells} cells done${result.failed ? `, ${result.failed} failed` : ''}`);
      if (result.done === 0 && result.failed > 0) throw new Error(`every cell failed: ${editor.store.cells(jobId).find((c) => c.error)?.error ?? ''}`);
      return result;
    },
  });
}
