import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { FaceAnalyser } from '../../../src/main/face/analyse';
import { loadImage } from '../../../src/main/face/image';
import { emotionAgreement, FaceScorer, forDetection, meanLandmarkDistance, scoresCsv } from '../../../src/main/edit/scores';
import { OnnxBackend } from '../../../src/main/nn/backend';
import { sharedPath } from '../../helpers/shared';

describe('edit scores with the npm-shipped face models', () => {
  const backend = new OnnxBackend({ providers: ['cpu'] });
  const scorer = new FaceScorer(backend);
  afterAll(() => backend.disposeAll());

  it('scores a face against itself: identity 1, emotion agreement 1, landmark error 0 (and the error follows a shift)', async () => {
    const path = sharedPath('faces', 'examples', 'alfw1.png');
    const image = await loadImage(path);
    const [face] = await new FaceAnalyser(backend, { maxFaces: 1 }).analyse(image);
    const detected = Float64Array.from(face.face.landmarks68.flat());
    const same = await scorer.score({ generated: image, sourcePath: path, targetPath: path, editedLandmarks: detected });
    expect(same.emotion).toBeCloseTo(1, 6);
    expect(same.landmarkError).toBeCloseTo(0, 6);
    expect(same.identity).toBeCloseTo(1, 5);
    expect(same.notes).toEqual([]);
    const shifted = detected.map((v, i) => (i % 2 === 0 ? v + 3 : v + 4));
    const moved = await scorer.score({ generated: image, sourcePath: null, targetPath: path, editedLandmarks: shifted });
    expect(moved.identity).toBeNull();
    expect(moved.notes.join(' ')).toMatch(/identity: no source image/);
    expect(moved.landmarkError).toBeCloseTo(5, 6);
  }, 120_000);

  it('another person and expression score lower identity and agreement; an image without a face gets no scores and says why', async () => {
    const neutral = sharedPath('faces', 'expressions', '0.jpg');
    const other = await loadImage(sharedPath('faces', 'expressions', '3.jpg'));
    const across = await scorer.score({ generated: other, sourcePath: neutral, targetPath: neutral, editedLandmarks: new Float64Array(0) });
    const self = await scorer.score({ generated: await loadImage(neutral), sourcePath: neutral, targetPath: neutral, editedLandmarks: new Float64Array(0) });
    expect(self.emotion!).toBeGreaterThan(across.emotion!);
    expect(self.identity!).toBeGreaterThan(0.9999);
    expect(across.identity!).toBeLessThan(0.6);
    expect(across.notes.join(' ')).toMatch(/no landmark embedding/);
    const grey = await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 128, g: 128, b: 128 } } }).raw().toBuffer();
    const none = await scorer.score({ generated: { width: 64, height: 64, data: new Uint8Array(grey) }, sourcePath: neutral, targetPath: neutral, editedLandmarks: new Float64Array(0) });
    // the image measures need no face: a flat grey image has neither edges nor noise
    expect(none).toMatchObject({ identity: null, emotion: null, landmarkError: null, sharpness: 0, waveletNoise: 0 });
    expect(none.notes.join(' ')).toMatch(/no face detected in the generated image/);
  }, 120_000);

  it('measures: total variation agreement, mean landmark distance, CSV rows', () => {
    const p = { angry: 0, disgust: 0, fear: 0, happy: 1, sad: 0, surprise: 0, neutral: 0 };
    const q = { ...p, happy: 0.5, neutral: 0.5 };
    expect(emotionAgreement(p, q)).toBeCloseTo(0.5, 12);
    expect(meanLandmarkDistance(new Float64Array(136), Array.from({ length: 68 }, () => [3, 4]))).toBe(5);
    const csv = scoresCsv([
      { id: 1, sourcePhotoId: 2, targetPhotoId: 3, modes: 'exp', scores: { identity: 0.9, emotion: 0.75, landmarkError: 2.5, notes: ['a "b"'] } },
      { id: 2, sourcePhotoId: 2, targetPhotoId: 3, modes: 'exp', scores: { identity: null, emotion: null, landmarkError: null, expressionError: 0.25, sourceExpressionError: 0.5, expressionEstimator: 'fit', sharpness: 12.5, waveletNoise: 1.5, notes: [] } },
    ]);
    expect(csv).toBe(
      'resultId,sourcePhotoId,targetPhotoId,modes,identity,emotionAgreement,landmarkErrorPx,expressionError,sourceExpressionError,expressionEstimator,sharpness,waveletNoise,notes\n' +
        '1,2,3,exp,0.9,0.75,2.5,,,,,,"a ""b"""\n' +
        '2,2,3,exp,,,,0.25,0.5,fit,12.5,1.5,""\n',
    );
  });

  it('upscales small images smoothly with pixel centres aligned: a ramp stays a monotone ramp, large images pass through', async () => {
    const w = 4;
    const ramp = { width: w, height: 1, data: Uint8Array.from({ length: w * 3 }, (_, i) => Math.floor(i / 3) * 80) };
    const { image, scale } = await forDetection(ramp);
    expect(scale).toBe(32);
    expect([image.width, image.height]).toEqual([128, 32]);
    const red = (x: number) => image.data[x * 3];
    // the centre of input pixel 1 (output x = 1.5·32 − ½) keeps its value; between centres it interpolates (no blocks)
    expect(Math.abs(red(47) - 80)).toBeLessThan(8);
    expect(red(63)).toBeGreaterThan(100);
    expect(red(63)).toBeLessThan(140);
    for (let x = 1; x < 128; x++) expect(red(x)).toBeGreaterThanOrEqual(red(x - 1) - 2);
    const big = { width: 128, height: 1, data: new Uint8Array(128 * 3) };
    expect(await forDetection(big)).toEqual({ image: big, scale: 1 });
  });
});
