import { describe, expect, it } from 'vitest';
import type { EditJobView, EditResultInfo } from '../../../src/common/contract';
import { defaultSetup, loadSetup, saveSetup, setupFromJob } from '../../../src/renderer/src/edit/setupStore';

const view = (patch: Partial<EditJobView>): EditJobView => ({ jobId: 7, title: 'Edit', state: 'done', sourcePhotoIds: [1, 2], targetPhotoIds: [3, 4], modes: ['exp'], runs: [], cells: [], results: [], ...patch });

describe('edit setup store', () => {
  it('keeps the setup per project', () => {
    saveSetup('/p1', { ...defaultSetup, sources: [5], lastJobId: 3 });
    expect(loadSetup('/p1')).toMatchObject({ sources: [5], lastJobId: 3 });
    expect(loadSetup('/p2')).toMatchObject({ sources: [], lastJobId: null });
  });

  it('restores a job’s sources, targets, modes, model and sampler', () => {
    const provenance = { model: { id: 9, name: 'm', sha256: 'x', kind: 'base' }, sampler: { steps: 5, eta: 0, seed: 3, clip: true, inversion: false }, meanShape: false } as unknown as EditResultInfo['provenance'];
    const restored = setupFromJob(defaultSetup, view({ modes: ['exp', 'pose', 'exp+pose'], results: [{ provenance } as EditResultInfo] }), { source: 11, target: 12 });
    expect(restored).toMatchObject({ sources: [1, 2], targets: [3, 4], modes: ['exp', 'pose'], combined: true, modelId: 9, meanShape: false, sourceAlbum: 11, targetAlbum: 12, lastJobId: 7 });
    expect(restored.sampler).toEqual({ steps: 5, eta: 0, seed: 3, clip: true, inversion: false });
  });

  it('restores the model runs of a job over several models and samplers', () => {
    const sampler = { method: 'ddim' as const, steps: 4, eta: 0, seed: 2, clip: true, inversion: true };
    const runs = [
      { modelId: 3, model: 'a', sampler, label: 'a · DDIM 4' },
      { modelId: 3, model: 'a', sampler: { ...sampler, method: 'dpm++' as const, steps: 6 }, label: 'a · DPM-Solver++ 6' },
      { modelId: 5, model: 'b', sampler, label: 'b · DDIM 4' },
    ];
    const restored = setupFromJob({ ...defaultSetup, extraRuns: [{ modelId: 1, method: 'ddim', steps: 9 }] }, view({ runs }), { source: null, target: null });
    expect(restored).toMatchObject({ modelId: 3, sampler, extraRuns: [{ modelId: 3, method: 'dpm++', steps: 6 }, { modelId: 5, method: 'ddim', steps: 4 }] });
  });

  it('keeps the current model and sampler when the job has no result to tell them', () => {
    const current = { ...defaultSetup, modelId: 2, sampler: { ...defaultSetup.sampler, steps: 9 } };
    const restored = setupFromJob(current, view({ modes: ['light+pose'] }), { source: null, target: null });
    expect(restored).toMatchObject({ modelId: 2, modes: ['light', 'pose'], combined: true });
    expect(restored.sampler.steps).toBe(9);
  });
});
