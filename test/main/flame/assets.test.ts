import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkModelAssets, ModelAssetStore } from '../../../src/main/flame/assets';
import { sharedPath } from '../../helpers/shared';

const byName = (report: Awaited<ReturnType<typeof checkModelAssets>>) => Object.fromEntries(report.checks.map((c) => [c.name, c]));

describe('model asset check', () => {
  it('accepts a FLAME model with the DECA data folder, listing optional files it lacks', async () => {
    const report = await checkModelAssets({ modelPath: sharedPath('fixtures', 'flame-synthetic', 'generic_model.pkl'), decaDataDir: sharedPath('deca-data') });
    const checks = byName(report);
    expect(report.ok).toBe(true);
    expect(report.model).toEqual({ vertexCount: 5023, faceCount: 9976, shapeComponents: 100, expressionComponents: 50 });
    expect(checks['landmark_embedding.npy'].status).toBe('ok');
    expect(checks['head_template.obj'].message).toBe('5118 texture coordinates');
    expect(checks['mean_texture.jpg'].status).toBe('ok');
    expect(checks['FLAME_albedo_from_BFM.npz'].status).toBe('absent');
    expect(checks['deca_model.tar'].status).toBe('absent');
  });

  it('says what is missing or wrong, file by file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rig-assets-'));
    writeFileSync(join(dir, 'generic_model.pkl'), 'not a pickle');
    copyFileSync(sharedPath('deca-data', 'head_template.obj'), join(dir, 'head_template.obj'));
    writeFileSync(join(dir, 'FLAME_texture.npz'), 'garbage');
    const report = await checkModelAssets({ modelPath: join(dir, 'generic_model.pkl'), decaDataDir: dir });
    const checks = byName(report);
    expect(report.ok).toBe(false);
    expect(checks['FLAME model'].status).toBe('invalid');
    expect(checks['FLAME model'].message).toMatch(/generic_model.pkl: pickle:/);
    expect(checks['landmark_embedding.npy'].status).toBe('missing');
    expect(checks['head_template.obj'].status).toBe('ok');
    expect(checks['FLAME_texture.npz'].status).toBe('invalid');
    expect(checks['FLAME_texture.npz'].message).toMatch(/FLAME_texture.npz: not a readable zip/);

    const unset = await checkModelAssets({ modelPath: null, decaDataDir: join(dir, 'nowhere') });
    expect(byName(unset)['FLAME model'].message).toMatch(/not set.*demo head/);
    expect(byName(unset)['DECA data folder'].message).toMatch(/does not exist/);
  });

  it('remembers the chosen paths', async () => {
    const store = new ModelAssetStore(mkdtempSync(join(tmpdir(), 'rig-store-')));
    expect(await store.get()).toEqual({ modelPath: null, decaDataDir: null });
    await store.set({ modelPath: '/a/generic_model.pkl', decaDataDir: '/a/data' });
    expect(store.current()).toEqual({ modelPath: '/a/generic_model.pkl', decaDataDir: '/a/data' });
  });
});
