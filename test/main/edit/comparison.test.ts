import { describe, expect, it } from 'vitest';
import type { EditResultInfo, EditScores } from '../../../src/common/contract/edit';
import { comparisonCsv, comparisonRows, comparisonSvg, jobComparison } from '../../../src/main/edit/comparison';

/** A stored result with only what the comparison reads. */
function result(model: string, sampler: { method?: 'ddim' | 'dpm++'; steps: number }, totalMs: number, scores: Partial<EditScores> | null): EditResultInfo {
  return {
    provenance: { model: { id: model === 'A' ? 1 : 2, name: model, sha256: `sha-${model}`, kind: 'base' }, sampler: { eta: 0, seed: 0, clip: true, inversion: true, ...sampler }, timing: { totalMs } },
    scores: scores ? { identity: null, emotion: null, landmarkError: null, notes: [], ...scores } : null,
  } as unknown as EditResultInfo;
}

describe('a job\'s comparison per model and sampler', () => {
  const results = [
    result('A', { steps: 20 }, 1000, { expressionError: 0.1, identity: 0.9, sharpness: 10 }),
    result('A', { method: 'dpm++', steps: 10 }, 500, { expressionError: 0.3, identity: 0.8 }),
    result('A', { steps: 20 }, 3000, { expressionError: 0.3, identity: 0.7, sharpness: 30 }),
    result('B', { steps: 20 }, 2000, null),
  ];

  it('groups by model and sampler in first-seen order: mean, sample sd and count of every measure, seconds per edit', () => {
    const rows = comparisonRows(results);
    expect(rows.map((r) => [r.model, r.sampler, r.steps, r.results])).toEqual([['A', 'ddim', 20, 2], ['A', 'dpm++', 10, 1], ['B', 'ddim', 20, 1]]);
    expect(rows[0].measures.expressionError).toEqual({ mean: 0.2, sd: expect.closeTo(Math.SQRT2 * 0.1, 12), n: 2 });
    expect(rows[0].measures.sharpness).toEqual({ mean: 20, sd: expect.closeTo(Math.SQRT2 * 10, 12), n: 2 });
    expect(rows[0].measures.landmarkError).toBeNull();
    expect(rows[0].secondsPerEdit).toEqual({ mean: 2, sd: expect.closeTo(Math.SQRT2, 12), n: 2 });
    expect(rows[1].measures.identity).toEqual({ mean: 0.8, sd: 0, n: 1 });
    expect(rows[2].measures.identity).toBeNull();
  });

  it('writes the table as CSV and the plot as SVG with a panel per measure and a legend line per row', () => {
    const rows = comparisonRows(results);
    const csv = comparisonCsv(rows).trim().split('\n');
    expect(csv).toHaveLength(4);
    expect(csv[0]).toMatch(/^model,sampler,steps,results,secondsPerEditMean,secondsPerEditSd,expressionErrorMean,expressionErrorSd,expressionErrorN,/);
    expect(csv[1]).toMatch(/^"A",ddim,20,2,2,1\.414214,0\.2,0\.141421,2,/);
    const svg = comparisonSvg(rows);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg.match(/<rect x="\d+" y="\d+" width="180" height="120"/g)).toHaveLength(8);
    for (const label of ['A · ddim 20 — 2 results', 'A · dpm++ 10 — 1 result', 'B · ddim 20 — 1 result', 'expression error (lower is better)', 'seconds per edit']) expect(svg).toContain(label);
    expect(svg).toContain('not measured'); // landmark error: no result has it
    expect(jobComparison(results)).toEqual({ rows, csv: comparisonCsv(rows), svg });
    expect(jobComparison([])).toMatchObject({ rows: [] });
  });
});
