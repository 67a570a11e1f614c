import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { FlameEvaluator } from '../../../src/common/flame/evaluate';
import type { FlameModel } from '../../../src/common/flame/model';
import type { SkinningCodes } from '../../../src/common/flame/codes';
import { createDecaBuffers, renderDecaBuffers, sampleTexture, type Texture } from '../../../src/common/render/decaBuffers';
import { headTexture, renderDemoScene } from '../../../src/main/app/demo/render';
import { demoScenes } from '../../../src/main/app/demo/scenes';
import { loadFlameModel } from '../../../src/main/flame/loadModel';
import { FlameRenderService } from '../../../src/main/flame/renderTask';
import { loadTextureImage, loadUvLayout } from '../../../src/main/flame/textureSpace';
import { InlinePool } from '../../../src/main/jobs/pool';
import { workerTasks } from '../../../src/main/app/workerTasks';
import { bakePhotoTexture, pushPull, texelSource, type BakedTexture } from '../../../src/main/texture/bake';
import { mirrorMap } from '../../../src/main/texture/symmetry';
import { loadHeadModel, locateHeadModel } from '../../../src/main/head/activeModel';
import type { ActiveHeadModel } from '../../../src/main/head/activeModel';
import { projectRoot, sharedPath } from '../../helpers/shared';

/** The demo's aligned 256 image of a 512 render: 2 × 2 box filter (as the demo's ground truth does). */
async function alignedOf(png: Buffer): Promise<Texture> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const size = info.width / 2;
  const out = new Float32Array(size * size * 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      for (let c = 0; c < 3; c++) {
        const at = (dx: number, dy: number) => data[((2 * y + dy) * info.width + 2 * x + dx) * 3 + c];
        out[(y * size + x) * 3 + c] = Math.round((at(0, 0) + at(1, 0) + at(0, 1) + at(1, 1)) / 4) / 255;
      }
    }
  }
  return { width: size, height: size, data: out };
}

/**
 * Renders the posed head with the baked texture through the same camera (albedo buffer = the
 * texture sampled through the UVs) and returns the PSNR against the photo over `inMask`.
 */
function reproduction(model: FlameModel, codes: SkinningCodes, baked: BakedTexture, photo: Texture, inMask: (pixel: number, buffers: ReturnType<typeof createDecaBuffers>) => boolean) {
  const frame = new FlameEvaluator(model).evaluate(codes, { landmarks: false });
  const buffers = renderDecaBuffers(
    { projected: frame.projected, normals: frame.normals, faces: model.faces, light: codes.light!, uv: model.uv, texture: { width: baked.size, height: baked.size, data: baked.data } },
    createDecaBuffers(photo.width),
  );
  // Erode the coverage by 2 px: the silhouette's pixels are partly background in the photo.
  const W = photo.width;
  const eroded = (p: number) => {
    const x = p % W, y = Math.floor(p / W);
    for (let dy = -2; dy <= 2; dy++) for (let dx = -2; dx <= 2; dx++) {
      const X = x + dx, Y = y + dy;
      if (X < 0 || Y < 0 || X >= W || Y >= W || buffers.mask[Y * W + X] === 0) return false;
    }
    return true;
  };
  let sum = 0, n = 0;
  for (let p = 0; p < W * W; p++) {
    if (!eroded(p) || !inMask(p, buffers)) continue;
    for (let c = 0; c < 3; c++) sum += (buffers.albedo[p * 3 + c] - photo.data[p * 3 + c]) ** 2;
    n += 3;
  }
  return { psnr: 10 * Math.log10(1 / (sum / n)), pixels: n / 3 };
}

function expectEveryTexelFilled(baked: BakedTexture) {
  const { photo, mirror, albedo, spread } = baked.counts;
  expect(photo + mirror + albedo + spread).toBe(baked.size * baked.size);
  expect(baked.source.every((s) => s !== texelSource.none)).toBe(true);
  expect(baked.data.every(Number.isFinite)).toBe(true);
}

