/**
 * How an edit job (grid cells or sweep frames) settles its cells around one `generate` run,
 * shared by both job kinds: a failed cell is stored, logged and announced; a cancel marks the
 * cells not done as cancelled (keeping the finished ones) and ends the job as cancelled.
 */
import type { EditCellInfo } from '../../common/contract/edit';
import { CancelledError } from '../core/cancellation';
import type { JobContext } from '../jobs/types';
import type { EditStore } from './store';

export interface CellSettling {
  store: EditStore;
  jobId: number;
  ctx: JobContext<unknown>;
  announce: (cell: EditCellInfo) => void;
  /** 'cell' or 'frame', for the log. */
  noun: string;
}

/** Stores, logs and announces one cell's failure (generate's onFailure). */
export function failCell({ store, jobId, ctx, announce, noun }: CellSettling, idx: number, error: Error): void {
  store.failCell(jobId, idx, error.message);
  ctx.log('warn', `${noun} ${idx}: ${error.message}`);
  announce(store.cell(jobId, idx));
}

/**
 * Runs `generate`; on cancel marks the pending cells cancelled, records `summary()` and throws
 * CancelledError. Other errors propagate.
 */
export async function runCells(settling: CellSettling, summary: () => unknown, generate: () => Promise<unknown>): Promise<void> {
  const { store, jobId, ctx, announce } = settling;
  try {
    await generate();
  } catch (error) {
    if (!(error instanceof CancelledError) && !ctx.signal.aborted) throw error;
  }
  if (ctx.signal.aborted) {
    for (const cell of store.cancelPending(jobId)) announce(cell);
    ctx.setResult(summary());
    throw new CancelledError();
  }
}
