import { describe, expect, it, vi } from 'vitest';
import { codesFromContract, codesToContract, framingCamera, neutralCodes, RigStore } from '../../../src/renderer/src/viewport/rig/rigStore';

describe('RigStore', () => {
  it('bumps the version and tells listeners on every edit, without React', () => {
    const store = new RigStore();
    const changed = vi.fn();
    store.onChange(changed);
    const before = store.version;
    store.set('expression', 3, 1.5);
    expect(store.codes.expression[3]).toBe(1.5);
    expect(store.version).toBe(before + 1);
    expect(changed).toHaveBeenCalledTimes(1);
  });

  it('keeps yaw/pitch/roll and the global axis-angle in step', () => {
    const store = new RigStore();
    store.setAngles({ yaw: 20 });
    expect(store.codes.pose[1]).toBeCloseTo((20 * Math.PI) / 180, 6);
    store.setAngles({ yaw: 0 });
    store.set('pose', 0, 0.3);
    expect(store.angles.pitch).toBeCloseTo((0.3 * 180) / Math.PI, 3);
    expect(store.angles.yaw).toBeCloseTo(0, 6);
  });

  it('reset returns to the last loaded codes and tells sliders to re-read', () => {
    const loaded = neutralCodes();
    loaded.expression[0] = 2;
    const store = new RigStore();
    const replaced = vi.fn();
    store.onReplace(replaced);
    store.replace(loaded);
    store.set('expression', 0, -1);
    store.set('pose', 3, 0.2);
    store.reset();
    expect(store.codes.expression[0]).toBe(2);
    expect(store.codes.pose[3]).toBe(0);
    expect(replaced).toHaveBeenCalledTimes(2);
    // The baseline is a copy: editing live codes never changes what reset restores.
    store.set('expression', 0, 5);
    store.reset();
    expect(store.codes.expression[0]).toBe(2);
  });

  it('rejects out-of-range edits and oversized codes', () => {
    const store = new RigStore();
    expect(() => store.set('pose', 6, 1)).toThrow(/pose\[6\]/);
    const codes = codesToContract(neutralCodes());
    codes.expression = new Array(51).fill(0);
    expect(() => codesFromContract(codes)).toThrow(/expression has 51 values/);
  });

  it('pads short codes and round-trips through the contract form', () => {
    const codes = codesToContract(neutralCodes());
    codes.shape = [1, 2, 3];
    const rig = codesFromContract(codes);
    expect(rig.shape.length).toBe(100);
    expect(Array.from(rig.shape.slice(0, 4))).toEqual([1, 2, 3, 0]);
    expect(codesToContract(rig).camera).toEqual([9, 0, 0]);
  });
});

describe('framingCamera', () => {
  it("centres the template's box and fits its larger side to 1.7 of DECA's square", () => {
    const [s, tx, ty] = framingCamera([0, 0, 0, 0.2, 0.3, 1, -0.2, 0.1, -1]);
    expect(s).toBeCloseTo(1.7 / 0.4, 5);
    expect(tx).toBeCloseTo(0, 6);
    expect(ty).toBeCloseTo(-0.15, 6);
    // Through DECA's camera the box spans [-0.85, 0.85] horizontally.
    expect(s * (0.2 + tx)).toBeCloseTo(0.85, 5);
  });
});

describe('geometry versions', () => {
  it('light edits re-shade without re-skinning; pose, expression and replace re-skin', () => {
    const store = new RigStore();
    const geometry = store.geometryVersion;
    store.set('light', 3, 0.5);
    store.codes.light[4] = 0.1;
    store.changed();
    expect(store.geometryVersion).toBe(geometry);
    store.set('expression', 0, 1);
    expect(store.geometryVersion).toBe(geometry + 1);
    store.setAngles({ roll: 5 });
    expect(store.geometryVersion).toBe(geometry + 2);
    store.reset();
    expect(store.geometryVersion).toBe(geometry + 3);
  });
});
