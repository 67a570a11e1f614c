import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlameEvaluator } from '../../../src/common/flame/evaluate';
import { groundTruthEstimate } from '../../../src/main/app/demo/groundTruth';
import { sceneLandmarks } from '../../../src/main/app/demo/photos';
import { headTexture, renderDemoScene } from '../../../src/main/app/demo/render';
import { demoScenes } from '../../../src/main/app/demo/scenes';
import { saveGroundTruth } from '../../../src/main/app/demo/store';
import { FlameRenderService } from '../../../src/main/flame/renderTask';
import { parseObj } from '../../../src/main/io/obj';
import { InlinePool } from '../../../src/main/jobs/pool';
import { workerTasks } from '../../../src/main/app/workerTasks';
import { loadHeadModel, locateHeadModel } from '../../../src/main/head/activeModel';
import { projectRoot } from '../../helpers/shared';
import { ensureBuilt } from './built';
import { runCli } from './run';
import { openTestProject, type TestProject } from '../library/harness';
import { checkGlb } from '../texture/files';

describe('rig-studio export-head', () => {
  let t: TestProject;
  let projectDir: string;
  let dataDir: string;
  let photoId: number;
  let bareId: number;

  beforeAll(async () => {
    ensureBuilt();
    t = openTestProject();
    projectDir = t.project.dir;
    dataDir = join(t.root, 'data');
    mkdirSync(dataDir);
    const head = await loadHeadModel(locateHeadModel({ flameFiles: () => null, demoHeadDir: join(projectRoot, 'resources', 'demo-head') }));
    const scene = demoScenes()[1];
    const { png } = await renderDemoScene(new FlameRenderService(new InlinePool(workerTasks)), head, headTexture(head), scene);
    writeFileSync(join(t.root, 'face.png'), png);
    writeFileSync(join(t.root, 'bare.png'), png.subarray(0, png.length)); // same bytes: a duplicate would be skipped, so use another album
    const album = t.library.createAlbum('A');
    const other = t.library.createAlbum('B');
    await t.importPaths(album.id, [join(t.root, 'face.png')]);
    await t.importPaths(other.id, [join(t.root, 'bare.png')]);
    photoId = t.library.listPhotos(album.id, 0, 1).items[0].id;
    bareId = t.library.listPhotos(other.id, 0, 1).items[0].id;
    await saveGroundTruth(t.project, photoId, groundTruthEstimate(scene, sceneLandmarks(new FlameEvaluator(head.model), scene)));
    await t.runner.close();
    t.project.close();
  }, 120_000);
  afterAll(() => t.close().catch(() => undefined));

  it('writes OBJ + MTL + PNG named after --out, and a .glb; --json reports the files and texel sources', async () => {
    const out = join(t.root, 'exports');
    mkdirSync(out);
    const obj = await runCli(['export-head', '--project', projectDir, '--photo', String(photoId), '--out', join(out, 'me.obj'), '--texture-size', '256'], dataDir);
    expect(obj.stderr + obj.stdout).toContain('wrote');
    expect(obj.code).toBe(0);
    const mesh = parseObj(readFileSync(join(out, 'me.obj'), 'utf8'), 'me.obj');
    expect(mesh.uvFaces).not.toBeNull();
    expect(readFileSync(join(out, 'me.mtl'), 'utf8')).toContain('map_Kd me.png');
    expect(readFileSync(join(out, 'me.png')).subarray(1, 4).toString()).toBe('PNG');

    const glb = await runCli(['export-head', '--project', projectDir, '--photo', String(photoId), '--out', join(out, 'me.glb'), '--json'], dataDir);
    expect(glb.code).toBe(0);
    const report = JSON.parse(glb.stdout) as { files: string[]; texture: { size: number; photo: number; mirror: number; albedo: number; spread: number } };
    expect(report.files).toEqual([join(out, 'me.glb')]);
    expect(report.texture.size).toBe(512);
    expect(report.texture.photo + report.texture.mirror + report.texture.albedo + report.texture.spread).toBe(512 * 512);
    checkGlb(new Uint8Array(readFileSync(join(out, 'me.glb'))));
  }, 120_000);

  it('names the problem: a photo without an estimate, a missing or unwritable folder, a wrong extension', async () => {
    const bare = await runCli(['export-head', '--project', projectDir, '--photo', String(bareId), '--out', join(t.root, 'x.glb')], dataDir);
    expect(bare.code).toBe(1);
    expect(bare.stderr).toMatch(/bare\.png \(photo \d+\) has no FLAME estimate yet/);

    const missing = await runCli(['export-head', '--project', projectDir, '--photo', String(photoId), '--out', join(t.root, 'nowhere', 'x.glb')], dataDir);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`the folder ${join(t.root, 'nowhere')} does not exist`);

    const locked = join(t.root, 'locked');
    mkdirSync(locked);
    chmodSync(locked, 0o500);
    const isRoot = process.getuid?.() === 0; // root may write anywhere: the check cannot refuse then
    const unwritable = await runCli(['export-head', '--project', projectDir, '--photo', String(photoId), '--out', join(locked, 'x.glb')], dataDir);
    if (!isRoot) {
      expect(unwritable.code).toBe(1);
      expect(unwritable.stderr).toContain(`the folder ${locked} is not writable`);
    }
    chmodSync(locked, 0o700);
    mkdirSync(join(t.root, 'taken.glb'));
    const folder = await runCli(['export-head', '--project', projectDir, '--photo', String(photoId), '--out', join(t.root, 'taken.glb')], dataDir);
    expect(folder.code).toBe(1);
    expect(folder.stderr).toContain(`cannot write ${join(t.root, 'taken.glb')}: it is a folder`);

    const wrong = await runCli(['export-head', '--project', projectDir, '--photo', String(photoId), '--out', join(t.root, 'x.fbx')], dataDir);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("--out must end in .obj, .glb or .gltf (got 'x.fbx')");
  }, 120_000);
});
