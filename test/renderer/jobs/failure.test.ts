import { describe, expect, it } from 'vitest';
import type { JobInfo } from '../../../src/common/contract';
import { failureReason, firstMoments, isNewFailure } from '../../../src/renderer/src/jobs/format';

const job = (state: JobInfo['state'], message: string) => ({ id: 1, kind: 'finetune', title: 't', state, progress: null, etaSeconds: null, message, createdAt: '', startedAt: null, finishedAt: null, result: null }) satisfies JobInfo;

describe('failureReason', () => {
  it('gives the reason without the "failed:" prefix, nothing for active or done jobs', () => {
    expect(failureReason(job('failed', 'failed: the weights of model 1 do not tell the image size'))).toBe('the weights of model 1 do not tell the image size');
    expect(failureReason(job('failed', ''))).toMatch(/log/);
    expect(failureReason(job('running', 'step 3'))).toBe('');
    expect(failureReason(job('done', 'done'))).toBe('');
  });
});

describe('firstMoments', () => {
  it('returns as soon as the job ends, or after the grace period while it still runs', async () => {
    const answers = [job('queued', ''), job('running', 'reading'), job('failed', 'failed: no album')];
    let calls = 0;
    const failed = await firstMoments(() => Promise.resolve(answers[Math.min(calls++, 2)]), 5000, 1);
    expect(failed.state).toBe('failed');
    expect(calls).toBe(3);
    const t = Date.now();
    const running = await firstMoments(() => Promise.resolve(job('running', 'step 1')), 50, 5);
    expect(running.state).toBe('running');
    expect(Date.now() - t).toBeGreaterThanOrEqual(45);
  });
});

describe('isNewFailure', () => {
  it('announces a failure once, when the job was last seen active or not at all', () => {
    expect(isNewFailure('running', { state: 'failed' })).toBe(true);
    expect(isNewFailure(undefined, { state: 'failed' })).toBe(true);
    expect(isNewFailure('failed', { state: 'failed' })).toBe(false);
    expect(isNewFailure('running', { state: 'done' })).toBe(false);
  });
});
