import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { flatTexture, textureFromCode } from '../../../src/common/flame/albedo';
import { loadTextureImage, loadTextureSpace, loadUvLayout, textureSpaceFromArrays } from '../../../src/main/flame/textureSpace';
import type { NdArray } from '../../../src/main/io/ndarray';
import { writeNpz } from '../../../src/main/io/npy';
import { parseObj } from '../../../src/main/io/obj';
import { sharedPath } from '../../helpers/shared';

/** A 4×4 BGR texture space with 3 components: mean(b,g,r) = (10·row, 20·column, 100); basis k adds k+1 to channel k. */
function syntheticArrays(kind: 'flame' | 'bfm'): Map<string, NdArray> {
  const scale = kind === 'flame' ? 1 : 1 / 255;
  const mean = new Float64Array(4 * 4 * 3);
  const basis = new Float64Array(4 * 4 * 3 * 3);
  for (let r = 0; r < 4; r++) {
    for (let c = 0; c < 4; c++) {
      const p = (r * 4 + c) * 3;
      mean.set([10 * r * scale, 20 * c * scale, 100 * scale], p);
      for (let k = 0; k < 3; k++) basis[(p + k) * 3 + k] = (k + 1) * scale;
    }
  }
  const [m, b] = kind === 'flame' ? ['mean', 'tex_dir'] : ['MU', 'PC'];
  return new Map([
    [m, { dtype: 'float64', shape: kind === 'flame' ? [4, 4, 3] : [1, 48], data: mean }],
    [b, { dtype: 'float64', shape: kind === 'flame' ? [4, 4, 3, 3] : [48, 3], data: basis }],
  ]);
}

describe('texture spaces', () => {
  for (const kind of ['flame', 'bfm'] as const) {
    it(`builds DECA's albedo from a ${kind} space: mean + basis·code, /255, BGR→RGB, nearest resize`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'rig-tex-'));
      const path = join(dir, kind === 'flame' ? 'FLAME_texture.npz' : 'FLAME_albedo_from_BFM.npz');
      writeFileSync(path, writeNpz(syntheticArrays(kind)));
      const space = await loadTextureSpace(path, 2);
      expect(space.kind).toBe(kind);
      expect(space.size).toBe(4);
      const texture = textureFromCode(space, [1, 2], 2);
      // Output pixel (row 1, column 1) samples source (2, 2): b = 20 + 1, g = 40 + 4, r = 100.
      const p = (1 * 2 + 1) * 3;
      expect(texture.data[p] * 255).toBeCloseTo(100, 4);
      expect(texture.data[p + 1] * 255).toBeCloseTo(44, 4);
      expect(texture.data[p + 2] * 255).toBeCloseTo(21, 4);
      expect(() => textureFromCode(space, [1, 2, 3])).toThrow(/3 values.*2 components/);
    });
  }

  it('names what is wrong with a file that is not a texture space', () => {
    const arrays = new Map<string, NdArray>([['mean', { dtype: 'float64', shape: [5], data: new Float64Array(5) }]]);
    expect(() => textureSpaceFromArrays(arrays, 'x.npz')).toThrow(/x.npz: not a texture space.*found mean/);
    arrays.set('tex_dir', { dtype: 'float64', shape: [5, 1], data: new Float64Array(5) });
    expect(() => textureSpaceFromArrays(arrays, 'x.npz', 1)).toThrow(/not a square RGB texture/);
  });

  it('makes a flat albedo', () => {
    expect(Array.from(flatTexture([0.1, 0.2, 0.3], 1).data).map((x) => Number(x.toFixed(6)))).toEqual([0.1, 0.2, 0.3]);
  });
});

describe('DECA data assets', () => {
  it("reads head_template.obj's UVs, with faces in the same order as the FLAME model's", async () => {
    const path = sharedPath('deca-data', 'head_template.obj');
    const uv = await loadUvLayout(path, { vertexCount: 5023, faceCount: 9976 });
    expect(uv.coords.length / 2).toBe(5118);
    expect(uv.faces.length).toBe(9976 * 3);
    expect(Math.min(...uv.coords)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...uv.coords)).toBeLessThanOrEqual(1);
    await expect(loadUvLayout(path, { vertexCount: 5023, faceCount: 100 })).rejects.toThrow(/9976 faces, the model has 100/);
    const obj = parseObj(readFileSync(path, 'utf8'));
    expect(obj.faces.slice(0, 3)).toEqual(Uint32Array.from([3, 1, 0]));
  });

  it('decodes mean_texture.jpg through sharp', async () => {
    const texture = await loadTextureImage(sharedPath('deca-data', 'mean_texture.jpg'));
    expect(texture.width).toBeGreaterThan(100);
    expect(texture.data.length).toBe(texture.width * texture.height * 3);
    // A face texture: mostly skin, reddish on average.
    let r = 0, b = 0;
    for (let p = 0; p < texture.data.length; p += 3) { r += texture.data[p]; b += texture.data[p + 2]; }
    expect(r).toBeGreaterThan(b);
    await expect(loadTextureImage(sharedPath('deca-data', 'head_template.obj'))).rejects.toThrow(/head_template.obj: cannot read the image/);
  });
});
