/**
 * The demo album's scenes: twelve synthetic "photos" of the Rig Studio demo head (not FLAME),
 * each an exact FLAME code set (one identity, varied expression, jaw, head pose and SH light)
 * plus a background. Everything comes from fixed presets and per-scene seeds, so every install
 * renders the same pictures and the stored codes are exactly what was rendered.
 */

import { axisAngleFromEuler } from '../../../common/flame/rotation';
import { shConstants } from '../../../common/flame/geometry';
import type { Background } from './backgrounds';

/** Side of a demo photo in pixels. */
export const demoPhotoSize = 512;

/** Bumped when the scenes or their rendering change (new file names, new estimates version). */
export const demoScenesVersion = 1;

/** Number of values per code part (DECA's layout). */
const shapeCount = 100;
const expressionCount = 50;

export type { Background } from './backgrounds';

/** One demo photo: its file name, the codes it is rendered from, and its background. */
export interface DemoScene {
  index: number;
  /** e.g. `synthetic-demo-head-03-surprise.png`. */
  fileName: string;
  /** Short description shown in the photo's metadata. */
  title: string;
  seed: number;
  /** DECA layout: 100 identity, 50 expression, 6 pose (global, jaw), camera (s, tx, ty), 27 SH light. */
  shape: number[];
  expression: number[];
  pose: number[];
  cam: [number, number, number];
  light: number[];
  background: Background;
}

/** Small deterministic generator (mulberry32): the same seed gives the same scene everywhere. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/**
 * SH light (9 × 3) whose shading is about `ambient + strength · (n · direction)` per channel,
 * tinted, with a little second-order variation from `random` (real light is never just two bands).
 */
export function shLight(ambient: number, strength: number, direction: [number, number, number], tint: [number, number, number], random: () => number): number[] {
  const length = Math.hypot(...direction);
  const d = direction.map((v) => v / length);
  const light = new Array<number>(27).fill(0);
  for (let ch = 0; ch < 3; ch++) {
    light[ch] = (ambient * tint[ch]) / shConstants[0];
    for (let axis = 0; axis < 3; axis++) light[(1 + axis) * 3 + ch] = (strength * tint[ch] * d[axis]) / shConstants[1 + axis];
  }
  for (let band = 4; band < 9; band++) {
    const value = (random() - 0.5) * 0.12 / shConstants[band];
    for (let ch = 0; ch < 3; ch++) light[band * 3 + ch] = value * tint[ch];
  }
  return light;
}

/** The demo person: one identity for the whole album (its mean shape is this code). */
function demoIdentity(): number[] {
  const random = seededRandom(7001);
  const shape = new Array<number>(shapeCount).fill(0);
  // The demo head's bases use the first 20 identity components; the rest are zero columns.
  for (let i = 0; i < 20; i++) shape[i] = Math.round((random() - 0.5) * 1.6 * 1000) / 1000;
  return shape;
}

interface Preset {
  name: string;
  title: string;
  /** Demo head expression components: 0 jaw drop, 1 smile, 2 brow raise, 3 brow furrow, 4 pucker, 5 cheek puff, 6 mouth sideways, 7 frown, 8 squint, 9 nose wrinkle. */
  expression: Record<number, number>;
  /** Jaw opening (radians about x). */
  jaw: number;
  /** Degrees. */
  yaw: number;
  pitch: number;
  roll: number;
  /** Light: direction towards the light (x the head's left, y up, z towards the camera). */
  lightFrom: [number, number, number];
  ambient: number;
  strength: number;
  tint: [number, number, number];
  background: Background;
}

const warm: [number, number, number] = [1.05, 0.98, 0.9];
const cool: [number, number, number] = [0.92, 0.97, 1.06];
const white: [number, number, number] = [1, 1, 1];

