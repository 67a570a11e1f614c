/**
 * The 'edit' job: sources × targets × mode sets (or sources × explicit codes for a slider
 * edit). Cells are listed when the job first runs; each finished cell is stored with its
 * result and announced ('edit.cell') at once, so the grid fills as the job goes. Cancel keeps
 * finished cells and marks the rest cancelled; resume retries those.
 */
import type { EditCellInfo, EditJobParams } from '../../common/contract/edit';
import type { CodeEstimator } from '../../common/contract/models';
import { editJobParamsSchema, modelRuns } from '../../common/contract/edit';
import { CancelledError } from '../core/cancellation';
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

/**
 * The cells of a job's parameters, in grid order: source, then target, then mode set, then model
 * run innermost, so a cell's run is its index modulo the number of runs (cellRun) for the
 * job's lifetime: cells are listed once and a resumed job keeps them.
 */
export function cellsOf(params: EditJobParams): (NewCell & { run: number })[] {
  const runs = modelRuns(params).length;
  const cells: (NewCell & { run: number })[] = [];
  const add = (cell: NewCell) => {
    for (let run = 0; run < runs; run++) cells.push({ ...cell, run });
  };
  for (const sourcePhotoId of params.sourcePhotoIds) {
    if (params.explicitCodes) {
      add({ sourcePhotoId, targetPhotoId: null, modes: 'explicit' });
      continue;
    }
    for (const targetPhotoId of params.targetPhotoIds) for (const modes of params.modes) add({ sourcePhotoId, targetPhotoId, modes });
  }
  return cells;
}

/** The model run of the cell at `idx` of a job with `runs` runs (cellsOf lists runs innermost). */
export function cellRun(idx: number, runs: number): number {
  return idx % runs;
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
  const runs = modelRuns(params).length;
  return `Edit ${params.sourcePhotoIds.length} × ${params.targetPhotoIds.length} × ${params.modes.join(', ')}${runs > 1 ? ` × ${runs} model runs` : ''}`;
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
      const runs = modelRuns(params);
      const announce = (cell: EditCellInfo) => deps.emit('edit.cell', { jobId, cell: { ...cell, run: cellRun(cell.idx, runs.length) } });
      const settling: CellSettling = { store: editor.store, jobId, ctx, announce, noun: 'cell' };
      if (editor.store.cells(jobId).length === 0) {
        const cells = cellsOf(params);
        if (cells.length === 0) throw new Error('nothing to generate: choose targets and modes (or explicit codes)');
        editor.store.addCells(jobId, cells.map(({ sourcePhotoId, targetPhotoId, modes }) => ({ sourcePhotoId, targetPhotoId, modes })));
      } else {
        editor.store.reopenCells(jobId);
      }
      const all = editor.store.cells(jobId);
      const summary = (): EditJobSummary => {
        const cells = editor.store.cells(jobId);
        return { cells: cells.length, done: cells.filter((c) => c.state === 'done').length, failed: cells.filter((c) => c.state === 'failed').length, cancelled: cells.filter((c) => c.state === 'cancelled').length };
      };
      const pending = all.filter((c) => c.state === 'pending');
      // one model and sampler at a time: a batch runs on one model
      const byRun = runs.map(() => ({ prepared: [] as PreparedCell[], indexOf: [] as number[] }));
      // whose codes: as chosen, else the run's model's estimator (a model that records none: each photo's codes in use)
      const estimatorsByModel = new Map<number, { sourceEstimator?: CodeEstimator; targetEstimator?: CodeEstimator }>();
      const estimatorsOf = (modelId: number) => {
        let found = estimatorsByModel.get(modelId);
        if (!found) {
          const modelEstimator = editor.modelEstimator(modelId);
          found = { sourceEstimator: params.sourceEstimator ?? modelEstimator, targetEstimator: params.targetEstimator ?? modelEstimator };
          estimatorsByModel.set(modelId, found);
        }
        return found;
      };
      for (const cell of pending) {
        try {
          const modes = cell.modes === 'explicit' ? [] : parseModeSet(cell.modes);
          const r = cellRun(cell.idx, runs.length);
          const group = byRun[r];
          group.prepared.push(editor.prepare({ sourcePhotoId: cell.sourcePhotoId, targetPhotoId: cell.targetPhotoId, modes }, { meanShape: params.meanShape, explicitCodes: params.explicitCodes, ...estimatorsOf(runs[r].modelId) }));
          group.indexOf.push(cell.idx);
        } catch (error) {
          failCell(settling, cell.idx, error as Error);
        }
      }
      const finishedBefore = all.length - pending.length;
      let started = 0;
      ctx.progress(finishedBefore / all.length, `${finishedBefore} of ${all.length} cells`);
      await runCells(settling, summary, async () => {
        for (const [r, { prepared, indexOf }] of byRun.entries()) {
          if (prepared.length === 0) continue;
          if (ctx.signal.aborted) break;
          const run = runs[r];
          const before = started;
          started += prepared.length;
          try {
            await editor.generate(
              prepared,
              { modelId: run.modelId, imageSize: run.imageSize, sampler: run.sampler, batchSize: params.batchSize, jobId, scores: params.scores, expressionEstimator: params.expressionEstimator ?? 'target' },
              {
                signal: ctx.signal,
                cellIndex: (position) => indexOf[position],
                onResult: (position) => {
                  announce(editor.store.cell(jobId, indexOf[position]));
                  ctx.setResult(summary());
                },
                onFailure: (position, error) => failCell(settling, indexOf[position], error),
                onStep: (done, total) => ctx.progress((finishedBefore + before + (done / total) * prepared.length) / all.length, `${summary().done} of ${all.length} cells${runs.length > 1 ? `, model run ${r + 1} of ${runs.length}` : ''}, step ${done}/${total}`),
              },
            );
          } catch (error) {
            // a run that cannot start (its model is gone, its size unknown) fails its cells; the other runs go on
            if (ctx.signal.aborted || error instanceof CancelledError) throw error;
            for (const idx of indexOf) if (editor.store.cell(jobId, idx).state === 'pending') failCell(settling, idx, error as Error);
          }
        }
      });
      const result = summary();
      ctx.progress(1, `${result.done} of ${result.cells} cells done${result.failed ? `, ${result.failed} failed` : ''}`);
      if (result.done === 0 && result.failed > 0) throw new Error(`every cell failed: ${editor.store.cells(jobId).find((c) => c.error)?.error ?? ''}`);
      return result;
    },
  });
}
