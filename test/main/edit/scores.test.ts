import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { FaceAnalyser } from '../../../src/main/face/analyse';
import { loadImage } from '../../../src/main/face/image';
import { emotionAgreement, FaceScorer, forDetection, meanLandmarkDistance, scoresCsv } from '../../../src/main/edit/scores';
import { OnnxBackend } from '../../../src/main/nn/backend';
import { sharedPath } from '../../helpers/shared';
import { estimatorCache } from '../../../src/main/estimate/task';
import { expressionOfCode, expressionVector, rmse } from '../../../src/main/edit/expression';
import { packCode } from '../../../src/common/flame/codes';

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
      {
        id: 2, sourcePhotoId: 2, targetPhotoId: 3, modes: 'exp',
        scores: { identity: null, emotion: null, landmarkError: null, expressionError: 0.25, sourceExpressionError: 0.5, expressionEstimator: 'fit', sharpness: 12.5, waveletNoise: 1.5, notes: [] },
        provenance: { model: { name: 'Demo "base"' }, sampler: { steps: 20 }, timing: { totalMs: 1250 } },
      },
    ]);
    expect(csv).toBe(
      'resultId,sourcePhotoId,targetPhotoId,modes,model,sampler,steps,secondsPerEdit,identity,emotionAgreement,landmarkErrorPx,expressionError,sourceExpressionError,expressionEstimator,sharpness,waveletNoise,notes\n' +
        '1,2,3,exp,,,,,0.9,0.75,2.5,,,,,,"a ""b"""\n' +
        '2,2,3,exp,"Demo ""base""",ddim,20,1.25,,,,0.25,0.5,fit,12.5,1.5,""\n',
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

describe('expression error', () => {
  const backend = new OnnxBackend({ providers: ['cpu'] });
  const estimators = estimatorCache(backend);
  const fit = { kind: 'fit' as const, flameModel: null, decaDataDir: null };
  const scorer = new FaceScorer(backend, { estimateCode: async (spec, image) => (await (await estimators(spec)).estimate(image)).code });
  afterAll(() => backend.disposeAll());

  it('re-estimates the generated face and the source with the chosen estimator: 0 against its own codes, more against another face\'s', async () => {
    const path = sharedPath('faces', 'examples', 'alfw1.png');
    const image = await loadImage(path);
    const own = expressionOfCode((await (await estimators(fit)).estimate((await forDetection(image)).image)).code);
    const same = await scorer.score({ generated: image, sourcePath: path, targetPath: null, editedLandmarks: new Float64Array(0), expression: { spec: fit, estimator: 'fit', requested: own } });
    expect(same).toMatchObject({ expressionEstimator: 'fit' });
    expect(same.expressionError).toBeCloseTo(0, 6);
    expect(same.sourceExpressionError).toBeCloseTo(0, 6);
    const asked = own.map((v, i) => v + (i % 2 ? 0.5 : -0.5));
    const off = await scorer.score({ generated: image, sourcePath: path, targetPath: null, editedLandmarks: new Float64Array(0), expression: { spec: fit, estimator: 'fit', requested: asked } });
    expect(off.expressionError).toBeCloseTo(0.5, 5);
    expect(off.sourceExpressionError).toBeCloseTo(0.5, 5);
  }, 120_000);

  it('says why it cannot score: no estimator, an estimator that finds no face, a request that cannot run', async () => {
    const grey = { width: 64, height: 64, data: new Uint8Array(64 * 64 * 3).fill(128) };
    const request = { spec: fit, estimator: 'fit', requested: new Array(53).fill(0) };
    const failing = new FaceScorer(backend, { estimateCode: () => Promise.reject(new Error('no face found')) });
    const scored = await failing.score({ generated: grey, sourcePath: null, targetPath: null, editedLandmarks: new Float64Array(0), expression: request });
    expect(scored).toMatchObject({ expressionError: null, sourceExpressionError: null, expressionEstimator: 'fit' });
    expect(scored.notes).toEqual(expect.arrayContaining(['expression: no face found', 'source expression: no source image']));
    const none = await new FaceScorer(backend).score({ generated: grey, sourcePath: null, targetPath: null, editedLandmarks: new Float64Array(0), expression: request });
    expect(none.notes).toContain('expression: this scorer has no FLAME estimator');
    const unavailable = await failing.score({ generated: grey, sourcePath: null, targetPath: null, editedLandmarks: new Float64Array(0), expression: { unavailable: 'expression: needs DECA' } });
    expect(unavailable).toMatchObject({ expressionError: null, expressionEstimator: null });
    expect(unavailable.notes).toContain('expression: needs DECA');
    // without a request the result has no expression fields at all (scored before the measure existed)
    expect(await failing.score({ generated: grey, sourcePath: null, targetPath: null, editedLandmarks: new Float64Array(0) })).not.toHaveProperty('expressionError');
  }, 60_000);

  it('RMSE over expression and jaw; the vector of codes and of a packed code agree', () => {
    const codes = { shape: new Array(100).fill(0), expression: Array.from({ length: 50 }, (_, i) => i / 10), pose: [9, 9, 9, 0.1, 0.2, 0.3], camera: [1, 0, 0], light: new Array(27).fill(0) };
    expect(expressionVector(codes)).toEqual([...codes.expression, 0.1, 0.2, 0.3]);
    expect(expressionOfCode(packCode(codes)).map((v) => Math.round(v * 1e5) / 1e5)).toEqual(expressionVector(codes));
    expect(rmse([0, 0, 0, 0], [1, -1, 1, -1])).toBe(1);
    expect(() => rmse([1], [1, 2])).toThrow('expression vectors differ: 1 and 2 values');
  });
});