describe('photo texture of the demo head (synthetic demo photos: exact codes)', () => {
  let head: ActiveHeadModel;
  beforeAll(async () => {
    head = await loadHeadModel(locateHeadModel({ flameFiles: () => null, demoHeadDir: join(projectRoot, 'resources', 'demo-head') }));
  });

  it.each([0, 4])('scene %i: the textured head rendered with the fitted camera reproduces the photo (PSNR ≥ 40 dB on front-facing pixels), every texel filled', async (index) => {
    const scene = demoScenes()[index];
    const { png } = await renderDemoScene(new FlameRenderService(new InlinePool(workerTasks)), head, headTexture(head), scene);
    const photo = await alignedOf(png);
    const codes: SkinningCodes = { shape: scene.shape, expression: scene.expression, pose: scene.pose, camera: scene.cam, light: scene.light };
    const baked = bakePhotoTexture({ model: head.model, codes, photo, size: 512, albedo: headTexture(head) });
    expectEveryTexelFilled(baked);
    expect(baked.counts.photo).toBeGreaterThan(0.2 * baked.counts.inside);
    // Front-facing (normal within ~70° of the view direction, the camera looks along −z).
    const { psnr, pixels } = reproduction(head.model, codes, baked, photo, (p, b) => b.normal[p * 3 + 2] > 0.35);
    console.log(`demo scene ${index} (${scene.title}): PSNR ${psnr.toFixed(2)} dB over ${pixels} px; texels photo ${baked.counts.photo}, mirror ${baked.counts.mirror}, albedo ${baked.counts.albedo}, spread ${baked.counts.spread}`);
    expect(pixels).toBeGreaterThan(5000);
    expect(psnr).toBeGreaterThanOrEqual(40);
  });

  it('wrong codes do not reproduce the photo (the check can fail)', async () => {
    const scene = demoScenes()[0];
    const { png } = await renderDemoScene(new FlameRenderService(new InlinePool(workerTasks)), head, headTexture(head), scene);
    const photo = await alignedOf(png);
    const codes: SkinningCodes = { shape: scene.shape, expression: scene.expression, pose: scene.pose, camera: scene.cam, light: scene.light };
    // Bake through a shifted camera, then render with the true one: the texture is misplaced.
    const shifted = { ...codes, camera: [scene.cam[0], scene.cam[1] + 0.02, scene.cam[2]] };
    const baked = bakePhotoTexture({ model: head.model, codes: shifted, photo, size: 512, albedo: headTexture(head) });
    const { psnr } = reproduction(head.model, codes, baked, photo, (p, b) => b.normal[p * 3 + 2] > 0.35);
    console.log(`baked through a camera shifted by 0.02: PSNR ${psnr.toFixed(2)} dB`);
    expect(psnr).toBeLessThan(35);
  });

  it('a head that the camera puts outside the photo is refused by name', () => {
    const scene = demoScenes()[0];
    const photo: Texture = { width: 64, height: 64, data: new Float32Array(64 * 64 * 3) };
    expect(() => bakePhotoTexture({ model: head.model, codes: { shape: scene.shape, expression: scene.expression, pose: scene.pose, light: scene.light, camera: [8, 5, 5] }, photo, size: 64 })).toThrow(/no part of the head is visible/);
  });
});

