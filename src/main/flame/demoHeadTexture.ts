/**
 * The demo head's albedo texture, painted procedurally in UV space: skin with a little
 * variation, lips, brows, hair, eyeballs with iris and pupil (the eye discs below v = 0.25) and
 * the mouth interior (right of the eye discs), darkening from the lips to the throat.
 */

import type { DemoGeometry } from './demoHeadGeometry';
import { bump, head, smoothstep } from './demoHeadGeometry';
import { mouthUvArea } from './demoHeadMouth';

type Rgb = [number, number, number];

const skin: Rgb = [0.8, 0.62, 0.52];
const lipColour: Rgb = [0.68, 0.36, 0.37];
const browColour: Rgb = [0.3, 0.21, 0.16];
const hairColour: Rgb = [0.24, 0.17, 0.12];
const sclera: Rgb = [0.93, 0.92, 0.9];
const iris: Rgb = [0.27, 0.43, 0.55];
const pupil: Rgb = [0.04, 0.04, 0.05];
const innerLip: Rgb = [0.62, 0.3, 0.31];
const throat: Rgb = [0.16, 0.05, 0.06];

function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

/** Colour of the head surface at (azimuth, height). */
function headColour(azimuth: number, y: number): Rgb {
  let colour = mix(skin, [0.86, 0.58, 0.52], 0.5 * (bump(azimuth, y, 0.62, -0.02, 0.25, 0.02) + bump(azimuth, y, -0.62, -0.02, 0.25, 0.02)));
  colour = mix(colour, [0.74, 0.57, 0.47], 0.08 * (1 + Math.sin(azimuth * 23) * Math.sin(y * 410)));
  const lips = Math.exp(-0.5 * (azimuth / (head.mouthHalfAngle * 0.75)) ** 6) * bump(0, y, 0, head.mouthY - 0.0005, 1, 0.0075) ** 2;
  colour = mix(colour, lipColour, Math.min(1, lips * 1.6));
  for (const side of [-1, 1]) {
    const along = (side * azimuth - 0.16) / 0.5;
    if (along >= 0 && along <= 1) {
      const arch = 0.036 + 0.006 * Math.sin(Math.PI * along) + 0.004;
      colour = mix(colour, browColour, 0.9 * bump(0, y, 0, arch, 1, 0.0032) * smoothstep(0, 0.15, along) * smoothstep(1, 0.85, along));
    }
  }
  // Hair: the crown and the back of the head.
  const hairLine = 0.072 - 0.05 * smoothstep(1.2, 2.4, Math.abs(azimuth));
  return mix(colour, hairColour, smoothstep(hairLine - 0.004, hairLine + 0.004, y));
}

/** Colour of an eyeball at a polar angle from its pupil (0 … π). */
function eyeColour(polar: number): Rgb {
  if (polar < 0.16) return pupil;
  if (polar < 0.42) return mix(pupil, iris, smoothstep(0.16, 0.2, polar));
  return mix(iris, sclera, smoothstep(0.42, 0.46, polar));
}

/** The texture as (size, size, 3) RGB bytes, row 0 at the top (v = 1). */
export function demoAlbedo(g: DemoGeometry, size: number): Uint8Array {
  const out = new Uint8Array(size * size * 3);
  const rings = g.ringHeights.length;
  for (let row = 0; row < size; row++) {
    const v = 1 - (row + 0.5) / size;
    for (let column = 0; column < size; column++) {
      const u = (column + 0.5) / size;
      let colour: Rgb;
      if (v >= 0.25) {
        const ring = Math.min(rings - 1.000001, ((v - 0.25) / 0.75) * rings);
        const r = Math.floor(ring);
        const y = r + 1 < rings ? g.ringHeights[r] + (g.ringHeights[r + 1] - g.ringHeights[r]) * (ring - r) : g.ringHeights[r];
        colour = headColour(u * 2 * Math.PI - Math.PI, y);
      } else {
        // Eye discs centred at (0.125, 0.125) and (0.375, 0.125), radius 0.12 ↔ polar angle π.
        const centreU = u < 0.25 ? 0.125 : 0.375;
        const radius = Math.hypot(u - centreU, v - 0.125);
        // The mouth interior: v runs from the lips (v0) to the throat (v1). Rows next to v = 0.25
        // stay skin: the neck's lowest ring samples them there.
        const mouth = u >= 0.5 && v < mouthUvArea.v1 + 0.015;
        const depth = smoothstep(mouthUvArea.v0, mouthUvArea.v1, v);
        if (mouth) colour = mix(innerLip, throat, depth);
        else colour = u < 0.5 && radius <= 0.125 ? eyeColour((Math.min(radius, 0.12) / 0.12) * Math.PI) : skin;
      }
      out.set(colour.map((c) => Math.round(Math.min(1, Math.max(0, c)) * 255)), (row * size + column) * 3);
    }
  }
  return out;
}
