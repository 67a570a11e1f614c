import { describe, expect, it } from 'vitest';
import { codesOnlySummary, codesTitle, codesTitleHint, emotionRows, estimatedSummary, estimatorNote, headMismatch, norm, outcomeText, reestimateLosses } from '../../../src/renderer/src/estimate/format';
import { codeSource } from '../../../src/common/contract/estimate';

describe('estimation UI text', () => {
  it('says what each per-photo problem is and what to do', () => {
    expect(outcomeText({ state: 'several-faces', reason: '3 faces found; choose one', faceBoxes: [[0, 0, 1, 1], [2, 2, 1, 1], [4, 4, 1, 1]] })).toEqual({ label: '3 faces', advice: 'choose the face to estimate' });
    expect(outcomeText({ state: 'no-face', reason: 'no face found', faceBoxes: [] }).label).toBe('No face found');
    expect(outcomeText({ state: 'face-too-small', reason: null, faceBoxes: [[0, 0, 5, 5]] }).advice).toMatch(/larger photo/);
    expect(outcomeText({ state: 'pending', reason: null, faceBoxes: [] }).advice).toMatch(/run the estimation again/);
  });

  it('counts estimates per estimator in words', () => {
    expect(estimatedSummary(0, 1, {})).toBe('0 of 1 photo estimated');
    expect(estimatedSummary(3, 5, { fit: 2, deca: 1, emoca: 0 })).toBe('3 of 5 photos estimated (landmark fitting 2, DECA 1)');
    expect(estimatedSummary(12, 12, { 'demo-ground-truth': 12 })).toBe('12 of 12 photos estimated (demo ground truth 12)');
  });

  it("orders emotions as the classifier does and marks the most likely one", () => {
    const rows = emotionRows({ neutral: 0.1, happy: 0.7, angry: 0.05, sad: 0.05, fear: 0.03, disgust: 0.02, surprise: 0.05 });
    expect(rows.map((r) => r.name)).toEqual(['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral']);
    expect(rows.filter((r) => r.top).map((r) => r.name)).toEqual(['happy']);
    expect(emotionRows({ happy: 0.5, contempt: 0.5 }).map((r) => r.name)).toEqual(['happy', 'contempt']);
  });

  it('counts photos whose codes come from elsewhere', () => {
    expect(codesOnlySummary({})).toBe('');
    expect(codesOnlySummary({ 'demo-ground-truth': 12 })).toBe('12 with known codes (demo ground truth 12)');
  });

  it('norm of the mean shape', () => {
    expect(norm([3, 4])).toBe(5);
    expect(norm([])).toBe(0);
  });
});

describe('fitted head vs the head shown', () => {
  const demo = { source: 'demo' as const, label: 'Demo head (not FLAME)' };
  const flame = { source: 'flame' as const, label: 'generic_model.pkl' };
  it('landmark fitting matches only the head it was fitted on', () => {
    expect(headMismatch('fit', 'landmark-fit-1/Demo head (not FLAME)', demo)).toBeNull();
    expect(headMismatch('fit', 'landmark-fit-1/Demo head (not FLAME)', flame)).toMatch(/fitted on Demo head \(not FLAME\), but the head shown is generic_model\.pkl/);
    expect(headMismatch('fit', 'landmark-fit-1/generic_model.pkl', flame)).toBeNull();
  });
  it('DECA / EMOCA codes need FLAME', () => {
    expect(headMismatch('deca', 'deca_model.tar@abc', flame)).toBeNull();
    expect(headMismatch('emoca', 'e.ckpt@1+cfg.yaml@2', demo)).toMatch(/^EMOCA codes are FLAME codes/);
    expect(headMismatch('demo-ground-truth', 'demo-scenes-1', demo)).toBeNull();
  });
});

describe('reestimateLosses', () => {
  it('names the demo ground truth, the estimates by source and the saved code edits, with counts', () => {
    const lines = reestimateLosses({ estimatedCount: 3, byEstimator: { fit: 2, deca: 1 }, codesOnly: { 'demo-ground-truth': 12 }, editedCount: 1 });
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/ground-truth codes of 12 photos/);
    expect(lines[1]).toBe('3 current estimates (landmark fitting 2, DECA 1)');
    expect(lines[2]).toMatch(/saved code edits on 1 photo /);
    expect(reestimateLosses({ estimatedCount: 0, byEstimator: {}, codesOnly: {}, editedCount: 0 })).toEqual([]);
    expect(reestimateLosses({ estimatedCount: 12, byEstimator: { 'demo-ground-truth': 12 }, codesOnly: {}, editedCount: 0 })).toEqual([expect.stringMatching(/12 photos/)]);
  });
  it('says the estimator note is about new estimates', () => {
    expect(estimatorNote('Landmark fitting on the demo head (not FLAME)', true)).toBe('New estimates: Landmark fitting on the demo head (not FLAME)');
    expect(estimatorNote('DECA', false)).toMatch(/cannot run/);
  });
});

describe('codesTitle', () => {
  it('names codes by what made them and for which head', () => {
    expect(codesTitle({ 'demo-head-fit': 18 })).toBe('Demo-head fit codes (not FLAME)');
    expect(codesTitle({ 'flame-fit': 18 })).toBe('FLAME fit codes');
    expect(codesTitle({ deca: 5 })).toBe('DECA codes');
    expect(codesTitle({ emoca: 5, deca: 0 })).toBe('EMOCA codes');
    expect(codesTitle({ 'demo-ground-truth': 12 })).toBe('Demo ground-truth codes (demo head, not FLAME)');
    expect(codesTitle({ 'my-tracker': 2 })).toBe('my tracker codes');
    expect(codesTitle({})).toBe('Codes');
  });

  it('lists a mix with counts, most first, and says when some are the demo head’s', () => {
    expect(codesTitle({ deca: 3, 'demo-head-fit': 9 })).toBe('Codes: demo-head fit 9, DECA 3 (demo head ones not FLAME)');
    expect(codesTitle({ deca: 3, emoca: 4 })).toBe('Codes: EMOCA 4, DECA 3');
    expect(codesTitleHint({ deca: 3, 'demo-head-fit': 9 })).toMatch(/demo head, not FLAME/);
    expect(codesTitleHint({ emoca: 4 })).not.toMatch(/demo head/);
  });

  it('tells a fit of the demo head from a fit of a FLAME model by the head in its version', () => {
    expect(codeSource('fit', 'landmark-fit-1/Demo head (not FLAME)')).toBe('demo-head-fit');
    expect(codeSource('fit', 'landmark-fit-1/generic_model.pkl')).toBe('flame-fit');
    expect(codeSource('deca', 'deca-1.0')).toBe('deca');
    expect(codeSource('demo-ground-truth', 'demo-1')).toBe('demo-ground-truth');
  });
});
