import { describe, expect, it } from 'vitest';
import { BufferRenderer } from '../../../src/renderer/src/viewport/rig/bufferImages';
import { neutralCodes } from '../../../src/renderer/src/viewport/rig/rigStore';
import { defaultLight, setLightDirection } from '../../../src/common/flame/light';
import { tinyModel } from './tinyModel';

describe('buffer images for the panels', () => {
  const model = tinyModel();
  const size = 48;

  function render(light = defaultLight()) {
    const codes = neutralCodes();
    codes.camera.set([6, 0, 0]);
    codes.light.set(light);
    return new BufferRenderer(model, null).render(codes, size);
  }

  it('covers part of the image and leaves the rest black, as the buffers do', () => {
    const images = render();
    expect(images.coverage).toBeGreaterThan(10);
    expect(images.coverage).toBeLessThan(size * size);
    let black = 0;
    for (let p = 0; p < size * size; p++) {
      const q = p * 4;
      expect(images.rendered[q + 3]).toBe(255);
      if (images.normal[q] + images.normal[q + 1] + images.normal[q + 2] === 0) black++;
    }
    expect(black).toBe(size * size - images.coverage);
    // Flat albedo 0.7 where the head is.
    const covered = Array.from({ length: size * size }, (_, p) => p).find((p) => images.normal[p * 4] > 0)!;
    expect(Math.abs(images.albedo[covered * 4] - 0.7 * 255)).toBeLessThanOrEqual(0.5);
  });

  it('moving the light changes the rendered buffer only', () => {
    const front = render();
    const side = defaultLight();
    setLightDirection(side, [1, 0, 0]);
    const lit = render(side);
    expect(lit.normal).toEqual(front.normal);
    expect(lit.albedo).toEqual(front.albedo);
    expect(lit.rendered).not.toEqual(front.rendered);
  });
});
