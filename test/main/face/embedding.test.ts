import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { OnnxBackend } from '../../../src/main/nn/backend';
import { FaceDetector } from '../../../src/main/face/detect';
import type { RgbImage } from '../../../src/main/face/image';
import { loadImage } from '../../../src/main/face/image';
import { alignFfhq, transformPoints } from '../../../src/main/face/align';
import { cosineSimilarity, embeddingInput, FaceEmbedder } from '../../../src/main/face/embedding';
import { sharedPath } from '../../helpers/shared';

describe('face embedding (faceres) on aligned crops', () => {
  const backend = new OnnxBackend({ providers: ['cpu'] });
  const detector = new FaceDetector(backend);
  const embedder = new FaceEmbedder(backend);

  async function embedding(image: RgbImage): Promise<Float32Array> {
    const [face] = await detector.detect(image);
    const aligned = await alignFfhq(image, face.landmarks68);
    return embedder.embed(aligned.image, transformPoints(face.landmarks68, aligned.transform));
  }
  const photo = (sub: string, file: string) => loadImage(sharedPath('faces', sub, file));

  /** The photo shifted by (dx, dy) inside a larger canvas and resized to `size` pixels wide. */
  async function shiftedResized(sub: string, file: string, dx: number, dy: number, size: number): Promise<RgbImage> {
    const { data, info } = await sharp(sharedPath('faces', sub, file))
      .removeAlpha()
      .extend({ left: dx, top: dy, right: 0, bottom: 0, extendWith: 'mirror' })
      .resize(size)
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { width: info.width, height: info.height, data: new Uint8Array(data) };
  }

  it('same photo → 1; the same photo shifted, resized or cropped differently stays far above different people', async () => {
    const self = await embedding(await photo('expressions', '3.jpg'));
    expect(self).toHaveLength(1024);
    expect(cosineSimilarity(self, await embedding(await photo('expressions', '3.jpg')))).toBeGreaterThan(0.9999);
    // examples/alfw2.png is the same photo as expressions/3.jpg, cropped and stored at 224 px
    const sameDifferentCrop = cosineSimilarity(self, await embedding(await photo('examples', 'alfw2.png')));
    const sameShifted = cosineSimilarity(self, await embedding(await shiftedResized('expressions', '3.jpg', 23, 11, 320)));
    const others = [['expressions', '0.jpg'], ['expressions', '6.jpg'], ['examples', 'alfw1.png'], ['examples', 'image02673.png'], ['examples', 'IMG_0392_inputs.jpg']];
    const different: number[] = [];
    for (const [sub, file] of others) different.push(cosineSimilarity(self, await embedding(await photo(sub, file))));
    console.log(`identity cosine: same photo other crop ${sameDifferentCrop.toFixed(3)}, shifted+resized ${sameShifted.toFixed(3)}, different people ${different.map((d) => d.toFixed(3)).join(' ')}`);
    expect(sameDifferentCrop).toBeGreaterThan(0.9);
    expect(sameShifted).toBeGreaterThan(0.9);
    expect(Math.max(...different)).toBeLessThan(0.6);
    expect(Math.min(sameDifferentCrop, sameShifted) - Math.max(...different)).toBeGreaterThan(0.3);
  });

  it('feeds an NCHW 224² RGB face in [0, 255] cut around the landmarks', () => {
    const image = { width: 100, height: 100, data: new Uint8Array(100 * 100 * 3) };
    for (let i = 0; i < 100 * 100; i++) image.data[3 * i] = 200; // red plane only
    const lm = Array.from({ length: 68 }, (_, i) => [30 + (i % 10) * 4, 30 + Math.floor(i / 10) * 6]);
    const data = embeddingInput(image, lm);
    expect(data).toHaveLength(3 * 224 * 224);
    expect(data[224 * 112 + 112]).toBeCloseTo(200, 3);
    expect(data[224 * 224 + 224 * 112 + 112]).toBe(0);
  });

  it('cosine similarity: 1 for parallel, 0 for orthogonal, error on mismatched lengths', () => {
    expect(cosineSimilarity(Float32Array.of(1, 2), Float32Array.of(2, 4))).toBeCloseTo(1, 6);
    expect(cosineSimilarity(Float32Array.of(1, 0), Float32Array.of(0, 3))).toBe(0);
    expect(() => cosineSimilarity(Float32Array.of(1), Float32Array.of(1, 2))).toThrow(/different lengths/);
  });
});
