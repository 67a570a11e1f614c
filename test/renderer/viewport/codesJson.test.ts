import { describe, expect, it } from 'vitest';
import { codesFromJson, codesToJson } from '../../../src/renderer/src/viewport/rig/codesJson';
import { codesFromContract, codesToContract, neutralCodes } from '../../../src/renderer/src/viewport/rig/rigStore';

describe('codes as JSON', () => {
  const base = codesToContract(neutralCodes());

  it('reads DECA names, pads short codes, keeps parts not given and takes nested light', () => {
    const light = Array.from({ length: 9 }, (_, k) => [k, k, k]);
    const codes = codesFromJson(JSON.stringify({ exp: [0.5, -1], pose: [0, 0.3, 0, 0.1, 0, 0], light }), base);
    expect(codes.expression.slice(0, 3)).toEqual([0.5, -1, 0]);
    expect(codes.expression.length).toBe(50);
    expect(codes.pose[1]).toBe(0.3);
    expect(codes.light[26]).toBe(8);
    expect(codes.camera).toEqual(base.camera);
  });

  it('round-trips the rig codes', () => {
    const rig = neutralCodes();
    rig.expression[4] = 1.25;
    rig.pose[3] = 0.2;
    const back = codesFromContract(codesFromJson(codesToJson(rig), base));
    expect(back.expression[4]).toBeCloseTo(1.25, 6);
    expect(back.pose[3]).toBeCloseTo(0.2, 6);
    expect(Array.from(back.light)).toEqual(Array.from(rig.light));
  });

  it('says what is wrong', () => {
    expect(() => codesFromJson('{exp: [1]}', base)).toThrow(/not valid JSON/);
    expect(() => codesFromJson('[1, 2]', base)).toThrow(/expected a JSON object/);
    expect(() => codesFromJson('{"expr": [1]}', base)).toThrow("unknown key 'expr'");
    expect(() => codesFromJson('{"exp": [1, "a"]}', base)).toThrow("'exp' must be a list of numbers");
    expect(() => codesFromJson(JSON.stringify({ exp: new Array(51).fill(0) }), base)).toThrow("'exp' has 51 values; expected up to 50");
    expect(() => codesFromJson('{"cam": [9, 0]}', base)).toThrow("'cam' has 2 values; expected 3");
    expect(() => codesFromJson('{}', base)).toThrow(/no codes given/);
  });
});
