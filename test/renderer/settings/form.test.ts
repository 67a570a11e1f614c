import { describe, expect, it } from 'vitest';
import type { AssetCheck } from '../../../src/common/contract';
import { checkBadge, checksHeadline, checkTone, choiceFromForm, formFromChoice, pathOrNull, sameChoice } from '../../../src/renderer/src/settings/form';

const check = (patch: Partial<AssetCheck>): AssetCheck => ({ name: 'x', path: null, status: 'ok', neededFor: 'y', required: true, message: '', ...patch });

describe('Settings estimator form', () => {
  it('round-trips every saved choice through the form', () => {
    for (const choice of [{ kind: 'fit' }, { kind: 'deca', checkpoint: '/m/deca_model.tar' }, { kind: 'emoca', checkpoint: '/m/e.ckpt', config: '/m/cfg.yaml' }] as const) {
      expect(choiceFromForm(formFromChoice(choice))).toEqual({ choice });
    }
  });

  it('says which path is still missing instead of sending an empty one, and trims what is typed', () => {
    const form = formFromChoice({ kind: 'fit' });
    expect(choiceFromForm({ ...form, kind: 'deca' })).toEqual({ missing: expect.stringContaining('deca_model.tar') });
    expect(choiceFromForm({ ...form, kind: 'emoca', emocaCheckpoint: '/e.ckpt' })).toEqual({ missing: expect.stringContaining('cfg.yaml') });
    expect(choiceFromForm({ ...form, kind: 'emoca', emocaConfig: '/cfg.yaml', emocaCheckpoint: '  ' })).toEqual({ missing: expect.stringContaining('.ckpt') });
    expect(choiceFromForm({ ...form, kind: 'deca', decaCheckpoint: '  /m/deca_model.tar ' })).toEqual({ choice: { kind: 'deca', checkpoint: '/m/deca_model.tar' } });
    // switching kinds keeps what was typed for the other kind
    expect(choiceFromForm({ ...form, kind: 'fit', decaCheckpoint: '/m/deca_model.tar' })).toEqual({ choice: { kind: 'fit' } });
  });

  it('tells a saved choice from a changed one', () => {
    expect(sameChoice({ kind: 'deca', checkpoint: '/a' }, { kind: 'deca', checkpoint: '/a' })).toBe(true);
    expect(sameChoice({ kind: 'deca', checkpoint: '/a' }, { kind: 'deca', checkpoint: '/b' })).toBe(false);
    expect(sameChoice({ kind: 'fit' }, { kind: 'deca', checkpoint: '/a' })).toBe(false);
  });

  it('treats a blank FLAME path as not set', () => {
    expect(pathOrNull('   ')).toBeNull();
    expect(pathOrNull(' /f/generic_model.pkl ')).toBe('/f/generic_model.pkl');
  });
});

describe('asset check display', () => {
  it('an absent optional file is not a problem; a missing required or an invalid optional one is', () => {
    expect(checkTone(check({ status: 'ok' }))).toBe('ok');
    expect(checkTone(check({ status: 'absent', required: false }))).toBe('absent');
    expect(checkTone(check({ status: 'missing', required: true }))).toBe('problem');
    expect(checkTone(check({ status: 'invalid', required: false }))).toBe('problem');
  });

  it('the headline counts problems and names the required ones', () => {
    expect(checksHeadline([check({}), check({ status: 'absent', required: false })])).toBe('Everything needed is there.');
    expect(checksHeadline([check({ name: 'FLAME model', status: 'invalid' }), check({ name: 'tex', status: 'invalid', required: false })])).toBe('2 problems (FLAME model): see below.');
  });
});

describe('asset checks while the demo head is in use', () => {
  const unset = (name: string): AssetCheck => ({ name, path: null, status: 'missing', neededFor: 'x', required: true, message: 'not set' });
  it('marks files that were not given as optional, not as problems', () => {
    const checks = [unset('FLAME model'), unset('DECA data folder')];
    expect(checkTone(checks[0], true)).toBe('absent');
    expect(checkBadge(checks[0], true)).toBe('not set (optional)');
    expect(checksHeadline(checks, true)).toMatch(/Nothing is needed while the demo head is in use/);
    // once the researcher gives FLAME files, the same checks are problems again
    expect(checkTone(checks[0])).toBe('problem');
    expect(checksHeadline(checks)).toBe('2 problems (FLAME model, DECA data folder): see below.');
    // a path that was given and is wrong is a problem either way
    expect(checkTone({ ...checks[0], path: '/x.pkl' }, true)).toBe('problem');
    expect(checkBadge({ ...checks[0], path: '/x.pkl' }, true)).toBe('missing');
  });
});
