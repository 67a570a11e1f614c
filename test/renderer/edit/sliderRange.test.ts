import { describe, expect, it } from 'vitest';
import { rangeHolding } from '../../../src/renderer/src/components/sliderRange';
import { shownRange, sliders } from '../../../src/renderer/src/edit/sliderTable';
import type { FlameCodes } from '../../../src/common/flame/codes';
import { axisAngleFromEuler } from '../../../src/common/flame/rotation';
import { axisAngleToAngles } from '../../../src/renderer/src/viewport/rig/rotation';

const codes = (fill: (part: keyof FlameCodes, i: number) => number): FlameCodes => ({
  shape: Array.from({ length: 100 }, (_, i) => fill('shape', i)),
  expression: Array.from({ length: 50 }, (_, i) => fill('expression', i)),
  pose: Array.from({ length: 6 }, (_, i) => fill('pose', i)),
  camera: [8, 0, 0],
  light: Array.from({ length: 27 }, (_, i) => fill('light', i)),
});

describe('slider ranges hold every value the codes give', () => {
  it('widens the nominal range to the values, never narrows it, ignores non-finite values', () => {
    expect(rangeHolding(-3, 3, 0.5)).toEqual([-3, 3]);
    expect(rangeHolding(-3, 3, -3.52, 4)).toEqual([-3.52, 4]);
    expect(rangeHolding(0, 0.6, -0.12)).toEqual([-0.12, 0.6]);
    expect(rangeHolding(-1, 1, Number.NaN, Number.POSITIVE_INFINITY)).toEqual([-1, 1]);
  });

  it('Slider edit: each slider’s range holds the edited value and the photo’s own, in shown units', () => {
    // values beyond every nominal range (an old fit's ±3.5 expression, a jaw closed past rest and swung and twisted,
    // a head tilted back 60°, a bright light), and the photo's own codes on the other side
    const edited = codes((part, i) => (part === 'pose' ? (i < 3 ? -1.05 : -0.25) : part === 'light' ? 2.4 : -3.52));
    const original = codes((part, i) => (part === 'pose' ? (i < 3 ? 1.2 : 0.9) : part === 'light' ? -2 : 4.1));
    // the head turned, nodded and tilted past ±45° each way (yaw, pitch, roll in radians)
    [edited.pose[0], edited.pose[1], edited.pose[2]] = axisAngleFromEuler(-1.0, -1.0, -1.0);
    [original.pose[0], original.pose[1], original.pose[2]] = axisAngleFromEuler(1.1, 1.1, 1.1);
    for (const slider of sliders) {
      const [min, max] = shownRange(slider, edited, original);
      const scale = slider.scale ?? 1;
      for (const value of [slider.get(edited) * scale, slider.get(original) * scale]) {
        expect(value, slider.label).toBeGreaterThanOrEqual(min);
        expect(value, slider.label).toBeLessThanOrEqual(max);
      }
      expect(min).toBeLessThan(slider.min);
      expect(max).toBeGreaterThan(slider.max);
    }
    // values inside keep the nominal range
    const quiet = codes(() => 0.01);
    for (const slider of sliders) expect(shownRange(slider, quiet, quiet)).toEqual([slider.min, slider.max]);
  });

  it('Slider edit: pitch, yaw and roll are the 3D view’s angles, and moving one keeps the other two', () => {
    const slider = (label: string) => sliders.find((s) => s.label === label)!;
    const c = codes(() => 0);
    [c.pose[0], c.pose[1], c.pose[2]] = axisAngleFromEuler(0.5, -0.3, 0.2);
    const view = axisAngleToAngles(c.pose);
    const shown = (label: string) => slider(label).get(c) * slider(label).scale!;
    expect(shown('Yaw')).toBeCloseTo(view.yaw, 6);
    expect(shown('Pitch')).toBeCloseTo(view.pitch, 6);
    expect(shown('Roll')).toBeCloseTo(view.roll, 6);
    // the raw axis-angle parts differ from these angles when rotations combine
    expect(Math.abs(c.pose[0] * slider('Pitch').scale! - view.pitch)).toBeGreaterThan(1);
    slider('Pitch').set(c, 0.4);
    const after = axisAngleToAngles(c.pose);
    expect(after.pitch).toBeCloseTo(0.4 * slider('Pitch').scale!, 6);
    expect(after.yaw).toBeCloseTo(view.yaw, 6);
    expect(after.roll).toBeCloseTo(view.roll, 6);
  });
});