describe('photo texture on FLAME topology (DECA head template UVs, face mask, mean texture)', () => {
  let model: FlameModel;
  let albedo: Texture;
  let faceMask: Texture;
  beforeAll(async () => {
    model = await loadFlameModel(sharedPath('fixtures', 'flame-synthetic', 'generic_model.pkl'));
    model.uv = await loadUvLayout(sharedPath('deca-data', 'head_template.obj'), { vertexCount: model.vertexCount, faceCount: model.faces.length / 3 });
    albedo = await loadTextureImage(sharedPath('deca-data', 'mean_texture.jpg'));
    faceMask = await loadTextureImage(sharedPath('deca-data', 'uv_face_mask.png'));
  }, 60_000);

  it('the mesh is left/right symmetric: nearly every face finds its mirror face', () => {
    const mirror = mirrorMap(model);
    console.log(`FLAME mirror faces: ${(mirror.matched * 100).toFixed(1)} %`);
    expect(mirror.matched).toBeGreaterThan(0.95);
    // Found from the geometry alone, the mirror of DECA's layout is u → 1 − u (it is symmetric about u = 0.5).
    const uv = model.uv!;
    let close = 0, total = 0;
    for (let f = 0; f < model.faces.length / 3; f++) {
      if (mirror.uvCorner[f * 3] < 0) continue;
      const centroid = (faces: ArrayLike<number>, at: number, c: number) => (uv.coords[faces[at] * 2 + c] + uv.coords[faces[at + 1] * 2 + c] + uv.coords[faces[at + 2] * 2 + c]) / 3;
      const [u, v] = [centroid(uv.faces, f * 3, 0), centroid(uv.faces, f * 3, 1)];
      const [mu, mv] = [centroid(mirror.uvCorner, f * 3, 0), centroid(mirror.uvCorner, f * 3, 1)];
      total++;
      if (Math.abs(mu - (1 - u)) < 0.02 && Math.abs(mv - v) < 0.02) close++;
    }
    console.log(`mirror UV = (1 − u, v) within 0.02 for ${close} of ${total} faces`);
    expect(close / total).toBeGreaterThan(0.85); // measured 88 %: DECA's layout is not exactly mirror-symmetric everywhere
  });

  it('a render of the mean texture, turned 25°: PSNR ≥ 40 dB inside DECA\'s face mask; the turned-away side is mirrored', async () => {
    // Pose: yaw 25°, slight jaw; camera framing the head in a 256 image.
    const codes: SkinningCodes = { pose: [0, 0.44, 0, 0.05, 0, 0], light: (() => { const l = new Array(27).fill(0); l[0] = l[1] = l[2] = 3.2; l[9] = 0.4; l[10] = 0.4; l[11] = 0.4; return l; })() };
    const rest = new FlameEvaluator(model).evaluate(codes, { projection: false, landmarks: false, shading: false });
    let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
    for (let i = 0; i < rest.vertices.length; i += 3) {
      minX = Math.min(minX, rest.vertices[i]); maxX = Math.max(maxX, rest.vertices[i]);
      minY = Math.min(minY, rest.vertices[i + 1]); maxY = Math.max(maxY, rest.vertices[i + 1]);
    }
    const s = 1.6 / Math.max(maxX - minX, maxY - minY);
    codes.camera = [s, -(minX + maxX) / 2, -(minY + maxY) / 2];
    // The photo: rendered at 512 and box-filtered to 256 over a grey background.
    const frame = new FlameEvaluator(model).evaluate(codes, { landmarks: false });
    const big = renderDecaBuffers({ projected: frame.projected, normals: frame.normals, faces: model.faces, light: codes.light!, uv: model.uv, texture: albedo }, createDecaBuffers(512));
    const photo: Texture = { width: 256, height: 256, data: new Float32Array(256 * 256 * 3) };
    for (let y = 0; y < 256; y++) for (let x = 0; x < 256; x++) for (let c = 0; c < 3; c++) {
      let v = 0;
      for (let dy = 0; dy < 2; dy++) for (let dx = 0; dx < 2; dx++) {
        const p = (2 * y + dy) * 512 + 2 * x + dx;
        v += big.mask[p] ? Math.min(1, Math.max(0, big.rendered[p * 3 + c])) : 0.5;
      }
      photo.data[(y * 256 + x) * 3 + c] = Math.round((v / 4) * 255) / 255;
    }
    const baked = bakePhotoTexture({ model, codes, photo, size: 512, albedo });
    expectEveryTexelFilled(baked);
    expect(baked.counts.mirror).toBeGreaterThan(0.02 * baked.counts.inside);
    // Image-space face mask: DECA's UV face mask rendered through the UVs.
    const maskBuffers = renderDecaBuffers({ projected: frame.projected, normals: frame.normals, faces: model.faces, light: codes.light!, uv: model.uv, texture: faceMask }, createDecaBuffers(256));
    const front = reproduction(model, codes, baked, photo, (p, b) => maskBuffers.albedo[p * 3] > 0.5 && b.normal[p * 3 + 2] > 0.35);
    // All of the mask, grazing pixels included (there the texture is partly mirrored / albedo by design).
    const all = reproduction(model, codes, baked, photo, (p) => maskBuffers.albedo[p * 3] > 0.5);
    console.log(`FLAME topology, yaw 25°: PSNR ${front.psnr.toFixed(2)} dB over ${front.pixels} front-facing face-mask px, ${all.psnr.toFixed(2)} dB over all ${all.pixels}; texels photo ${baked.counts.photo}, mirror ${baked.counts.mirror}, albedo ${baked.counts.albedo}, spread ${baked.counts.spread}`);
    expect(front.pixels).toBeGreaterThan(5000);
    expect(front.psnr).toBeGreaterThanOrEqual(40);
    expect(all.psnr).toBeGreaterThanOrEqual(35);
  }, 60_000);
});

