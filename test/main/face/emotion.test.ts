import { describe, expect, it } from 'vitest';
import { OnnxBackend } from '../../../src/main/nn/backend';
import { FaceDetector } from '../../../src/main/face/detect';
import { loadImage } from '../../../src/main/face/image';
import { alignFfhq, transformPoints } from '../../../src/main/face/align';
import { EmotionClassifier, emotionInput, emotionLabels } from '../../../src/main/face/emotion';
import { sharedPath } from '../../helpers/shared';

describe('emotion classifier on aligned crops', () => {
  const backend = new OnnxBackend({ providers: ['cpu'] });
  const detector = new FaceDetector(backend);
  const classifier = new EmotionClassifier(backend);

  const cases: [string, string, (typeof emotionLabels)[number]][] = [
    ['expressions', '2.jpg', 'happy'],
    ['expressions', '8.jpg', 'happy'],
    ['expressions', '4.jpg', 'surprise'],
    ['examples', 'image02673.png', 'surprise'],
    ['examples', 'IMG_0392_inputs.jpg', 'neutral'],
  ];
  it.each(cases)('%s/%s: 7 probabilities, top class %s', async (sub, file, expected) => {
    const image = await loadImage(sharedPath('faces', sub, file));
    const [face] = await detector.detect(image);
    const aligned = await alignFfhq(image, face.landmarks68);
    const p = await classifier.classify(aligned.image, transformPoints(face.landmarks68, aligned.transform));
    expect(Object.keys(p)).toEqual([...emotionLabels]);
    const values = Object.values(p);
    expect(values.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
    for (const v of values) expect(v >= 0 && v <= 1).toBe(true);
    const top = Object.entries(p).sort((a, b) => b[1] - a[1])[0][0];
    expect(top).toBe(expected);
  });

  it('feeds a 64×64 grey face in [−1, 1] cut around the landmarks', () => {
    const image = { width: 100, height: 100, data: new Uint8Array(100 * 100 * 3).fill(255) };
    const lm = Array.from({ length: 68 }, (_, i) => [30 + (i % 10) * 4, 30 + Math.floor(i / 10) * 6]);
    const { data } = emotionInput(image, lm);
    expect(data).toHaveLength(64 * 64);
    expect(Math.max(...data)).toBeCloseTo(1, 3);
  });
});
