import { describe, expect, it } from 'vitest';
import { main } from '../../../src/main/cli/main';
import { emotionLabels } from '../../../src/main/face/emotion';
import { sharedPath } from '../../helpers/shared';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

describe('rig-studio detect', () => {
  it('prints {"faces": [{box, score, landmarks68, emotion}]} in image pixels with --json', async () => {
    const c = capture();
    expect(await main(['detect', sharedPath('faces', 'expressions', '4.jpg'), '--json'], c.io)).toBe(0);
    const result = JSON.parse(c.out.join('\n'));
    expect(Object.keys(result)).toEqual(['faces']);
    expect(result.faces).toHaveLength(1);
    const face = result.faces[0];
    expect(Object.keys(face)).toEqual(['box', 'score', 'landmarks68', 'emotion']);
    const [x, y, w, h] = face.box;
    // the 2444×1718 photo: a big face in the middle
    expect(w).toBeGreaterThan(500);
    expect(x + w / 2).toBeGreaterThan(1000);
    expect(x + w / 2).toBeLessThan(1450);
    expect(y).toBeGreaterThan(0);
    expect(h).toBeGreaterThan(500);
    expect(face.score).toBeGreaterThan(0.5);
    expect(face.landmarks68).toHaveLength(68);
    for (const p of face.landmarks68) expect(p).toHaveLength(2);
    expect(Object.keys(face.emotion)).toEqual([...emotionLabels]);
  });

  it('reports a file that is not an image, and wrong usage', async () => {
    const c = capture();
    expect(await main(['detect', sharedPath('fixtures', 'deca-a', 'io.npz')], c.io)).toBe(1);
    expect(c.err.join('\n')).toMatch(/io\.npz: cannot read as an image/);
    const d = capture();
    expect(await main(['detect'], d.io)).toBe(2);
  });
});
