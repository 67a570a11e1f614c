import { describe, expect, it } from 'vitest';
import type { JobInfo } from '../../../src/common/contract';
import { formatEta, isActive, mergeJob, overallProgress } from '../../../src/renderer/src/jobs/format';

function job(id: number, state: JobInfo['state'], progress: number | null = null): JobInfo {
  return { id, kind: 'import', title: `job ${id}`, state, progress, etaSeconds: null, message: '', createdAt: '', startedAt: null, finishedAt: null, result: null };
}

describe('jobs formatting', () => {
  it('formats time left at a useful precision', () => {
    expect(formatEta(null)).toBe('');
    expect(formatEta(Number.NaN)).toBe('');
    expect(formatEta(42.4)).toBe('42 s left');
    expect(formatEta(200)).toBe('3 min 20 s left');
    expect(formatEta(180)).toBe('3 min left');
    expect(formatEta(2 * 3600 + 5 * 60 + 10)).toBe('2 h 5 min left');
  });

  it('merges an update in place of the older copy, newest job first', () => {
    const list = [job(3, 'running', 0.1), job(1, 'done')];
    const merged = mergeJob(list, job(3, 'done', 1));
    expect(merged.map((j) => [j.id, j.state])).toEqual([
      [3, 'done'],
      [1, 'done'],
    ]);
    expect(mergeJob(list, job(2, 'queued')).map((j) => j.id)).toEqual([3, 2, 1]);
  });

  it('counts queued and running jobs as active and averages their known progress', () => {
    expect(isActive(job(1, 'queued'))).toBe(true);
    expect(isActive(job(1, 'interrupted'))).toBe(false);
    expect(overallProgress([job(1, 'running', 0.2), job(2, 'running', 0.6), job(3, 'done', 1), job(4, 'running')])).toBeCloseTo(0.4);
    expect(overallProgress([job(1, 'done', 1)])).toBeNull();
  });
});
