import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { Backend } from '../../../src/main/app/backend';
import { backgroundAt, type Background } from '../../../src/main/app/demo/backgrounds';
import { datasetScene, datasetScenes, demoExpressionComponents } from '../../../src/main/app/demo/dataset';
import { writeDemoDataset, type DatasetIndex } from '../../../src/main/app/demo/datasetFiles';
import { importDemoDataset } from '../../../src/main/app/demo/datasetImport';
import { groundTruthEstimator } from '../../../src/main/app/demo/groundTruth';
import { readNpz } from '../../../src/main/io/npy';
import { InlinePool } from '../../../src/main/jobs/pool';
import { workerTasks } from '../../../src/main/app/workerTasks';
import { tempDir } from '../library/fixtures';
import { EstimateStore } from '../../../src/main/estimate/store';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('demo dataset scenes', () => {
  it('are deterministic per seed, scene i does not depend on the count, and other seeds differ', () => {
    expect(datasetScenes(7, 5)).toEqual(datasetScenes(7, 5));
    expect(datasetScenes(7, 20).slice(0, 5)).toEqual(datasetScenes(7, 5));
    expect(datasetScene(8, 0).expression).not.toEqual(datasetScene(7, 0).expression);
    expect(datasetScene(7, 1).shape).not.toEqual(datasetScene(7, 0).shape);
  });

  it('cover wide ranges: every demo expression component strongly active somewhere, open jaws, turned heads, every background kind', () => {
    const scenes = datasetScenes(1, 300);
    for (let k = 0; k < demoExpressionComponents; k++) expect(Math.max(...scenes.map((s) => s.expression[k]))).toBeGreaterThan(1.5);
    expect(scenes.every((s) => s.expression.slice(demoExpressionComponents).every((v) => v === 0))).toBe(true);
    expect(Math.max(...scenes.map((s) => s.pose[3]))).toBeGreaterThan(0.2);
    const yaw = scenes.map((s) => s.pose[1]);
    expect(Math.min(...yaw)).toBeLessThan(-0.5);
    expect(Math.max(...yaw)).toBeGreaterThan(0.5);
    // identity varies within the demo head's 20 components only
    expect(scenes.every((s) => s.shape.slice(20).every((v) => v === 0))).toBe(true);
    expect(new Set(scenes.map((s) => s.shape[0])).size).toBeGreaterThan(250);
    expect(new Set(scenes.map((s) => s.background.kind))).toEqual(new Set(['plain', 'gradient', 'noise', 'stripes', 'checker']));
  });

  it('refuses a count or seed that is not a whole number', () => {
    expect(() => datasetScenes(1, 0)).toThrow(/positive whole number/);
    expect(() => datasetScenes(-1, 3)).toThrow(/non-negative/);
  });
});

describe('demo backgrounds', () => {
  it('a gradient is the same per pixel as the demo album computed it per row; textures vary across x', () => {
    const gradient: Background = { kind: 'gradient', top: [200, 100, 0], bottom: [0, 100, 200] };
    const out = [0, 0, 0];
    backgroundAt(gradient, 17, 30, 64, out);
    const t = 30.5 / 64;
    expect(out[0]).toBeCloseTo((200 * (1 - t)) / 255, 12);
    expect(out[2]).toBeCloseTo((200 * t) / 255, 12);
    for (const background of [
      { kind: 'noise', a: [0, 0, 0], b: [255, 255, 255], cells: 6, seed: 3 },
      { kind: 'stripes', a: [0, 0, 0], b: [255, 255, 255], period: 0.1, angle: 0 },
      { kind: 'checker', a: [0, 0, 0], b: [255, 255, 255], cells: 8 },
    ] as Background[]) {
      const row = Array.from({ length: 64 }, (_, x) => { backgroundAt(background, x, 10, 64, out); return out[0]; });
      expect(Math.max(...row) - Math.min(...row)).toBeGreaterThan(0.3);
      expect(row.every((v) => v >= 0 && v <= 1)).toBe(true);
    }
  });
});

