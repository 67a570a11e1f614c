import { describe, expect, it } from 'vitest';
import type { EngineSession, JobInfo } from '../../../src/common/contract';
import {
  describeSession,
  fileName,
  fileWarning,
  formatBytes,
  formatCount,
  formatOrder,
  importedModelId,
  importJobs,
  lineageRows,
  orderSourceText,
  shortReason,
} from '../../../src/renderer/src/models/format';

const job = (id: number, patch: Partial<JobInfo> = {}): JobInfo => ({
  id,
  kind: 'model-import',
  title: `Import model ${id}`,
  state: 'running',
  progress: 0.5,
  etaSeconds: null,
  message: '',
  createdAt: '2026-01-01T00:00:00Z',
  startedAt: null,
  finishedAt: null,
  result: null,
  ...patch,
});

const session = (patch: Partial<EngineSession> = {}): EngineSession => ({
  model: 'edit-model-ab12-unet',
  provider: 'cpu',
  skipped: [],
  float16: false,
  intraOpThreads: null,
  at: '2026-01-01T00:00:00Z',
  ...patch,
});

describe('model formatting', () => {
  it('writes parameter counts and sizes the way the table shows them', () => {
    expect(formatCount(11_209_344)).toBe('11.2 M');
    expect(formatCount(144_610_179)).toBe('144.6 M');
    expect(formatCount(1_500)).toBe('1.5 k');
    expect(formatCount(12)).toBe('12');
    expect(formatBytes(50_939_909)).toBe('48.6 MiB');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(3 * 1024 ** 3)).toBe('3.0 GiB');
  });

  it('warns about a missing or changed checkpoint file with its path, and says nothing when it is fine', () => {
    expect(fileWarning({ fileStatus: 'missing', filePath: '/data/model.pt' })).toMatch(/gone: \/data\/model\.pt/);
    expect(fileWarning({ fileStatus: 'changed', filePath: '/data/model.pt' })).toMatch(/changed since it was imported: \/data\/model\.pt/);
    expect(fileWarning({ fileStatus: 'ok', filePath: '/data/model.pt' })).toBeNull();
  });

  it('lists lineage entries in order, nested values as JSON, long arrays shortened', () => {
    expect(lineageRows(null)).toEqual([]);
    expect(lineageRows({ album: 'Ada', steps: 5000, settings: { lr: 1e-5, batch: 4 }, photoIds: [4, 5, 6] })).toEqual([
      ['album', 'Ada'],
      ['steps', '5000'],
      ['settings', '{"lr":0.00001,"batch":4}'],
      ['photoIds', '[4,5,6]'],
    ]);
    const meanShape = Array.from({ length: 100 }, (_, i) => i / 3);
    expect(lineageRows({ meanShape, photoIds: [11, 12, 13, 14, 15, 16, 17] })).toEqual([
      ['meanShape', '100 values (0, 0.3333, 0.6667, …)'],
      ['photoIds', '7 values (11, 12, 13, …)'],
    ]);
  });

  it('names the file at the end of either kind of path', () => {
    expect(fileName('/a/b/model000000.pt')).toBe('model000000.pt');
    expect(fileName('C:\\ckpt\\model.safetensors')).toBe('model.safetensors');
  });
});

describe('engine formatting', () => {
  it('says which provider ran, what was skipped, and when nothing could run', () => {
    expect(describeSession(null)).toMatch(/No model has run/);
    expect(describeSession(session({ skipped: [{ provider: 'cuda', reason: 'x' }, { provider: 'dml', reason: 'y' }] }))).toBe('cpu — skipped cuda, dml');
    expect(describeSession(session({ provider: 'cuda', float16: true }))).toBe('cuda, float16');
    expect(describeSession(session({ provider: null, skipped: [{ provider: 'coreml', reason: 'absent' }] }))).toBe('No provider could run edit-model-ab12-unet (tried coreml).');
  });

  it('shows the order with where it comes from, and a rejected RIG_STUDIO_PROVIDERS', () => {
    expect(formatOrder(['cuda', 'dml', 'coreml', 'cpu'])).toBe('cuda → dml → coreml → cpu');
    expect(orderSourceText({ orderSource: 'environment', orderError: null })).toBe('set by RIG_STUDIO_PROVIDERS');
    expect(orderSourceText({ orderSource: 'default', orderError: null })).toMatch(/^default/);
    expect(orderSourceText({ orderSource: 'default', orderError: "unknown execution provider 'tpu'" })).toBe("unknown execution provider 'tpu' — using the default order");
  });

  it('keeps the first line of long provider errors', () => {
    expect(shortReason('\nFailed to load libcudart.so\n  at frame 1')).toBe('Failed to load libcudart.so');
    expect(shortReason('x'.repeat(300))).toHaveLength(240);
  });
});

describe('import jobs', () => {
  it('picks this view’s model-import jobs, newest first, and the model a finished one registered', () => {
    const jobs = [job(3), job(5, { kind: 'import' }), job(7, { state: 'done', result: { model: { id: 12 }, created: true } }), job(9)];
    expect(importJobs(jobs, new Set([3, 5, 7])).map((j) => j.id)).toEqual([7, 3]);
    expect(importedModelId(jobs[2])).toBe(12);
    expect(importedModelId(jobs[0])).toBeNull();
    expect(importedModelId(job(8, { state: 'failed', result: null }))).toBeNull();
  });
});
