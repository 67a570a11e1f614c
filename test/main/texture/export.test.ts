import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EditProvenance } from '../../../src/common/contract/edit';
import { FlameEvaluator } from '../../../src/common/flame/evaluate';
import { groundTruthEstimate } from '../../../src/main/app/demo/groundTruth';
import { sceneLandmarks } from '../../../src/main/app/demo/photos';
import { headTexture, renderDemoScene } from '../../../src/main/app/demo/render';
import { demoScenes } from '../../../src/main/app/demo/scenes';
import { saveGroundTruth } from '../../../src/main/app/demo/store';
import { EditStore } from '../../../src/main/edit/store';
import { EstimateStore } from '../../../src/main/estimate/store';
import { FlameRenderService } from '../../../src/main/flame/renderTask';
import { parseObj } from '../../../src/main/io/obj';
import { InlinePool } from '../../../src/main/jobs/pool';
import { workerTasks } from '../../../src/main/app/workerTasks';
import { HeadExporter } from '../../../src/main/texture/service';
import { loadHeadModel, locateHeadModel } from '../../../src/main/head/activeModel';
import { openTestProject, type TestProject } from '../library/harness';
import { projectRoot } from '../../helpers/shared';
import { checkGlb, readZip, type GltfDoc } from './files';

const demoHeadDir = join(projectRoot, 'resources', 'demo-head');

describe('textured head export of a project photo (demo head, ground-truth codes)', () => {
  let t: TestProject;
  let photoId: number;
  let unestimatedId: number;
  let exporter: HeadExporter;
  const scene = demoScenes()[4];

  beforeAll(async () => {
    t = openTestProject();
    const head = await loadHeadModel(locateHeadModel({ flameFiles: () => null, demoHeadDir }));
    const { png } = await renderDemoScene(new FlameRenderService(new InlinePool(workerTasks)), head, headTexture(head), scene);
    writeFileSync(join(t.root, scene.fileName), png);
    writeFileSync(join(t.root, 'other.png'), await sharp({ create: { width: 64, height: 64, channels: 3, background: '#808080' } }).png().toBuffer());
    const album = t.library.createAlbum('Demo');
    await t.importPaths(album.id, [join(t.root, scene.fileName), join(t.root, 'other.png')]);
    const photos = t.library.listPhotos(album.id, 0, 10).items;
    photoId = photos.find((p) => p.fileName === scene.fileName)!.id;
    unestimatedId = photos.find((p) => p.fileName === 'other.png')!.id;
    await saveGroundTruth(t.project, photoId, groundTruthEstimate(scene, sceneLandmarks(new FlameEvaluator(head.model), scene)));
    exporter = new HeadExporter({ project: () => t.project, pool: new InlinePool(workerTasks), heads: { flameFiles: () => null, demoHeadDir } });
  }, 60_000);
  afterAll(() => t.close());

  it('OBJ + MTL + PNG: the OBJ re-reads with the project reader (UV faces, mtllib), the MTL names the PNG, the PNG is the texture', async () => {
    const done = await exporter.export({ photoId, format: 'obj', textureSize: 256 });
    const stem = scene.fileName.replace(/\.png$/, '');
    expect(done.files.map((f) => f.name)).toEqual([`${stem}-head.obj`, `${stem}-head.mtl`, `${stem}-head.png`]);
    const [obj, mtl, png] = done.files;
    const text = Buffer.from(obj.bytes).toString('utf8');
    expect(text).toMatch(new RegExp(`^mtllib ${stem}-head\\.mtl$`, 'm'));
    const mesh = parseObj(text, obj.name);
    expect(mesh.vertices.length / 3).toBe(done.vertexCount);
    expect(mesh.faces.length / 3).toBe(done.faceCount);
    expect(mesh.uvFaces?.length).toBe(mesh.faces.length);
    expect(Buffer.from(mtl.bytes).toString('utf8')).toMatch(new RegExp(`^map_Kd ${stem}-head\\.png$`, 'm'));
    const meta = await sharp(png.bytes).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 256, 256]);
    expect(done.counts.photo + done.counts.mirror + done.counts.albedo + done.counts.spread).toBe(256 * 256);
    expect(done.description).toContain(scene.fileName);
  });

  it('obj-zip holds the same three files; glb embeds the texture in a valid binary glTF; gltf embeds its buffer', async () => {
    const zip = await exporter.export({ photoId, format: 'obj-zip', textureSize: 256 });
    const entries = readZip(zip.files[0].bytes);
    expect([...entries.keys()].map((n) => n.split('.').pop())).toEqual(['obj', 'mtl', 'png']);
    parseObj(entries.get([...entries.keys()][0])!.toString('utf8'));

    const glb = await exporter.export({ photoId, format: 'glb', textureSize: 256 });
    expect(glb.files[0].name).toMatch(/-head\.glb$/);
    const { json, png } = checkGlb(glb.files[0].bytes);
    expect((await sharp(png).metadata()).width).toBe(256);
    expect(json.materials[0].extensions).toHaveProperty('KHR_materials_unlit');

    const gltf = await exporter.export({ photoId, format: 'gltf', textureSize: 256 });
    const doc = JSON.parse(Buffer.from(gltf.files[0].bytes).toString('utf8')) as GltfDoc;
    expect(doc.buffers[0].uri).toMatch(/^data:application\/octet-stream;base64,/);
    const bin = Buffer.from(doc.buffers[0].uri!.split(',')[1], 'base64');
    expect(bin.length).toBe(doc.buffers[0].byteLength);
    const imageView = doc.bufferViews[doc.images[0].bufferView];
    expect((await sharp(bin.subarray(imageView.byteOffset, imageView.byteOffset + imageView.byteLength)).metadata()).format).toBe('png');
  });

  it('an edit result exports with its own codes over its generated image', async () => {
    const estimate = new EstimateStore(t.project.db).get(photoId)!;
    const store = new EditStore(t.project);
    const image = await sharp(join(t.project.dir, estimate.alignedPath)).png().toBuffer();
    const hash = createHash('sha256').update(image).digest('hex');
    store.writeImage(hash, image);
    const codes = { shape: [...scene.shape], expression: [...scene.expression], pose: [...scene.pose], camera: [...scene.cam], light: [...scene.light] };
    const provenance = { codes, sourceCodes: codes, sourcePhotoId: photoId, sampleHash: hash, buffersHash: hash } as unknown as EditProvenance;
    const result = store.addResult({ jobId: null, albumId: 1, modelId: null, sourcePhotoId: photoId, targetPhotoId: null, modes: 'exp', imageHash: hash, provenance, scores: null });
    const done = await exporter.export({ resultId: result.id, format: 'glb', textureSize: 128 });
    expect(done.files[0].name).toBe(`${scene.fileName.replace(/\.png$/, '')}-result-${result.id}-head.glb`);
    expect(done.description).toContain(`edit result ${result.id}`);
    await expect(exporter.export({ photoId: unestimatedId, resultId: result.id, format: 'glb' })).rejects.toThrow(/was made from photo/);
  });

  it('bad input is refused with a message naming what: no estimate, no such photo or result', async () => {
    await expect(exporter.export({ photoId: unestimatedId, format: 'glb' })).rejects.toThrow(/other\.png \(photo \d+\) has no FLAME estimate yet/);
    await expect(exporter.export({ photoId: 9999, format: 'glb' })).rejects.toThrow(/photo 9999 does not exist/);
    await expect(exporter.export({ resultId: 9999, format: 'glb' })).rejects.toThrow(/edit result 9999 does not exist/);
  });
});
