import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { textureHeadTask } from '../../../src/main/texture/task';
import { locateHeadModel } from '../../../src/main/head/activeModel';
import { sharedDir, sharedPath } from '../../helpers/shared';

describe('textureHead worker task with the researcher\'s FLAME files', () => {
  const modelPath = sharedPath('fixtures', 'flame-synthetic', 'generic_model.pkl');
  const photo = () => sharp({ create: { width: 128, height: 128, channels: 3, background: '#a08070' } }).png().toBuffer();
  const codes = { camera: [6, 0, 0.02] };

  it('loads the head in the worker (DECA UVs and mean texture) and limits the photo to DECA\'s face/eye mask', async () => {
    const head = locateHeadModel({ flameFiles: () => ({ modelPath, decaDataDir: sharedPath('deca-data') }), demoHeadDir: '/nowhere' });
    const out = await textureHeadTask({ head, codes, photo: await photo(), photoLabel: 'grey.png', textureSize: 128, format: 'glb', baseName: 'h' });
    expect(out).toMatchObject({ headModel: 'generic_model.pkl', photoRegion: 'DECA face and eyes', vertexCount: 5023, faceCount: 9976 });
    expect(out.counts.photo).toBeGreaterThan(0);
    expect(out.counts.albedo).toBeGreaterThan(0); // mean_texture.jpg fills the rest
    const all = await textureHeadTask({ head, codes, photo: await photo(), photoLabel: 'grey.png', textureSize: 128, format: 'glb', baseName: 'h', decaPhotoRegion: false });
    expect(all.photoRegion).toBe('visible head');
    expect(all.counts.photo).toBeGreaterThan(out.counts.photo);
  }, 60_000);

  it('a FLAME model without DECA\'s data folder has no UVs: refused, saying what to set', async () => {
    const head = locateHeadModel({ flameFiles: () => ({ modelPath, decaDataDir: `${sharedDir}/no-such-folder` }), demoHeadDir: '/nowhere' });
    await expect(textureHeadTask({ head, codes, photo: await photo(), photoLabel: 'grey.png', textureSize: 64, format: 'glb', baseName: 'h' })).rejects.toThrow(
      /generic_model\.pkl has no UV layout.*DECA's data folder \(with head_template\.obj\) in Settings/,
    );
  }, 60_000);

  it('a photo that is not an image is refused by name', async () => {
    const head = locateHeadModel({ flameFiles: () => ({ modelPath, decaDataDir: sharedPath('deca-data') }), demoHeadDir: '/nowhere' });
    await expect(textureHeadTask({ head, codes, photo: new Uint8Array([1, 2, 3]), photoLabel: 'broken.png (photo 3)', textureSize: 64, format: 'glb', baseName: 'h' })).rejects.toThrow(/broken\.png \(photo 3\): cannot be read as an image/);
  }, 60_000);
});
