import { describe, expect, it } from 'vitest';
import { loadFittingHead } from '../../../src/main/estimate/head';
import { sharedPath } from '../../helpers/shared';

describe('fitting head', () => {
  it('FLAME file + DECA data folder: landmark embedding and a skin-coloured albedo from mean_texture.jpg', async () => {
    const head = await loadFittingHead({ modelPath: sharedPath('fixtures', 'flame-synthetic', 'generic_model.pkl'), decaDataDir: sharedPath('deca-data') });
    expect(head.model.landmarks).toBeDefined();
    expect(head.label).toBe('generic_model.pkl');
    const albedo = head.albedo!;
    expect(albedo).toHaveLength(head.model.vertexCount * 3);
    // around the landmarks (eyes, nose, mouth, jaw) the mean texture is skin: warm, mid-bright
    const mean = [0, 0, 0];
    const faces = head.model.landmarks!.fullFaces;
    for (const face of faces) {
      for (let c = 0; c < 3; c++) {
        const v = head.model.faces[face * 3 + c];
        for (let k = 0; k < 3; k++) mean[k] += albedo[3 * v + k] / (faces.length * 3);
      }
    }
    const [r, g, b] = mean;
    expect(r).toBeGreaterThan(0.45);
    expect(r).toBeLessThan(0.98);
    expect(r).toBeGreaterThan(g);
    expect(g).toBeGreaterThan(b);
    expect(b).toBeGreaterThan(0.2);
    // and the UVs are the right way up: brows (17–26) are darker than the nose bridge (27–30)
    const luminance = (ids: number[]) => {
      let sum = 0;
      for (const i of ids) for (let c = 0; c < 3; c++) {
        const v = head.model.faces[faces[i] * 3 + c];
        sum += (albedo[3 * v] + albedo[3 * v + 1] + albedo[3 * v + 2]) / 3;
      }
      return sum / (ids.length * 3);
    };
    expect(luminance([17, 18, 19, 20, 21, 22, 23, 24, 25, 26])).toBeLessThan(luminance([27, 28, 29, 30]) - 0.05);
  });

  it('the demo head brings its own texture', async () => {
    const head = await loadFittingHead(null);
    expect(head.label).toContain('Demo head');
    expect(head.albedo).not.toBeNull();
  });
});