describe('writeDemoDataset', () => {
  const pool = new InlinePool(workerTasks);
  const request = (outDir: string) => ({ outDir, count: 3, size: 64, seed: 11 });

  it('writes importable photos, exact buffers and the codes; the same seed gives the same bytes; a second run finishes a partial one', async () => {
    const a = join(tmp.dir, 'set-a');
    const b = join(tmp.dir, 'set-b');
    const progress: number[] = [];
    const first = await writeDemoDataset(request(a), { pool, onProgress: (done) => progress.push(done) });
    expect(first).toMatchObject({ rendered: 3, kept: 0 });
    expect(progress).toEqual([1, 2, 3]);
    const names = readdirSync(join(a, 'images')).sort();
    expect(names).toEqual(datasetScenes(11, 3).map((s) => s.fileName).sort());
    for (const name of names) {
      const meta = await sharp(join(a, 'images', name)).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(['png', 64, 64]);
    }
    const index = JSON.parse(readFileSync(join(a, 'codes.json'), 'utf8')) as DatasetIndex;
    expect(index).toMatchObject({ format: 'rig-studio-demo-dataset/1', seed: 11, count: 3, size: 64 });
    expect(index.photos.map((p) => p.expression)).toEqual(datasetScenes(11, 3).map((s) => s.expression));
    for (const photo of index.photos) {
      expect(photo.landmarks).toHaveLength(68);
      expect(photo.landmarks.every(([x, y]) => x > 0 && x < 64 && y > 0 && y < 64)).toBe(true);
    }
    const batched = readNpz(readFileSync(join(a, 'codes.npz')));
    expect(batched.get('exp')!.shape).toEqual([3, 50]);
    expect(batched.get('light')!.shape).toEqual([3, 9, 3]);
    const buffers = readNpz(readFileSync(join(a, 'buffers', names[0].replace('.png', '.npz'))));
    for (const key of ['rendered', 'normal', 'albedo']) expect(buffers.get(key)!.shape).toEqual([3, 64, 64]);
    const mask = buffers.get('mask')!.data as Float32Array;
    const covered = mask.reduce((s, v) => s + v, 0) / mask.length;
    expect(covered).toBeGreaterThan(0.15); // the head fills a good part of the frame
    expect(covered).toBeLessThan(0.9);

    await writeDemoDataset(request(b), { pool });
    for (const name of names) expect(sha(join(b, 'images', name))).toBe(sha(join(a, 'images', name)));
    expect(readFileSync(join(b, 'codes.json'), 'utf8')).toBe(readFileSync(join(a, 'codes.json'), 'utf8'));

    // as a killed run leaves it: one photo unfinished (its marker file missing), no codes.json yet
    rmSync(join(a, '.tmp', names[1].replace('.png', '.landmarks.json')));
    rmSync(join(a, 'codes.json'));
    const again = await writeDemoDataset(request(a), { pool });
    expect(again).toMatchObject({ rendered: 1, kept: 2 });
    expect(readFileSync(join(a, 'codes.json'), 'utf8')).toBe(readFileSync(join(b, 'codes.json'), 'utf8'));
    expect(sha(join(a, 'images', names[1]))).toBe(sha(join(b, 'images', names[1])));
  });

  it('refuses a folder holding another dataset or other files, naming the folder', async () => {
    const other = join(tmp.dir, 'other');
    mkdirSync(other);
    writeFileSync(join(other, 'notes.txt'), 'mine');
    await expect(writeDemoDataset(request(other), { pool })).rejects.toThrow(`${other}: the folder is not empty`);
    await expect(writeDemoDataset({ ...request(join(tmp.dir, 'set-a')), seed: 12 }, { pool })).rejects.toThrow(/seed 11, not 12/);
    await expect(writeDemoDataset({ ...request(join(tmp.dir, 'x')), size: 32 }, { pool })).rejects.toThrow(/--size must be/);
  });

  it('stops between photos when cancelled and says how to finish', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(writeDemoDataset(request(join(tmp.dir, 'cancelled')), { pool, signal: controller.signal })).rejects.toThrow(/cancelled after 0 of 3 photos; run the same command again/);
  });

  it('imports into an album with each photo\'s exact codes as its demo-ground-truth estimate', async () => {
    const dir = join(tmp.dir, 'set-a');
    const index = JSON.parse(readFileSync(join(dir, 'codes.json'), 'utf8')) as DatasetIndex;
    const backend = new Backend({ mode: 'serve', dataDir: join(tmp.dir, 'data'), workerScript: 'inline' });
    try {
      await backend.createProject(join(tmp.dir, 'project'), 'dataset');
      const open = backend.require();
      const album = open.library.createAlbum('Generated');
      const report = await importDemoDataset(open, album.id, dir, index);
      expect(report).toMatchObject({ imported: 3, duplicates: 0, estimated: 3 });
      const store = new EstimateStore(open.project.db);
      const photos = open.library.listPhotos(album.id, 0, 10).items;
      for (const photo of photos) {
        const entry = index.photos.find((p) => p.file.endsWith(photo.fileName))!;
        const codes = store.requireCodes(photo.id);
        expect(codes.estimator).toBe(groundTruthEstimator);
        expect(codes.codes.expression).toEqual(entry.expression);
        expect(codes.codes.pose).toEqual(entry.pose);
        for (let i = 0; i < 3; i++) expect(codes.codes.camera[i]).toBeCloseTo(entry.cam[i], 5);
      }
      // again: nothing new, estimates kept
      expect(await importDemoDataset(open, album.id, dir, index)).toMatchObject({ imported: 0, duplicates: 3, estimated: 0 });
    } finally {
      await backend.close();
    }
  });
});
