import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FlameEvaluator } from '../../../src/common/flame/evaluate';
import { ndcToPixels, orthographicProject } from '../../../src/common/flame/geometry';
import { createDecaBuffers, renderDecaBuffers } from '../../../src/common/render/decaBuffers';
import { loadLandmarkEmbedding } from '../../../src/main/flame/landmarkEmbedding';
import { loadFlameModel } from '../../../src/main/flame/loadModel';
import { loadTextureImage, loadUvLayout } from '../../../src/main/flame/textureSpace';
import { toFloat64 } from '../../../src/main/io/ndarray';
import { readNpz } from '../../../src/main/io/npy';
import { sharedPath } from '../../helpers/shared';

describe('DECA buffers of a FLAME head', () => {
  it('renders the fixture head with DECA UVs and mean texture: buffers non-empty exactly inside the mask', async () => {
    const model = await loadFlameModel(sharedPath('fixtures', 'flame-synthetic', 'generic_model.pkl'));
    model.landmarks = await loadLandmarkEmbedding(sharedPath('deca-data', 'landmark_embedding.npy'), model.faces.length / 3);
    model.uv = await loadUvLayout(sharedPath('deca-data', 'head_template.obj'), { vertexCount: model.vertexCount, faceCount: model.faces.length / 3 });
    const texture = await loadTextureImage(sharedPath('deca-data', 'mean_texture.jpg'));
    const reference = readNpz(readFileSync(sharedPath('fixtures', 'flame-synthetic', 'reference.npz')));
    const row = (key: string, width: number) => toFloat64(reference.get(key)!).slice(0, width);
    const codes = { shape: row('shape', 100), expression: row('exp', 50), pose: row('pose', 6), camera: row('cam', 3), light: row('light', 27) };
    const frame = new FlameEvaluator(model).evaluate(codes);
    const size = 256;
    const buffers = renderDecaBuffers({ projected: frame.projected, normals: frame.normals, faces: model.faces, light: codes.light, uv: model.uv, texture }, createDecaBuffers(size));
    let covered = 0;
    for (let p = 0; p < size * size; p++) {
      const inside = buffers.mask[p] === 1;
      covered += buffers.mask[p];
      for (const image of [buffers.normal, buffers.albedo]) {
        const magnitude = Math.abs(image[p * 3]) + Math.abs(image[p * 3 + 1]) + Math.abs(image[p * 3 + 2]);
        if (inside) expect(magnitude).toBeGreaterThan(0); else expect(magnitude).toBe(0);
      }
      if (!inside) expect(buffers.rendered[p * 3] + buffers.rendered[p * 3 + 1] + buffers.rendered[p * 3 + 2]).toBe(0);
    }
    expect(covered).toBeGreaterThan(0.05 * size * size);
    // The 51 static landmarks (eyes, nose, mouth) project onto covered pixels.
    const pixels = ndcToPixels(orthographicProject(frame.landmarks2d, codes.camera), size);
    let onFace = 0;
    for (let l = 17; l < 68; l++) {
      const [x, y] = [Math.floor(pixels[l * 2]), Math.floor(pixels[l * 2 + 1])];
      if (x >= 0 && y >= 0 && x < size && y < size && buffers.mask[y * size + x]) onFace++;
    }
    expect(onFace).toBe(51);
  });
});
