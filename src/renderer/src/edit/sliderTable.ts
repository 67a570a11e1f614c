/**
 * Slider edit's sliders: which code value each moves, its nominal range in shown units, and the
 * range actually shown, widened to hold the codes' value and the photo's own.
 */
import type { FlameCodes } from '../../../common/flame/codes';
import { axisAngleFromEuler, eulerFromAxisAngle } from '../../../common/flame/rotation';
import { rangeHolding } from '../components/sliderRange';

export interface Slider {
  label: string;
  /** The range in shown units (degrees for rotations); widened to hold any value the codes have. */
  min: number;
  max: number;
  /** Shown value per code value: 180/π for rotations, in radians in the codes and shown in degrees as in the 3D view. */
  scale?: number;
  unit?: string;
  digits?: number;
  get: (c: FlameCodes) => number;
  set: (c: FlameCodes, v: number) => void;
}

const setAt = (key: 'expression' | 'pose' | 'light', index: number) => (c: FlameCodes, v: number) => {
  c[key][index] = v;
};

/** Light direction sliders move the first-order SH rows of every colour channel together. */
const lightAxis = (row: number): Slider['set'] => (c, v) => {
  for (let ch = 0; ch < 3; ch++) c.light[row * 3 + ch] = v;
};

const degrees = 180 / Math.PI;

/**
 * The head's yaw (0), pitch (1) or roll (2) in radians, R = Ry(yaw) · Rx(pitch) · Rz(roll), as
 * the 3D view shows them: read from the codes' axis-angle, and set keeping the other two.
 */
const headAngle = (k: 0 | 1 | 2): Pick<Slider, 'get' | 'set'> => ({
  get: (c) => eulerFromAxisAngle(c.pose[0], c.pose[1], c.pose[2])[k],
  set: (c, v) => {
    const angles = eulerFromAxisAngle(c.pose[0], c.pose[1], c.pose[2]);
    angles[k] = v;
    [c.pose[0], c.pose[1], c.pose[2]] = axisAngleFromEuler(angles[0], angles[1], angles[2]);
  },
});

export const sliders: Slider[] = [
  ...Array.from({ length: 10 }, (_, i): Slider => ({ label: `Expression ${i + 1}`, min: -3, max: 3, get: (c) => c.expression[i], set: setAt('expression', i) })),
  // the jaw in radians, global rotation in degrees: as the 3D view's sliders show them
  { label: 'Jaw open', min: 0, max: 0.6, digits: 3, get: (c) => c.pose[3], set: setAt('pose', 3) },
  { label: 'Jaw side', min: -0.2, max: 0.2, digits: 3, get: (c) => c.pose[4], set: setAt('pose', 4) },
  { label: 'Jaw twist', min: -0.2, max: 0.2, digits: 3, get: (c) => c.pose[5], set: setAt('pose', 5) },
  { label: 'Pitch', min: -45, max: 45, scale: degrees, unit: '°', ...headAngle(1) },
  { label: 'Yaw', min: -45, max: 45, scale: degrees, unit: '°', ...headAngle(0) },
  { label: 'Roll', min: -45, max: 45, scale: degrees, unit: '°', ...headAngle(2) },
  { label: 'Light x', min: -1.5, max: 1.5, get: (c) => c.light[3], set: lightAxis(1) },
  { label: 'Light y', min: -1.5, max: 1.5, get: (c) => c.light[6], set: lightAxis(2) },
  { label: 'Light z', min: -1.5, max: 1.5, get: (c) => c.light[9], set: lightAxis(3) },
];

/** The range a slider shows for `codes` (being edited) and `original` (the photo's own codes), in shown units. */
export function shownRange(slider: Slider, codes: FlameCodes, original: FlameCodes | null): [number, number] {
  const scale = slider.scale ?? 1;
  const values = [slider.get(codes) * scale];
  if (original) values.push(slider.get(original) * scale);
  return rangeHolding(slider.min, slider.max, ...values);
}
