/**
 * Random scenes for a generated demo dataset (`rig-studio demo dataset`): renders of the demo
 * head (not FLAME) whose codes are drawn across wide ranges — identity within the demo head's
 * shape space (its first 20 identity components), every demo expression component and the jaw,
 * head pose, camera framing and SH light — over varied backgrounds (plain, gradients and
 * procedural textures). Everything comes from one seed, so a dataset is reproducible anywhere:
 * the same seed and count give the same scenes, and scene i does not depend on the count.
 */

import { axisAngleFromEuler } from '../../../common/flame/rotation';
import type { Background, Rgb } from './backgrounds';
import { seededRandom, shLight, type DemoScene } from './scenes';

/** Identity components the demo head's bases use (the rest of the 100 are zero columns). */
export const demoIdentityComponents = 20;
/** Expression components the demo head's bases use (0 jaw drop … 9 nose wrinkle). */
export const demoExpressionComponents = 10;

/** Ranges the codes are drawn from (uniform unless said otherwise). */
export const datasetRanges = Object.freeze({
  /** Each identity component in ±identity. */
  identity: 1.0,
  /** Chance an expression component is strongly active, and its range when it is (else ±jitter). */
  expressionActive: 0.35,
  expressionStrong: [0, 2.5] as const,
  expressionJitter: 0.3,
  /** Jaw opening in radians: open with probability 0.5. */
  jaw: [0, 0.3] as const,
  /** Degrees. */
  yaw: 40,
  pitch: 18,
  roll: 8,
  /** Orthographic scale around the demo album's 7.2, and translation in NDC. */
  scale: [6.4, 7.8] as const,
  translation: 0.04,
  ambient: [0.4, 0.82] as const,
  strength: [0.2, 0.8] as const,
});

const shapeCount = 100;
const expressionCount = 50;

function degrees(value: number): number {
  return (value * Math.PI) / 180;
}

/** Rounded to 4 decimals and to float32, so the stored code is exactly what was rendered. */
function tidy(value: number): number {
  return Math.fround(Math.round(value * 1e4) / 1e4);
}

function colour(random: () => number): Rgb {
  return [0, 0, 0].map(() => Math.round(random() * 255)) as Rgb;
}

/** One of the five background kinds with random colours and parameters. */
export function randomBackground(random: () => number): Background {
  const a = colour(random), b = colour(random);
  const pick = Math.floor(random() * 5);
  switch (pick) {
    case 0: return { kind: 'plain', colour: a };
    case 1: return { kind: 'gradient', top: a, bottom: b };
    case 2: return { kind: 'noise', a, b, cells: 2 + Math.floor(random() * 10), seed: Math.floor(random() * 2 ** 31) };
    case 3: return { kind: 'stripes', a, b, period: 0.05 + random() * 0.3, angle: random() * Math.PI };
    default: return { kind: 'checker', a, b, cells: 3 + Math.floor(random() * 12) };
  }
}

/** Scene `index` of the dataset with `seed`: its own generator, so it does not depend on the count. */
export function datasetScene(seed: number, index: number): DemoScene {
  const sceneSeed = (Math.imul(seed >>> 0, 0x9e3779b1) + Math.imul(index + 1, 0x85ebca6b)) >>> 0;
  const random = seededRandom(sceneSeed);
  const uniform = (low: number, high: number) => low + (high - low) * random();
  const symmetric = (amount: number) => uniform(-amount, amount);
  const r = datasetRanges;

  const shape = new Array<number>(shapeCount).fill(0);
  for (let i = 0; i < demoIdentityComponents; i++) shape[i] = symmetric(r.identity);
  const expression = new Array<number>(expressionCount).fill(0);
  const active: number[] = [];
  for (let k = 0; k < demoExpressionComponents; k++) {
    if (random() < r.expressionActive) {
      expression[k] = uniform(...r.expressionStrong);
      active.push(k);
    } else {
      expression[k] = symmetric(r.expressionJitter);
    }
  }
  const jaw = random() < 0.5 ? uniform(...r.jaw) : uniform(0, 0.03);
  const [yaw, pitch, roll] = [symmetric(r.yaw), symmetric(r.pitch), symmetric(r.roll)];
  const pose = [...axisAngleFromEuler(degrees(yaw), degrees(pitch), degrees(roll)), jaw, 0, 0];
  const cam: [number, number, number] = [uniform(...r.scale), symmetric(r.translation), 0.012 + symmetric(r.translation)];
  // light from somewhere in front of the face, tinted a little warm or cool
  const direction: [number, number, number] = [symmetric(1), uniform(-0.4, 1), uniform(0.15, 1)];
  const warmth = symmetric(0.08);
  const tint: [number, number, number] = [1 + warmth, 1, 1 - warmth];
  const light = shLight(uniform(...r.ambient), uniform(...r.strength), direction, tint, random);
  const background = randomBackground(random);
  const number = String(index + 1).padStart(5, '0');
  return {
    index,
    fileName: `demo-dataset-s${seed}-${number}.png`,
    title: `generated demo scene ${index + 1} of seed ${seed}: expression components ${active.length ? active.join(', ') : 'none'} active, jaw ${jaw.toFixed(2)} rad; yaw ${yaw.toFixed(0)} deg, pitch ${pitch.toFixed(0)} deg, roll ${roll.toFixed(0)} deg; ${background.kind} background`,
    seed: sceneSeed,
    shape: shape.map(tidy),
    expression: expression.map(tidy),
    pose: pose.map(tidy),
    cam: cam.map(tidy) as [number, number, number],
    light: light.map(tidy),
    background,
  };
}

/** The first `count` scenes of the dataset with `seed`. */
export function datasetScenes(seed: number, count: number): DemoScene[] {
  if (!Number.isInteger(count) || count < 1) throw new Error(`a dataset needs a positive whole number of photos, got ${count}`);
  if (!Number.isInteger(seed) || seed < 0) throw new Error(`the seed must be a non-negative integer, got ${seed}`);
  return Array.from({ length: count }, (_, i) => datasetScene(seed, i));
}
