import { describe, expect, it } from 'vitest';
import { fittedCanvasSize } from '../../../src/renderer/src/viewport/layout';

describe('fittedCanvasSize', () => {
  it('fits the canvas under the chrome of a 900-px window, in 32-px steps, within bounds', () => {
    expect(fittedCanvasSize(900)).toBe(576);
    expect(fittedCanvasSize(900) + 300).toBeLessThanOrEqual(900);
    expect(fittedCanvasSize(500)).toBe(384);
    expect(fittedCanvasSize(2000)).toBe(768);
    expect(fittedCanvasSize(1080) % 32).toBe(0);
  });
});
