import { describe, expect, it } from 'vitest';
import { OnnxBackend } from '../../../src/main/nn/backend';
import { loadImage, resizeLanczos } from '../../../src/main/face/image';
import type { RgbImage } from '../../../src/main/face/image';
import { loadDecaModel } from '../../../src/main/estimate/deca';
import { EstimateError, PhotoEstimator } from '../../../src/main/estimate/pipeline';
import { loadFittingHead } from '../../../src/main/estimate/head';
import { cameraToFrame } from '../../../src/main/estimate/camera';
import { applyAffine } from '../../../src/main/face/geometry';
import { sharedPath } from '../../helpers/shared';

describe('camera frames', () => {
  it('moves a camera between an image and its scaled, shifted crop without moving the projection', () => {
    const cam = [7.2, 0.01, -0.02];
    const transform = [0.8, 0, -12, 0, 0.8, 7] as [number, number, number, number, number, number];
    const other = cameraToFrame(cam, 256, transform, 224);
    for (const [x, y] of [[0.05, 0.02], [-0.03, 0.07]]) {
      const from = [cam[0] * (x + cam[1]) * 128 + 128, -cam[0] * (y + cam[2]) * 128 + 128];
      const to = [other[0] * (x + other[1]) * 112 + 112, -other[0] * (y + other[2]) * 112 + 112];
      const mapped = applyAffine(transform, from);
      expect(to[0]).toBeCloseTo(mapped[0], 9);
      expect(to[1]).toBeCloseTo(mapped[1], 9);
    }
    expect(() => cameraToFrame(cam, 256, [1, 0.1, 0, 0, 1, 0], 224)).toThrow(/uniform scale/);
  });
});

describe('photo → code pipeline', () => {
  const backend = new OnnxBackend({ providers: ['cpu'] });

  it('DECA: aligned crop, landmarks in both frames, a 236 code with the camera in both frames', async () => {
    const estimator = new PhotoEstimator(backend, { kind: 'deca', model: loadDecaModel(sharedPath('fixtures', 'deca-a', 'deca_model.tar')) });
    const image = await loadImage(sharedPath('faces', 'expressions', '2.jpg'));
    const result = await estimator.estimate(image);
    expect(result.estimator).toBe('deca');
    expect(result.code).toHaveLength(236);
    expect([result.aligned.width, result.aligned.height]).toEqual([256, 256]);
    expect(result.faceBoxes).toHaveLength(1);
    // landmarks in the aligned frame are the photo landmarks moved by the stored transform
    const moved = applyAffine(result.alignTransform, result.landmarks[30]);
    expect(moved[0]).toBeCloseTo(result.alignedLandmarks[30][0], 6);
    // the code's camera (DECA crop frame) and camAligned describe the same projection
    const back = cameraToFrame(result.code.subarray(206, 209), 224, [1 / result.decaTransform[0], 0, -result.decaTransform[2] / result.decaTransform[0], 0, 1 / result.decaTransform[0], -result.decaTransform[5] / result.decaTransform[0]], 256);
    for (let i = 0; i < 3; i++) expect(back[i]).toBeCloseTo(result.camAligned[i], 5);
    expect(Object.keys(result.emotion)).toHaveLength(7);
  });

  it('landmark fitting with the demo head: fits the aligned landmarks and solves the light', async () => {
    const head = await loadFittingHead(null);
    const estimator = new PhotoEstimator(backend, { kind: 'fit', head });
    const image = await loadImage(sharedPath('faces', 'expressions', '4.jpg'));
    const result = await estimator.estimate(image);
    expect(result.estimator).toBe('fit');
    expect(result.version).toContain('Demo head');
    console.log(`fit on a photo (demo head): RMS ${result.fit!.initialError.toFixed(1)} → ${result.fit!.finalError.toFixed(1)} px, ${result.fit!.iterations.rigid}+${result.fit!.iterations.full} iterations, ${result.fit!.milliseconds.toFixed(0)} ms; light from ${result.fit!.lightVertices} vertices, residual ${result.fit!.lightResidual.toFixed(3)}; total ${result.milliseconds.toFixed(0)} ms`);
    expect(result.fit!.finalError).toBeLessThan(result.fit!.initialError);
    expect(result.fit!.lightVertices).toBeGreaterThan(50);
    expect(Number.isFinite(result.code[209])).toBe(true);
    // a frontal face: small yaw
    expect(Math.abs(result.code[201])).toBeLessThan(0.3);
    // plausible codes: the priors keep detection noise and the demo head's mismatch out of the
    // expression (largest |component| 1.5 here; 2.7 with the earlier, weaker prior) and keep the
    // jaw from closing past rest (−0.05 rad; −0.28 before)
    const expression = Array.from(result.code.subarray(150, 200), Math.abs);
    expect(Math.max(...expression)).toBeLessThan(2);
    expect(result.code[203]).toBeGreaterThan(-0.1);
  });

  it('uses a photo that already is an FFHQ crop as it is (codes in its own frame), and aligns the others', async () => {
    const estimator = new PhotoEstimator(backend, { kind: 'fit', head: await loadFittingHead(null) });
    const photo = await loadImage(sharedPath('faces', 'expressions', '8.jpg'));
    const raw = await estimator.estimate(photo);
    expect(raw.alreadyAligned).toBe(false);
    const again = await estimator.estimate(raw.aligned);
    expect(again.alreadyAligned).toBe(true);
    expect(again.alignTransform).toEqual([1, 0, 0, 0, 1, 0]);
    // the aligned crop's landmarks are where the first run put them, to within detection noise
    let worst = 0;
    for (let i = 36; i < 48; i++) worst = Math.max(worst, Math.hypot(again.landmarks[i][0] - raw.alignedLandmarks[i][0], again.landmarks[i][1] - raw.alignedLandmarks[i][1]));
    expect(worst).toBeLessThan(4);
  });

  it('says why a photo has no estimate: no face, several faces (with their boxes), face too small', async () => {
    const estimator = new PhotoEstimator(backend, { kind: 'fit', head: await loadFittingHead(null) });
    const blank: RgbImage = { width: 200, height: 200, data: new Uint8Array(200 * 200 * 3).fill(90) };
    await expect(estimator.estimate(blank)).rejects.toMatchObject({ problem: 'no-face' });
    const a = await loadImage(sharedPath('faces', 'expressions', '0.jpg'));
    const b = await loadImage(sharedPath('faces', 'expressions', '8.jpg'));
    const both: RgbImage = { width: a.width + b.width, height: a.height, data: new Uint8Array((a.width + b.width) * a.height * 3) };
    for (const [img, x0] of [[a, 0], [b, a.width]] as const) {
      for (let y = 0; y < img.height; y++) both.data.set(img.data.subarray(y * img.width * 3, (y + 1) * img.width * 3), (y * both.width + x0) * 3);
    }
    const error = await estimator.estimate(both).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EstimateError);
    expect((error as EstimateError).problem).toBe('several-faces');
    expect((error as EstimateError).faceBoxes).toHaveLength(2);
    const chosen = await estimator.estimate(both, 1);
    expect(chosen.faceIndex).toBe(1);
    // a face whose eyes are closer than the minimum is refused as too small (here: a strict minimum)
    const strict = new PhotoEstimator(backend, { kind: 'fit', head: await loadFittingHead(null) }, { minEyeDistance: 100 });
    await expect(strict.estimate(a)).rejects.toMatchObject({ problem: 'face-too-small' });
    await expect(estimator.estimate(await resizeLanczos(a, 60, 60))).rejects.toBeInstanceOf(EstimateError);
  });
});
