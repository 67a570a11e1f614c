import { describe, expect, it } from 'vitest';
import { codeLayout, codeLength } from '../../../src/common/flame/codes';
import { faceConditionValues, trainedMeanShape } from '../../../src/main/edit/faceCondition';

const v2 = { shapeDim: 100, identityDim: 150 };
const packed = Float32Array.from({ length: codeLength }, (_, i) => i);
const own = Array.from({ length: 100 }, (_, i) => -i);

describe('DiffusionRig-EMO v2 condition of a source', () => {
  it('shape is the source β, identity is [shape, the albedo code of the estimate]', () => {
    const values = faceConditionValues(v2, { what: 'photo 3', shape: own, estimator: 'emoca', packedCode: packed }, null);
    expect(values.shape).toEqual(own);
    expect(values.identity).toEqual([...own, ...Array.from({ length: 50 }, (_, i) => codeLayout.tex[0] + i)]);
  });

  it('a model fine-tuned with the album mean shape gets that shape, in identity too', () => {
    const mean = Array.from({ length: 100 }, () => 0.5);
    expect(trainedMeanShape({ meanShape: mean, albumId: 2 })).toEqual(mean);
    expect(trainedMeanShape({ imageSize: 64 })).toBeNull();
    const values = faceConditionValues(v2, { what: 'photo 3', shape: own, estimator: 'deca', packedCode: packed }, mean);
    expect(values.shape).toEqual(mean);
    expect(values.identity.slice(0, 100)).toEqual(mean);
  });

  it('refuses a landmark-fitted photo and one without an estimator record, saying why', () => {
    expect(() => faceConditionValues(v2, { what: 'photo 7', shape: own, estimator: 'fit', packedCode: packed }, null)).toThrow(/photo 7: its codes come from landmark fitting, which estimates no albedo code/);
    expect(() => faceConditionValues(v2, { what: 'photo 8', shape: own, estimator: null, packedCode: null }, null)).toThrow(/photo 8 has no estimator record with an albedo code/);
    expect(() => faceConditionValues({ shapeDim: 100, identityDim: 120 }, { what: 'photo 9', shape: own, estimator: 'deca', packedCode: packed }, null)).toThrow(/identity condition has 120 values/);
  });
});
