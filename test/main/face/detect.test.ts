import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { OnnxBackend } from '../../../src/main/nn/backend';
import { FaceDetector } from '../../../src/main/face/detect';
import type { RgbImage } from '../../../src/main/face/image';
import { loadImage } from '../../../src/main/face/image';
import { blazeFaceAnchors, decodeBlazeFace, nonMaxSuppression } from '../../../src/main/face/blazeface';
import { meanPoint } from '../../../src/main/face/geometry';
import { sharedPath } from '../../helpers/shared';

const photos = ['examples', 'expressions'].flatMap((sub) => readdirSync(sharedPath('faces', sub)).map((f) => join(sharedPath('faces', sub), f)));

describe('BlazeFace decoding', () => {
  it('builds 896 anchors at cell centres, 16×16×2 then 8×8×6', () => {
    const a = blazeFaceAnchors(256);
    expect(a).toHaveLength(896);
    expect(a[0]).toEqual([8, 8]);
    expect(a[1]).toEqual([8, 8]);
    expect(a[2]).toEqual([24, 8]);
    expect(a[512]).toEqual([16, 16]);
    expect(a[895]).toEqual([240, 240]);
  });

  it('decodes offsets from the anchor and merges overlapping boxes', () => {
    const anchors = blazeFaceAnchors(256);
    const regressors = new Float32Array(896 * 16);
    const logits = new Float32Array(896).fill(-10);
    const put = (i: number, dx: number, size: number, logit: number) => {
      regressors.set([dx, 0, size, size, -5, -5, 5, -5, 0, 0, 0, 5, -9, 0, 9, 0], i * 16);
      logits[i] = logit;
    };
    put(100, 2, 40, 3);
    put(101, 4, 40, 1);
    put(700, 0, 60, 2);
    const decoded = decodeBlazeFace(regressors, logits, anchors, 0.5);
    expect(decoded).toHaveLength(3);
    const [ax, ay] = anchors[100];
    expect(decoded[0].box).toEqual({ x: ax + 2 - 20, y: ay - 20, width: 40, height: 40 });
    expect(decoded[0].keypoints[1]).toEqual([ax + 5, ay - 5]);
    const kept = nonMaxSuppression(decoded, 0.3, 10);
    expect(kept).toHaveLength(2);
    expect(kept[0].score).toBeCloseTo(1 / (1 + Math.exp(-3)), 6);
    // score-weighted mean of the two merged boxes lies between them
    expect(kept[0].box.x).toBeGreaterThan(ax + 2 - 20);
    expect(kept[0].box.x).toBeLessThan(ax + 4 - 20);
    expect(() => decodeBlazeFace(regressors, logits.subarray(1), anchors, 0.5)).toThrow(/anchors/);
  });
});

describe('face detection and 68 landmarks on ../shared/faces', () => {
  const detector = new FaceDetector(new OnnxBackend({ providers: ['cpu'] }));

  it.each(photos.map((p) => [p.split('/').slice(-2).join('/'), p]))('%s: exactly one face with plausible landmarks', async (_name, path) => {
    const image = await loadImage(path);
    const faces = await detector.detect(image);
    expect(faces).toHaveLength(1);
    const { box, landmarks68: lm } = faces[0];
    expect(lm).toHaveLength(68);
    const eyes = meanPoint(lm.slice(36, 48));
    const nose = lm[30];
    const mouth = meanPoint(lm.slice(48, 60));
    expect(eyes[1]).toBeLessThan(nose[1]);
    expect(nose[1]).toBeLessThan(mouth[1]);
    expect(meanPoint(lm.slice(36, 42))[0]).toBeLessThan(meanPoint(lm.slice(42, 48))[0]);
    // every landmark inside the detector's box (grown by 15% of its size for the chin and jaw)
    const mx = box.width * 0.15;
    const my = box.height * 0.15;
    for (const [x, y] of lm) {
      expect(x).toBeGreaterThan(box.x - mx);
      expect(x).toBeLessThan(box.x + box.width + mx);
      expect(y).toBeGreaterThan(box.y - my);
      expect(y).toBeLessThan(box.y + box.height + my);
    }
    // the eyes are apart by a sane share of the box
    const eyeDistance = Math.hypot(...([0, 1].map((k) => meanPoint(lm.slice(42, 48))[k] - meanPoint(lm.slice(36, 42))[k])) as [number, number]);
    expect(eyeDistance / box.width).toBeGreaterThan(0.2);
    expect(eyeDistance / box.width).toBeLessThan(0.7);
  });

  it('finds two faces in two photos side by side, none in a blank image', async () => {
    const a = await loadImage(sharedPath('faces', 'expressions', '0.jpg'));
    const b = await loadImage(sharedPath('faces', 'expressions', '8.jpg'));
    const both: RgbImage = { width: a.width + b.width, height: Math.max(a.height, b.height), data: new Uint8Array((a.width + b.width) * Math.max(a.height, b.height) * 3) };
    for (const [img, x0] of [[a, 0], [b, a.width]] as const) {
      for (let y = 0; y < img.height; y++) both.data.set(img.data.subarray(y * img.width * 3, (y + 1) * img.width * 3), (y * both.width + x0) * 3);
    }
    const faces = await detector.detect(both);
    expect(faces).toHaveLength(2);
    const centres = faces.map((f) => meanPoint(f.landmarks68)[0]).sort((p, q) => p - q);
    expect(centres[0]).toBeLessThan(a.width);
    expect(centres[1]).toBeGreaterThan(a.width);
    const blank: RgbImage = { width: 300, height: 200, data: new Uint8Array(300 * 200 * 3).fill(128) };
    expect(await detector.detect(blank)).toHaveLength(0);
  });
});
