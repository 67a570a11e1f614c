import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HeadExportFile } from '../../../src/common/contract/export';
import { FlameEvaluator } from '../../../src/common/flame/evaluate';
import { dispatch } from '../../../src/main/api/dispatch';
import { AppError } from '../../../src/main/core/errors';
import { createHandlers } from '../../../src/main/api/handlers';
import { Backend } from '../../../src/main/app/backend';
import { groundTruthEstimate } from '../../../src/main/app/demo/groundTruth';
import { sceneLandmarks } from '../../../src/main/app/demo/photos';
import { headTexture, renderDemoScene } from '../../../src/main/app/demo/render';
import { demoScenes } from '../../../src/main/app/demo/scenes';
import { saveGroundTruth } from '../../../src/main/app/demo/store';
import { FlameRenderService } from '../../../src/main/flame/renderTask';
import { InlinePool } from '../../../src/main/jobs/pool';
import { workerTasks } from '../../../src/main/app/workerTasks';
import { defaultDemoHeadDir, loadHeadModel, locateHeadModel } from '../../../src/main/head/activeModel';
import { tempDir } from '../library/fixtures';
import { checkGlb, readZip, type GltfDoc } from './files';

const tmp = tempDir();
const scene = demoScenes()[2];

describe('export.head channel', () => {
  const backend = new Backend({ mode: 'serve', dataDir: join(tmp.dir, 'data'), workerScript: 'inline' });
  const handlers = createHandlers(backend);
  let photoId: number;

  beforeAll(async () => {
    await backend.createProject(join(tmp.dir, 'p'), 'P');
    const { library, jobs, project } = backend.require();
    const head = await loadHeadModel(locateHeadModel({ flameFiles: () => null, demoHeadDir: defaultDemoHeadDir() }));
    const { png } = await renderDemoScene(new FlameRenderService(new InlinePool(workerTasks)), head, headTexture(head), scene);
    writeFileSync(join(tmp.dir, scene.fileName), png);
    const album = library.createAlbum('Demo');
    await jobs.wait(jobs.start('import', { albumId: album.id, paths: [join(tmp.dir, scene.fileName)] }).id);
    photoId = library.listPhotos(album.id, 0, 1).items[0].id;
    await saveGroundTruth(project, photoId, groundTruthEstimate(scene, sceneLandmarks(new FlameEvaluator(head.model), scene)));
  }, 60_000);
  afterAll(async () => {
    await backend.close();
    tmp.cleanup();
  });

  it('answers a download: glb (model/gltf-binary) and obj as a zip of OBJ + MTL + PNG, with the texel sources', async () => {
    const glb = (await dispatch(handlers, 'export.head', [{ photoId, format: 'glb', textureSize: 128 }])) as HeadExportFile;
    expect(glb).toMatchObject({ mime: 'model/gltf-binary', fileName: scene.fileName.replace(/\.png$/, '-head.glb') });
    checkGlb(new Uint8Array(Buffer.from(glb.base64, 'base64')));
    const t = glb.texture;
    expect(t.photo + t.mirror + t.albedo + t.spread).toBe(128 * 128);
    const obj = (await dispatch(handlers, 'export.head', [{ photoId, format: 'obj', textureSize: 128 }])) as HeadExportFile;
    expect(obj.mime).toBe('application/zip');
    expect([...readZip(new Uint8Array(Buffer.from(obj.base64, 'base64'))).keys()].map((n) => n.split('.').pop())).toEqual(['obj', 'mtl', 'png']);
  });

  it('poses the head with the codes it is given (the viewport sliders), and says so', async () => {
    const codes = { shape: [...scene.shape], expression: [...scene.expression], pose: [...scene.pose], camera: [...scene.cam], light: [...scene.light] };
    codes.expression[0] = 2; // jaw drop
    const file = (await dispatch(handlers, 'export.head', [{ photoId, format: 'gltf', textureSize: 128, codes }])) as HeadExportFile;
    expect(file.description).toContain('codes from the viewport');
    expect(file.mime).toBe('model/gltf+json');
    const plain = (await dispatch(handlers, 'export.head', [{ photoId, format: 'gltf', textureSize: 128 }])) as HeadExportFile;
    const positions = (f: HeadExportFile) => {
      const doc = JSON.parse(Buffer.from(f.base64, 'base64').toString('utf8')) as GltfDoc;
      const bin = Buffer.from(doc.buffers[0].uri!.split(',')[1], 'base64');
      const view = doc.bufferViews[doc.accessors[0].bufferView];
      return new Float32Array(bin.buffer.slice(bin.byteOffset + view.byteOffset, bin.byteOffset + view.byteOffset + view.byteLength));
    };
    const [moved, rest] = [positions(file), positions(plain)];
    expect(moved.length).toBe(rest.length);
    expect(Math.max(...moved.map((v, i) => Math.abs(v - rest[i])))).toBeGreaterThan(1e-3); // the jaw dropped
  });

  it('refuses bad requests with a code and a message naming the problem', async () => {
    const refused = async (params: unknown) => {
      try {
        await dispatch(handlers, 'export.head', [params]);
      } catch (e) {
        return e as AppError;
      }
      throw new Error('not refused');
    };
    expect((await refused({ format: 'glb' })).code).toBe('invalid-params');
    expect((await refused({ photoId, format: 'fbx' })).code).toBe('invalid-params');
    const codes = { shape: [...scene.shape], expression: [...scene.expression], pose: [...scene.pose], camera: [...scene.cam], light: [...scene.light] };
    const both = await refused({ resultId: 5, format: 'glb', codes });
    expect([both.code, both.message]).toEqual(['invalid-params', expect.stringContaining('codes go with a photo')]);
    const missing = await refused({ photoId: 999, format: 'glb' });
    expect([missing.code, missing.message]).toEqual(['not-found', 'photo 999 does not exist']);
  });
});