describe('DECA\'s photo region', () => {
  it('with uv_face_eye_mask.png the photo is used only inside the mask, as DECA does', async () => {
    const model = await loadFlameModel(sharedPath('fixtures', 'flame-synthetic', 'generic_model.pkl'));
    model.uv = await loadUvLayout(sharedPath('deca-data', 'head_template.obj'), { vertexCount: model.vertexCount, faceCount: model.faces.length / 3 });
    const mask = await loadTextureImage(sharedPath('deca-data', 'uv_face_eye_mask.png'));
    const rest = new FlameEvaluator(model).evaluate({}, { projection: false, landmarks: false, shading: false });
    let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
    for (let i = 0; i < rest.vertices.length; i += 3) {
      minX = Math.min(minX, rest.vertices[i]); maxX = Math.max(maxX, rest.vertices[i]);
      minY = Math.min(minY, rest.vertices[i + 1]); maxY = Math.max(maxY, rest.vertices[i + 1]);
    }
    const s = 1.6 / Math.max(maxX - minX, maxY - minY);
    const codes: SkinningCodes = { camera: [s, -(minX + maxX) / 2, -(minY + maxY) / 2] };
    const photo: Texture = { width: 128, height: 128, data: new Float32Array(128 * 128 * 3).fill(0.5) };
    const size = 128;
    const unmasked = bakePhotoTexture({ model, codes, photo, size });
    const masked = bakePhotoTexture({ model, codes, photo, size, photoMask: mask });
    const sample = new Float32Array(3);
    let outside = 0;
    for (let p = 0; p < size * size; p++) {
      if (masked.source[p] !== texelSource.photo) continue;
      sampleTexture(mask, ((p % size) + 0.5) / size, 1 - (Math.floor(p / size) + 0.5) / size, sample, 0);
      if (sample[0] <= 0.5) outside++;
    }
    expect(outside).toBe(0);
    expect(masked.counts.photo).toBeGreaterThan(0);
    expect(masked.counts.photo).toBeLessThan(unmasked.counts.photo); // forehead, ears and neck are visible but outside the mask
  }, 60_000);
});

describe('push–pull fill', () => {
  it('fills every hole from the filled texels and keeps them', () => {
    const size = 37;
    const data = new Float32Array(size * size * 3);
    const source = new Uint8Array(size * size);
    source[5] = texelSource.photo; data.set([1, 0, 0], 15);
    source[size * size - 1] = texelSource.photo; data.set([0, 0, 1], (size * size - 1) * 3);
    const filled = pushPull(data, source, size);
    expect(filled).toBe(size * size - 2);
    expect(Array.from(data.subarray(15, 18))).toEqual([1, 0, 0]);
    expect(source.every((s) => s !== texelSource.none)).toBe(true);
    for (let p = 0; p < size * size; p++) expect(data[p * 3] + data[p * 3 + 2]).toBeCloseTo(1, 4); // mixtures of the two colours
  });
});
