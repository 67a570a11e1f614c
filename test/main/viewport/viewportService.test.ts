import { copyFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemoHead } from '../../../src/main/flame/demoHead';
import { writeNpz } from '../../../src/main/io/npy';
import { defaultDemoHeadDir, flameFilesFrom, headModelDeps, loadHeadModel, locateHeadModel } from '../../../src/main/head/activeModel';
import { ViewportService } from '../../../src/main/viewport/viewportService';
import { projectRoot, sharedPath } from '../../helpers/shared';

describe('the viewport service', () => {
  let dir: string;
  let demoDir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rig-viewport-'));
    demoDir = join(dir, 'demo-head');
    // A coarse demo head keeps the test fast; the layout is the shipped one.
    const arrays = buildDemoHead({ columns: 24, headRings: 14, neckRings: 3 });
    mkdirSync(demoDir);
    writeFileSync(join(demoDir, 'demo_head.npz'), writeNpz(arrays));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('falls back to the demo head, with its landmarks, UVs and albedo', async () => {
    const location = locateHeadModel({ flameFiles: () => null, demoHeadDir: demoDir });
    expect(location.source).toBe('demo');
    const active = await loadHeadModel(location);
    expect(active.label).toBe('Demo head (not FLAME)');
    expect(active.path).toBeNull();
    expect(active.model.landmarks?.binCount).toBe(79);
    expect(active.model.uv?.faces.length).toBe(active.model.faces.length);
    expect(active.albedo?.height).toBe(256);
    expect(active.albedo?.rgb.length).toBe(256 * 256 * 3);
  });

  it('packs once per model and reloads when the file changes', async () => {
    const service = new ViewportService(headModelDeps({ flameFiles: () => null, demoHeadDir: demoDir }));
    const first = await service.model();
    expect(first.info.source).toBe('demo');
    expect(first.albedo?.shape).toEqual([256, 256, 3]);
    expect(first.uv).not.toBeNull();
    expect(await service.model()).toBe(first);
    const later = new Date(Date.now() + 5000);
    utimesSync(join(demoDir, 'demo_head.npz'), later, later);
    const second = await service.model();
    expect(second).not.toBe(first);
    expect(second.template.base64).toBe(first.template.base64);
  });

  it("uses the researcher's FLAME file and DECA's landmark embedding when settings name them", async () => {
    const deca = join(dir, 'deca-data');
    mkdirSync(deca);
    for (const name of ['landmark_embedding.npy', 'head_template.obj', 'mean_texture.jpg']) copyFileSync(sharedPath('deca-data', name), join(deca, name));
    const modelPath = sharedPath('fixtures', 'flame-synthetic', 'generic_model.pkl');
    // As Settings remembers them (flame-assets.json through ModelAssetStore).
    const store = { current: () => ({ modelPath, decaDataDir: deca }) };
    const service = new ViewportService(headModelDeps({ flameFiles: flameFilesFrom(store), demoHeadDir: demoDir }));
    const packed = await service.model();
    expect(packed.info).toMatchObject({ source: 'flame', label: 'generic_model.pkl', path: modelPath, vertexCount: 5023, shapeCount: 100, expressionCount: 50 });
    expect(packed.landmarks?.staticFaces.shape).toEqual([51]);
    // UVs from head_template.obj and DECA's mean texture as the albedo.
    expect(packed.uv?.coords.shape).toEqual([5118, 2]);
    expect(packed.uv?.faces.shape).toEqual([9976, 3]);
    expect(packed.albedo?.shape[2]).toBe(3);
    expect(packed.albedo!.shape[0]).toBeGreaterThanOrEqual(256);
    // Unset paths mean the demo head.
    expect(flameFilesFrom({ current: () => ({ modelPath: null, decaDataDir: deca }) })()).toBeNull();
  });

  it('says what is missing', async () => {
    expect(() => locateHeadModel({ flameFiles: () => null, demoHeadDir: join(dir, 'nowhere') })).toThrow(/no head model: set your FLAME model file in Settings/);
    expect(() => locateHeadModel({ flameFiles: () => ({ modelPath: join(dir, 'gone.pkl') }), demoHeadDir: demoDir })).toThrow(/the FLAME model set in Settings is missing: .*gone\.pkl/);
    const service = new ViewportService(headModelDeps({ flameFiles: () => null, demoHeadDir: demoDir }));
    await expect(service.codes(join(dir, 'codes.txt'))).rejects.toThrow('codes.txt: codes are read from .npz files');
    await expect(service.codes(join(dir, 'absent.npz'))).rejects.toThrow('absent.npz: cannot read the file (ENOENT)');
    await expect(service.codes(join(dir, 'absent.npz'))).rejects.toMatchObject({ code: 'not-found' });
    // A bad file is the client's error (400 in serve mode), named, never 'internal'.
    const bad = { 'garbage.npz': Buffer.from('not a zip at all'), 'empty.npz': writeNpz({}), 'text.npz': writeNpz({ other: { dtype: 'float32', shape: [2], data: new Float32Array(2) } }) };
    for (const [name, bytes] of Object.entries(bad)) {
      writeFileSync(join(dir, name), bytes);
      await expect(service.codes(join(dir, name)), name).rejects.toMatchObject({ code: 'invalid-params', message: expect.stringContaining(name) });
    }
    await expect(service.codes(join(dir, 'codes.txt'))).rejects.toMatchObject({ code: 'invalid-params' });
    const loaded = await service.codes(sharedPath('fixtures', 'flame-synthetic', 'reference.npz'), 3);
    expect(loaded.index).toBe(3);
  });
});

describe('defaultDemoHeadDir', () => {
  it('finds the shipped demo head from the sources and from a nested build chunk', () => {
    const shipped = join(projectRoot, 'resources', 'demo-head');
    expect(defaultDemoHeadDir()).toBe(shipped);
    expect(defaultDemoHeadDir(join(projectRoot, 'out', 'main', 'chunks'))).toBe(shipped);
  });
});
