/**
 * Slider edit's sliders: which code value each moves, its nominal range in shown units, and the
 * range actually shown, widened to hold the codes' value and the photo's own.
 */
import type { FlameCodes } from '../../../common/flame/codes';
import { rangeHolding } from '../components/sliderRange';

export interface Slider {
  label: string;
  /** The range in shown units (degrees for rotations); widened to hold any value the codes have. */
  min: number;
  max: number;
  /** Shown value per code value: 180/π for rotations, stored in radians and shown in degrees as in the 3D view. */
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

export const sliders: Slider[] = [
  ...Array.from({ length: 10 }, (_, i): Slider => ({ label: `Expression ${i + 1}`, min: -3, max: 3, get: (c) => c.expression[i], set: setAt('expression', i) })),
  // the jaw in radians, global rotation in degrees: as the 3D view's sliders show them
  { label: 'Jaw open', min: 0, max: 0.6, digits: 3, get: (c) => c.pose[3], set: setAt('pose', 3) },
  { label: 'Pitch', min: -45, max: 45, scale: degrees, unit: '°', get: (c) => c.pose[0], set: setAt('pose', 0) },
  { label: 'Yaw', min: -45, max: 45, scale: degrees, unit: '°', get: (c) => c.pose[1], set: setAt('pose', 1) },
  { label: 'Roll', min: -45, max: 45, scale: degrees, unit: '°', get: (c) => c.pose[2], set: setAt('pose', 2) },
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
