import { describe, expect, it } from 'vitest';
import { FlameEvaluator } from '../../../src/common/flame/evaluate';
import { buildDemoHead } from '../../../src/main/flame/demoHead';
import { flameModelFromEntries } from '../../../src/main/flame/loadModel';
import { readNpz, writeNpz } from '../../../src/main/io/npy';

describe('demo head', () => {
  const arrays = buildDemoHead({ columns: 36, headRings: 20, neckRings: 5 });
  const model = flameModelFromEntries(readNpz(writeNpz(arrays)), 'demo_head.npz');

  it('loads as a FLAME-format model with its own landmarks and UVs', () => {
    expect(model.shapeCount).toBe(100);
    expect(model.expressionCount).toBe(50);
    expect(model.landmarks?.binCount).toBe(79);
    expect(model.uv?.faces.length).toBe(model.faces.length);
    expect(Array.from(model.parents)).toEqual([-1, 0, 1, 1, 1]);
    for (let v = 0; v < model.vertexCount; v++) {
      let sum = 0;
      for (let j = 0; j < 5; j++) sum += model.weights[v * 5 + j];
      expect(sum).toBeCloseTo(1, 6);
    }
  });

  it('opens the mouth with the jaw and moves the brows with expression 2', () => {
    const evaluator = new FlameEvaluator(model);
    const rest = evaluator.evaluate({}).landmarks3d.slice();
    // iBUG 63 (upper inner lip) and 67 (lower inner lip), 0-based 62 and 66.
    const gap = (l: Float64Array) => l[62 * 3 + 1] - l[66 * 3 + 1];
    const open = evaluator.evaluate({ pose: [0, 0, 0, 0.3, 0, 0] }).landmarks3d.slice();
    expect(gap(open) - gap(rest)).toBeGreaterThan(0.005);
    const raised = evaluator.evaluate({ expression: [0, 0, 2] }).landmarks3d.slice();
    // Brow landmark 20 (0-based 19) rises, the nose tip (0-based 30) stays.
    expect(raised[19 * 3 + 1] - rest[19 * 3 + 1]).toBeGreaterThan(0.004);
    expect(Math.abs(raised[30 * 3 + 1] - rest[30 * 3 + 1])).toBeLessThan(1e-4);
  });

  it('has landmarks in iBUG layout: chin lowest, eyes above the nose, left on +x', () => {
    const l = new FlameEvaluator(model).evaluate({}).landmarks3d;
    const y = (i: number) => l[i * 3 + 1];
    const x = (i: number) => l[i * 3];
    expect(y(8)).toBeLessThan(y(57));
    expect(y(57)).toBeLessThan(y(33));
    expect(y(33)).toBeLessThan(y(36));
    expect(x(0)).toBeLessThan(0);
    expect(x(16)).toBeGreaterThan(0);
    expect(x(36)).toBeLessThan(x(39));
    expect(x(42)).toBeLessThan(x(45));
  });
});
