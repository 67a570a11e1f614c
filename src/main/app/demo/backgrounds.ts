/**
 * Backgrounds of demo renders, evaluated per photo pixel: a plain colour, a vertical gradient
 * (the demo album's two kinds), and procedural textures for generated datasets (smooth value
 * noise, stripes at an angle, a checkerboard), so a model trained on them learns to keep an
 * arbitrary background rather than a colour.
 */

/** sRGB 0–255. */
export type Rgb = [number, number, number];

/** One background. Textures blend between `a` and `b`; `seed` fixes the noise. */
export type Background =
  | { kind: 'plain'; colour: Rgb }
  | { kind: 'gradient'; top: Rgb; bottom: Rgb }
  | { kind: 'noise'; a: Rgb; b: Rgb; cells: number; seed: number }
  | { kind: 'stripes'; a: Rgb; b: Rgb; period: number; angle: number }
  | { kind: 'checker'; a: Rgb; b: Rgb; cells: number };

/** Integer hash of a lattice point to [0, 1) (a few multiply–xor rounds). */
function lattice(x: number, y: number, seed: number): number {
  let h = Math.imul(x | 0, 0x27d4eb2d) ^ Math.imul(y | 0, 0x165667b1) ^ Math.imul(seed | 0, 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return ((h ^ (h >>> 16)) >>> 0) / 2 ** 32;
}

function smooth(t: number): number {
  return t * t * (3 - 2 * t);
}

/** Two octaves of bilinear value noise at (u, v) in cell units, in [0, 1]. */
function valueNoise(u: number, v: number, seed: number): number {
  let total = 0;
  let weight = 0;
  for (let octave = 0, amplitude = 1, frequency = 1; octave < 2; octave++, amplitude *= 0.5, frequency *= 2) {
    const x = u * frequency, y = v * frequency;
    const x0 = Math.floor(x), y0 = Math.floor(y);
    const fx = smooth(x - x0), fy = smooth(y - y0);
    const s = seed + octave * 7919;
    const top = lattice(x0, y0, s) * (1 - fx) + lattice(x0 + 1, y0, s) * fx;
    const bottom = lattice(x0, y0 + 1, s) * (1 - fx) + lattice(x0 + 1, y0 + 1, s) * fx;
    total += amplitude * (top * (1 - fy) + bottom * fy);
    weight += amplitude;
  }
  return total / weight;
}

function mix(a: Rgb, b: Rgb, t: number, out: number[]): void {
  for (let c = 0; c < 3; c++) out[c] = (a[c] * (1 - t) + b[c] * t) / 255;
}

/** The background's linear [0, 1] RGB at the centre of photo pixel (x, y) of a size² photo, into `out`. */
export function backgroundAt(background: Background, x: number, y: number, size: number, out: number[]): void {
  const u = (x + 0.5) / size, v = (y + 0.5) / size;
  switch (background.kind) {
    case 'plain':
      for (let c = 0; c < 3; c++) out[c] = background.colour[c] / 255;
      return;
    case 'gradient':
      mix(background.top, background.bottom, v, out);
      return;
    case 'noise':
      mix(background.a, background.b, valueNoise(u * background.cells, v * background.cells, background.seed), out);
      return;
    case 'stripes': {
      const along = u * Math.cos(background.angle) + v * Math.sin(background.angle);
      mix(background.a, background.b, 0.5 + 0.5 * Math.sin((2 * Math.PI * along) / background.period), out);
      return;
    }
    case 'checker': {
      const odd = (Math.floor(u * background.cells) + Math.floor(v * background.cells)) % 2;
      mix(background.a, background.b, odd, out);
      return;
    }
  }
}