const presets: Preset[] = [
  { name: 'neutral', title: 'neutral, frontal, soft light from the front', expression: {}, jaw: 0, yaw: 0, pitch: 0, roll: 0, lightFrom: [0.2, 0.4, 1], ambient: 0.75, strength: 0.35, tint: white, background: { kind: 'gradient', top: [214, 222, 232], bottom: [150, 162, 180] } },
  { name: 'smile', title: 'smile', expression: { 1: 2.2, 8: 0.6 }, jaw: 0.03, yaw: -22, pitch: 2, roll: 0, lightFrom: [-0.6, 0.5, 0.8], ambient: 0.7, strength: 0.45, tint: warm, background: { kind: 'plain', colour: [236, 228, 214] } },
  { name: 'surprise', title: 'surprise: jaw open, brows raised', expression: { 0: 1.5, 2: 2.0 }, jaw: 0.28, yaw: 6, pitch: -6, roll: 0, lightFrom: [0.4, 0.7, 0.7], ambient: 0.72, strength: 0.4, tint: white, background: { kind: 'gradient', top: [40, 48, 70], bottom: [96, 110, 150] } },
  { name: 'frown', title: 'frown with a furrowed brow', expression: { 3: 2.0, 7: 1.8 }, jaw: 0, yaw: 10, pitch: 14, roll: 3, lightFrom: [0.8, 0.2, 0.6], ambient: 0.6, strength: 0.5, tint: cool, background: { kind: 'plain', colour: [88, 92, 98] } },
  { name: 'pucker', title: 'pucker', expression: { 4: 2.0 }, jaw: 0.02, yaw: 28, pitch: 0, roll: -4, lightFrom: [0.3, 0.3, 1], ambient: 0.78, strength: 0.3, tint: warm, background: { kind: 'gradient', top: [250, 232, 210], bottom: [205, 160, 130] } },
  { name: 'cheek-puff', title: 'cheeks puffed, light from one side', expression: { 5: 2.2, 4: 0.5 }, jaw: 0, yaw: -8, pitch: -4, roll: 0, lightFrom: [-0.9, 0.3, 0.4], ambient: 0.55, strength: 0.6, tint: white, background: { kind: 'plain', colour: [190, 214, 196] } },
  { name: 'squint-smile', title: 'squinting smile, light from above', expression: { 1: 1.6, 8: 1.8 }, jaw: 0.06, yaw: 14, pitch: -14, roll: 0, lightFrom: [0, 1, 0.6], ambient: 0.65, strength: 0.5, tint: warm, background: { kind: 'gradient', top: [160, 200, 240], bottom: [230, 240, 250] } },
  { name: 'smirk', title: 'mouth pulled sideways, head rolled', expression: { 6: 2.0, 1: 0.7 }, jaw: 0.04, yaw: -30, pitch: 4, roll: 6, lightFrom: [0.5, 0.4, 0.9], ambient: 0.7, strength: 0.4, tint: cool, background: { kind: 'plain', colour: [60, 64, 72] } },
  { name: 'disgust', title: 'disgust: nose wrinkled, brow furrowed', expression: { 9: 2.2, 3: 1.2, 7: 0.8 }, jaw: 0.05, yaw: 4, pitch: 6, roll: -2, lightFrom: [-0.3, 0.6, 0.9], ambient: 0.68, strength: 0.42, tint: white, background: { kind: 'gradient', top: [226, 214, 236], bottom: [150, 130, 170] } },
  { name: 'laugh', title: 'laugh: big smile, jaw open', expression: { 1: 2.5, 0: 0.8, 8: 0.8 }, jaw: 0.2, yaw: 18, pitch: -8, roll: 4, lightFrom: [0.6, 0.5, 0.8], ambient: 0.74, strength: 0.4, tint: warm, background: { kind: 'plain', colour: [246, 214, 120] } },
  { name: 'sad', title: 'sad: brows raised, mouth corners down', expression: { 2: 1.2, 7: 2.0 }, jaw: 0, yaw: -12, pitch: 12, roll: -5, lightFrom: [0.1, 0.2, 1], ambient: 0.62, strength: 0.32, tint: cool, background: { kind: 'gradient', top: [120, 130, 140], bottom: [60, 66, 74] } },
  { name: 'side-light', title: 'neutral, three-quarter view, hard side light', expression: { 2: 0.4 }, jaw: 0, yaw: 38, pitch: 0, roll: 0, lightFrom: [1, 0.25, 0.25], ambient: 0.45, strength: 0.75, tint: white, background: { kind: 'plain', colour: [30, 32, 36] } },
];

/** Camera: the head (neck base to crown) fills about 85% of the frame, face slightly above centre. */
const camera: [number, number, number] = [7.2, 0, 0.012];

function degrees(value: number): number {
  return (value * Math.PI) / 180;
}

/** Rounded to 4 decimals and to float32: the float32 code stored as the estimate is exactly what was rendered. */
function tidy(value: number): number {
  return Math.fround(Math.round(value * 1e4) / 1e4);
}

/** The twelve demo scenes, always the same. */
export function demoScenes(): DemoScene[] {
  const shape = demoIdentity();
  return presets.map((preset, i) => {
    const seed = 1000 + i;
    const random = seededRandom(seed);
    const jitter = (amount: number) => (random() - 0.5) * 2 * amount;
    const expression = new Array<number>(expressionCount).fill(0);
    for (const [component, value] of Object.entries(preset.expression)) expression[Number(component)] = value;
    // a little of every other demo expression, as no real face is purely one
    for (let k = 0; k < 10; k++) if (!(k in preset.expression)) expression[k] = jitter(0.25);
    const [yaw, pitch, roll] = [preset.yaw + jitter(2), preset.pitch + jitter(2), preset.roll + jitter(1)];
    const global = axisAngleFromEuler(degrees(yaw), degrees(pitch), degrees(roll));
    const pose = [...global, preset.jaw, 0, 0];
    const light = shLight(preset.ambient, preset.strength, preset.lightFrom, preset.tint, random);
    const number = String(i + 1).padStart(2, '0');
    return {
      index: i,
      fileName: `synthetic-demo-head-${number}-${preset.name}.png`,
      title: `${preset.title}; yaw ${yaw.toFixed(0)} deg, pitch ${pitch.toFixed(0)} deg, roll ${roll.toFixed(0)} deg, jaw ${preset.jaw.toFixed(2)} rad`,
      seed,
      shape: shape.map(tidy),
      expression: expression.map(tidy),
      pose: pose.map(tidy),
      cam: camera.map(tidy) as [number, number, number],
      light: light.map(tidy),
      background: preset.background,
    };
  });
}
