import { describe, expect, it } from 'vitest';
import { defaultSampler, parseSamplerSpec, samplerLabel, samplerSchema } from '../../src/common/contract/edit';
import { pairRuns, samplerFlags } from '../../src/main/cli/commands/transfer';

describe('sampler settings', () => {
  it('parses NAME:STEPS specs and says what is wrong with a bad one', () => {
    expect(parseSamplerSpec('ddim:20')).toEqual({ method: 'ddim', steps: 20 });
    expect(parseSamplerSpec('dpm++:10')).toEqual({ method: 'dpm++', steps: 10 });
    expect(parseSamplerSpec('DPM-Solver++:30')).toEqual({ method: 'dpm++', steps: 30 });
    expect(parseSamplerSpec('ddpm:10')).toMatch(/'ddpm:10' is not a sampler: give NAME:STEPS with NAME ddim or dpm\+\+/);
    expect(parseSamplerSpec('dpm++:1')).toMatch(/at least 2 steps/);
    expect(parseSamplerSpec('ddim:0')).toMatch(/from 1 to 1000/);
  });

  it('labels samplers, and reads settings without a method (older results) as DDIM', () => {
    expect(samplerLabel(defaultSampler)).toBe('DDIM 20');
    expect(samplerLabel({ method: 'dpm++', steps: 10 })).toBe('DPM-Solver++ 10');
    expect(samplerLabel({ steps: 5 })).toBe('DDIM 5');
    expect(samplerSchema.parse({ steps: 5 }).method).toBeUndefined();
    expect(() => samplerSchema.parse({ method: 'dpm++', steps: 10, eta: 0.3 })).toThrow(/DPM-Solver\+\+ is deterministic/);
  });

  it('the CLI takes --sampler, or --steps alone as DDIM, never both', () => {
    expect(samplerFlags({ sampler: 'dpm++:10' })).toEqual([{ method: 'dpm++', steps: 10 }]);
    expect(samplerFlags({ sampler: ['ddim:20', 'dpm++:10'] })).toEqual([{ method: 'ddim', steps: 20 }, { method: 'dpm++', steps: 10 }]);
    expect(samplerFlags({ steps: '7' })).toEqual([{ method: 'ddim', steps: 7 }]);
    expect(samplerFlags({})).toEqual([{ method: 'ddim', steps: 20 }]);
    expect(() => samplerFlags({ sampler: 'dpm++:10', steps: '5' })).toThrow(/not also --steps/);
    expect(() => samplerFlags({ sampler: ['ddim:4', 'euler:10'] })).toThrow(/--sampler: 'euler:10' is not a sampler/);
  });

  it('pairs --model and --sampler in order; one of either goes with every one of the other', () => {
    const ddim = { method: 'ddim' as const, steps: 20 };
    const dpm = { method: 'dpm++' as const, steps: 10 };
    expect(pairRuns(['A', 'B'], [ddim, dpm])).toEqual([{ model: 'A', sampler: ddim }, { model: 'B', sampler: dpm }]);
    expect(pairRuns(['A'], [ddim, dpm])).toEqual([{ model: 'A', sampler: ddim }, { model: 'A', sampler: dpm }]);
    expect(pairRuns(['A', 'B'], [dpm])).toEqual([{ model: 'A', sampler: dpm }, { model: 'B', sampler: dpm }]);
    expect(() => pairRuns(['A', 'B', 'C'], [ddim, dpm])).toThrow(/3 --model and 2 --sampler: give one --sampler per --model/);
  });
});
