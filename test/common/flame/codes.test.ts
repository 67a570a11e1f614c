import { describe, expect, it } from 'vitest';
import { codeLayout, codeLength, codeLengths, packCode, splitCode, unpackCode } from '../../../src/common/flame/codes';

describe('FLAME codes', () => {
  it('pack into DECA\'s 236-value layout and unpack to the same codes, the camera replaced when given', () => {
    const codes = {
      shape: Array.from({ length: 100 }, (_, i) => i),
      expression: Array.from({ length: 50 }, (_, i) => 1000 + i),
      pose: [1, 2, 3, 4, 5, 6],
      camera: [9, 0.5, -0.25],
      light: Array.from({ length: 27 }, (_, i) => -i),
    };
    const code = packCode(codes);
    expect(code.length).toBe(codeLength);
    expect(Array.from(splitCode(code).tex)).toEqual(new Array(50).fill(0));
    expect(code[codeLayout.exp[0]]).toBe(1000);
    expect(Array.from(code.subarray(codeLayout.cam[0], codeLayout.cam[0] + 3))).toEqual([9, 0.5, -0.25]);
    expect(unpackCode(code)).toEqual(codes);
    expect(unpackCode(code, [7, 0, 0]).camera).toEqual([7, 0, 0]);
    expect(codeLengths).toEqual({ shape: 100, expression: 50, pose: 6, camera: 3, light: 27 });
  });

  it('cut longer parts to DECA\'s lengths and leave missing values zero', () => {
    const code = packCode({ shape: new Float64Array(300).fill(2), expression: [1], pose: [], camera: [1, 0, 0], light: [] });
    const parts = unpackCode(code);
    expect(parts.shape).toEqual(new Array(100).fill(2));
    expect(parts.expression).toEqual([1, ...new Array(49).fill(0)]);
    expect(parts.light).toEqual(new Array(27).fill(0));
  });
});
