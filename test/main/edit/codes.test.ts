import { describe, expect, it } from 'vitest';
import { shadeNormal } from '../../../src/common/flame/geometry';
import { editCodes, formatModeSet, interpolateExpression, parseModeSet, rotateLightYaw } from '../../../src/main/edit/codes';
import { sweepCodes } from '../../../src/main/edit/sweepJob';
import { syntheticCodes } from '../../helpers/editFixture';

describe('edit codes', () => {
  const source = syntheticCodes(1);
  const target = syntheticCodes(4);
  const mean = Array.from({ length: 100 }, (_, i) => i / 100);

  it('takes exactly the mode fields from the target and keeps the source camera', () => {
    const exp = editCodes(source, target, ['exp'], null);
    expect(exp.expression).toEqual(target.expression);
    expect(exp.pose).toEqual([...source.pose.slice(0, 3), ...target.pose.slice(3)]);
    expect(exp.light).toEqual(source.light);
    const pose = editCodes(source, target, ['pose'], null);
    expect(pose.pose).toEqual([...target.pose.slice(0, 3), ...source.pose.slice(3)]);
    expect(pose.expression).toEqual(source.expression);
    const light = editCodes(source, target, ['light'], null);
    expect(light.light).toEqual(target.light);
    expect(light.pose).toEqual(source.pose);
    const all = editCodes(source, target, ['exp', 'pose', 'light', 'latent'], mean);
    expect(all.camera).toEqual(source.camera);
    expect(all.shape).toEqual(mean);
    expect(all.pose).toEqual(target.pose);
    // appearance alone changes no code
    expect(editCodes(source, target, ['latent'], null)).toEqual(source);
    // the source is not modified
    expect(source).toEqual(syntheticCodes(1));
  });

  it('parses mode sets into canonical order and rejects unknown or repeated modes', () => {
    expect(parseModeSet('light+exp')).toEqual(['exp', 'light']);
    expect(formatModeSet(['latent', 'pose'])).toBe('pose+latent');
    expect(() => parseModeSet('exp+smile')).toThrow(/unknown edit mode 'smile'/);
    expect(() => parseModeSet('exp+exp')).toThrow(/repeats/);
  });

  it('rotates SH light about the vertical axis: shading at n equals the original at R⁻¹n', () => {
    const light = target.light;
    const angle = 0.7;
    const rotated = rotateLightYaw(light, angle);
    const a = new Float64Array(3);
    const b = new Float64Array(3);
    for (const [x, y, z] of [[0, 0, 1], [0.6, 0.0, 0.8], [0.3, 0.9, -0.3]]) {
      const n = Math.hypot(x, y, z);
      const [nx, ny, nz] = [x / n, y / n, z / n];
      shadeNormal(nx, ny, nz, rotated, a, 0);
      shadeNormal(Math.cos(angle) * nx - Math.sin(angle) * nz, ny, Math.sin(angle) * nx + Math.cos(angle) * nz, light, b, 0);
      for (let c = 0; c < 3; c++) expect(a[c]).toBeCloseTo(b[c], 9);
    }
    rotateLightYaw(light, 2 * Math.PI).forEach((v, i) => expect(v).toBeCloseTo(light[i], 9));
    // the ambient term does not move
    expect(rotated.slice(0, 3).map((v) => Math.round(v * 1e9))).toEqual(light.slice(0, 3).map((v) => Math.round(v * 1e9)));
  });

  it('sweeps: a full light turn does not repeat its first frame; expression runs from A to B', () => {
    const frames = sweepCodes({ kind: 'light', degrees: 360, frames: 4 }, source);
    expect(frames).toHaveLength(4);
    frames[0].light.forEach((v, i) => expect(v).toBeCloseTo(source.light[i], 9));
    expect(frames[2].light[3]).toBeCloseTo(-source.light[3], 6);
    const faces = sweepCodes({ kind: 'expression', degrees: 0, frames: 3 }, source, target, syntheticCodes(2));
    expect(faces[0].expression).toEqual(target.expression);
    expect(faces[2].expression.map((v) => Math.round(v * 1e12))).toEqual(syntheticCodes(2).expression.map((v) => Math.round(v * 1e12)));
    expect(faces[1]).toEqual(interpolateExpression(source, target, syntheticCodes(2), 0.5));
    expect(faces[1].camera).toEqual(source.camera);
  });
});
