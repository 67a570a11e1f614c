import { describe, expect, it } from 'vitest';
import { photoHeadLabel } from '../../../src/renderer/src/viewport/photoLabel';

describe('the viewport label over a photo', () => {
  it('says whether the head shows the saved edits or the estimator\'s codes', () => {
    expect(photoHeadLabel({ fileName: 'a.png', estimator: 'deca (deca_model.tar@1)', edited: true })).toBe('a.png · edited codes (saved in photo detail; estimated by deca (deca_model.tar@1))');
    expect(photoHeadLabel({ fileName: 'a.png', estimator: 'fit (1)', edited: false })).toBe('a.png · codes as estimated by fit (1)');
  });
});
