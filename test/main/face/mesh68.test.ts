import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IBUG, IBUG_MIRROR, MESH_TO_IBUG68, meshToIbug68 } from '../../../src/main/face/mesh68';
import { humanPackage } from '../../../src/main/face/models';
import { FaceDetector } from '../../../src/main/face/detect';
import { loadImage } from '../../../src/main/face/image';
import { OnnxBackend } from '../../../src/main/nn/backend';
import { sharedPath } from '../../helpers/shared';

/** MediaPipe's canonical UV layout of the 468 mesh points, as listed in @vladmandic/human's source. */
function canonicalUv(): [number, number][] {
  const text = readFileSync(join(humanPackage().modelsDir, '..', 'src', 'face', 'facemeshcoords.ts'), 'utf8');
  const start = text.indexOf('export const UV468');
  const body = text.slice(text.indexOf('[', text.indexOf('=', start)) + 1, text.indexOf('];', start));
  const pairs = [...body.matchAll(/\[\s*([-\d.e]+)\s*,\s*([-\d.e]+)\s*\]/g)].map((m) => [Number(m[1]), Number(m[2])] as [number, number]);
  expect(pairs).toHaveLength(468);
  return pairs;
}

describe('468 → 68 iBUG mapping', () => {
  const uv = canonicalUv();
  const lm = meshToIbug68(uv);

  it('has 68 groups of valid mesh indices and a consistent mirror table', () => {
    expect(MESH_TO_IBUG68).toHaveLength(68);
    for (const g of MESH_TO_IBUG68) for (const i of g) expect(i >= 0 && i < 468).toBe(true);
    for (let i = 0; i < 68; i++) expect(IBUG_MIRROR[IBUG_MIRROR[i]]).toBe(i);
  });

  it('is left–right symmetric on the canonical face', () => {
    const midline = [27, 28, 29, 30, 33, 51, 57, 62, 66, 8];
    const axis = midline.reduce((s, i) => s + lm[i][0], 0) / midline.length;
    for (const i of midline) expect(Math.abs(lm[i][0] - axis)).toBeLessThan(0.01);
    for (let i = 0; i < 68; i++) {
      const j = IBUG_MIRROR[i];
      expect(Math.abs(lm[i][0] + lm[j][0] - 2 * axis), `iBUG ${i} ↔ ${j} (x)`).toBeLessThan(0.012);
      expect(Math.abs(lm[i][1] - lm[j][1]), `iBUG ${i} ↔ ${j} (y)`).toBeLessThan(0.012);
    }
  });

  it('orders every contour as iBUG does on a frontal face', async () => {
    // the UV layout is an unwrap, so order is checked on a real frontal photo's mesh
    const image = await loadImage(sharedPath('faces', 'expressions', '4.jpg'));
    const faces = await new FaceDetector(new OnnxBackend({ providers: ['cpu'] })).detect(image);
    expect(faces).toHaveLength(1);
    const face = meshToIbug68(faces[0].mesh);
    const x = (i: number) => face[i][0];
    const y = (i: number) => face[i][1];
    // jaw runs from the subject's right (image left) to the left, chin lowest
    for (let i = 0; i < 16; i++) expect(x(i + 1)).toBeGreaterThan(x(i));
    for (const i of IBUG.jaw) expect(y(8)).toBeGreaterThanOrEqual(y(i));
    for (let i = 0; i < 8; i++) expect(y(i + 1)).toBeGreaterThan(y(i));
    // brows left to right, above the eyes
    for (const brow of [IBUG.rightBrow, IBUG.leftBrow]) for (let k = 0; k < 4; k++) expect(x(brow[k + 1])).toBeGreaterThan(x(brow[k]));
    const eyeTop = Math.min(...[...IBUG.rightEye, ...IBUG.leftEye].map(y));
    for (const i of [...IBUG.rightBrow, ...IBUG.leftBrow]) expect(y(i)).toBeLessThan(eyeTop);
    // nose bridge top to tip, base right to left and below the tip
    for (let i = 27; i < 30; i++) expect(y(i + 1)).toBeGreaterThan(y(i));
    for (let i = 31; i < 35; i++) expect(x(i + 1)).toBeGreaterThan(x(i));
    for (const i of IBUG.noseBase) expect(y(i)).toBeGreaterThan(y(29));
    // eyes: corners outermost, upper lid above lower lid
    expect(x(36)).toBeLessThan(Math.min(x(37), x(41)));
    expect(x(39)).toBeGreaterThan(Math.max(x(38), x(40)));
    expect(x(42)).toBeLessThan(Math.min(x(43), x(47)));
    expect(x(45)).toBeGreaterThan(Math.max(x(44), x(46)));
    expect(y(37)).toBeLessThan(y(41));
    expect(y(38)).toBeLessThan(y(40));
    expect(y(43)).toBeLessThan(y(47));
    expect(y(44)).toBeLessThan(y(46));
    // lips: outer ring clockwise from the right corner, inner ring inside it
    for (let i = 48; i < 54; i++) expect(x(i + 1)).toBeGreaterThan(x(i));
    for (let i = 54; i < 59; i++) expect(x(i + 1)).toBeLessThan(x(i));
    expect(y(51)).toBeLessThan(y(62));
    expect(y(57)).toBeGreaterThan(y(66));
    expect(y(62)).toBeLessThanOrEqual(y(66));
    expect(x(48)).toBeLessThan(x(60));
    expect(x(54)).toBeGreaterThan(x(64));
    // mouth below the nose
    for (const i of IBUG.outerLip) expect(y(i)).toBeGreaterThan(y(33));
  });

  it('averages paired vertices and rejects short meshes', () => {
    const mesh = Array.from({ length: 468 }, (_, i) => [i, 2 * i, 0]);
    const out = meshToIbug68(mesh);
    expect(out[3]).toEqual([(132 + 58) / 2, 132 + 58]);
    expect(out[8]).toEqual([152, 304]);
    expect(() => meshToIbug68(mesh.slice(0, 100))).toThrow(/100 points/);
  });
});
