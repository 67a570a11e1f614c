import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { OnnxBackend } from '../../../src/main/nn/backend';
import { FaceDetector } from '../../../src/main/face/detect';
import { loadImage } from '../../../src/main/face/image';
import { alignFfhq, cropDeca, decaCropBox, ffhqQuad, ffhqTransform, transformPoints } from '../../../src/main/face/align';
import { applyAffine, fitSimilarity, meanPoint } from '../../../src/main/face/geometry';
import { sharedPath } from '../../helpers/shared';

const photos = ['examples', 'expressions'].flatMap((sub) => readdirSync(sharedPath('faces', sub)).map((f) => join(sharedPath('faces', sub), f)));

/** An upright synthetic 68-point face: only eyes (36–47) and mouth corners (48, 54) matter to FFHQ. */
function syntheticLandmarks(eyeY: number, mouthY: number, eyeHalf: number, cx: number): number[][] {
  const lm = Array.from({ length: 68 }, () => [cx, (eyeY + mouthY) / 2]);
  for (let i = 36; i < 42; i++) lm[i] = [cx - eyeHalf, eyeY];
  for (let i = 42; i < 48; i++) lm[i] = [cx + eyeHalf, eyeY];
  lm[48] = [cx - eyeHalf * 0.8, mouthY];
  lm[54] = [cx + eyeHalf * 0.8, mouthY];
  return lm;
}

describe('alignment geometry', () => {
  it('FFHQ quad: centre 10% from the eyes towards the mouth, side max(4·eye distance, 3.6·eye–mouth)', () => {
    const lm = syntheticLandmarks(100, 160, 30, 200);
    const { quad, size } = ffhqQuad(lm);
    // eye distance 60 → 240; eye-to-mouth 60 → 216: the eyes win
    expect(size).toBeCloseTo(240, 9);
    expect(meanPoint(quad)).toEqual([200, 106]);
    const t = ffhqTransform(quad, 256);
    // the quad's corner edges become the image's corner edges
    expect(applyAffine(t, quad[0])).toEqual([-0.5, -0.5].map((v) => expect.closeTo(v, 9)));
    expect(applyAffine(t, quad[2])[0]).toBeCloseTo(255.5, 9);
    // FFHQ eye line: 128 − 0.1·60·256/240 = 121.6
    expect(applyAffine(t, [170, 100])[1]).toBeCloseTo(127.5 - 6.4, 9);
  });

  it('DECA crop: box of the 68 points, (w+h)/2·1.1·1.25 truncated, onto pixel centres 0…223', () => {
    const lm = [[100, 50], [200, 50], [100, 170], [200, 170], ...Array.from({ length: 64 }, () => [150, 110])];
    const { center, size } = decaCropBox(lm);
    expect(center).toEqual([150, 110]);
    expect(size).toBe(Math.trunc(110 * 1.1 * 1.25));
    const image = { width: 300, height: 300, data: new Uint8Array(300 * 300 * 3).fill(200) };
    const { crop, transform } = cropDeca(image, lm);
    expect(crop.width).toBe(224);
    expect(applyAffine(transform, [150 - size / 2, 110 - size / 2])).toEqual([0, 0].map((v) => expect.closeTo(v, 9)));
    expect(applyAffine(transform, [150 + size / 2, 110 + size / 2])).toEqual([223, 223].map((v) => expect.closeTo(v, 9)));
    expect(crop.data[(112 * 224 + 112) * 3]).toBeCloseTo(200, 3);
  });

  it('fits a similarity exactly when one exists', () => {
    const from: [number, number][] = [[0, 0], [10, 0], [0, 5], [7, 3]];
    const angle = 0.3;
    const to = from.map(([x, y]) => [2 * (Math.cos(angle) * x - Math.sin(angle) * y) + 4, 2 * (Math.sin(angle) * x + Math.cos(angle) * y) - 1] as [number, number]);
    const m = fitSimilarity(from, to);
    from.forEach((p, i) => expect(applyAffine(m, p).map((v, k) => Math.abs(v - to[i][k]))).toEqual([expect.closeTo(0, 9), expect.closeTo(0, 9)]));
  });
});

describe('FFHQ 256 alignment of every shared photo', () => {
  const detector = new FaceDetector(new OnnxBackend({ providers: ['cpu'] }));

  it.each(photos.map((p) => [p.split('/').slice(-2).join('/'), p]))('%s: eyes land on the FFHQ eye line', async (_name, path) => {
    const image = await loadImage(path);
    const [face] = await detector.detect(image);
    const aligned = await alignFfhq(image, face.landmarks68);
    expect([aligned.image.width, aligned.image.height]).toEqual([256, 256]);
    const expected = transformPoints(face.landmarks68, aligned.transform);
    const expectedEyes = [meanPoint(expected.slice(36, 42)), meanPoint(expected.slice(42, 48))];
    // where the FFHQ construction puts the eyes: 10% of eye→mouth above the centre, at this scale
    const { size } = ffhqQuad(face.landmarks68);
    const eyeAverage = meanPoint(face.landmarks68.slice(36, 48));
    const mouthAverage = meanPoint([face.landmarks68[48], face.landmarks68[54]]);
    const eyeToMouth = Math.hypot(mouthAverage[0] - eyeAverage[0], mouthAverage[1] - eyeAverage[1]);
    const eyeLineY = 127.5 - (0.1 * eyeToMouth * 256) / size;
    // re-detect on the aligned pixels: an independent look at where the eyes really are
    const again = await detector.detect(aligned.image);
    expect(again.length).toBeGreaterThanOrEqual(1);
    const lm = again[0].landmarks68;
    const eyes = [meanPoint(lm.slice(36, 42)), meanPoint(lm.slice(42, 48))];
    for (let k = 0; k < 2; k++) {
      expect(Math.abs(eyes[k][0] - expectedEyes[k][0])).toBeLessThan(4);
      expect(Math.abs(eyes[k][1] - expectedEyes[k][1])).toBeLessThan(4);
      expect(Math.abs(eyes[k][1] - eyeLineY)).toBeLessThan(6);
    }
  });
});
