import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FlameEvaluator } from '../../../src/common/flame/evaluate';
import { createDecaBuffers, renderDecaBuffers } from '../../../src/common/render/decaBuffers';
import { buildDemoHead } from '../../../src/main/flame/demoHead';
import { loadFlameModel } from '../../../src/main/flame/loadModel';
import { renderFlameTask } from '../../../src/main/flame/renderTask';
import { FlameRenderService } from '../../../src/main/flame/renderTask';
import { workerTasks } from '../../../src/main/app/workerTasks';
import { readNpz } from '../../../src/main/io/npy';

const demoPath = resolve(__dirname, '..', '..', '..', 'resources', 'demo-head', 'demo_head.npz');

describe('the shipped demo head', () => {
  it('is exactly what the generator produces', () => {
    const shipped = readNpz(readFileSync(demoPath));
    const generated = buildDemoHead();
    expect([...shipped.keys()].sort()).toEqual([...generated.keys()].sort());
    for (const [key, array] of generated) {
      const stored = shipped.get(key)!;
      expect(stored.shape, key).toEqual(array.shape);
      const [a, b] = [stored.data as ArrayLike<number | bigint>, array.data as ArrayLike<number | bigint>];
      let differing = 0;
      for (let i = 0; i < b.length; i++) if (a[i] !== b[i]) differing++;
      expect(differing, key).toBe(0);
    }
  });

  it('renders buffers that are non-empty exactly where the mask is and zero outside', async () => {
    const model = await loadFlameModel(demoPath);
    const light = new Float64Array(27);
    for (let c = 0; c < 3; c++) { light[c] = 3; light[9 + c] = 0.5; }
    const frame = new FlameEvaluator(model).evaluate({ pose: [0, 0.3, 0, 0.2, 0, 0], expression: [1, 1], camera: [7, 0, 0], light });
    const size = 128;
    const buffers = renderDecaBuffers({ projected: frame.projected, normals: frame.normals, faces: model.faces, light, uv: model.uv }, createDecaBuffers(size));
    let covered = 0;
    for (let p = 0; p < size * size; p++) {
      const inside = buffers.mask[p] === 1;
      if (inside) covered++;
      for (const image of [buffers.rendered, buffers.normal, buffers.albedo]) {
        const magnitude = Math.abs(image[p * 3]) + Math.abs(image[p * 3 + 1]) + Math.abs(image[p * 3 + 2]);
        if (inside) expect(magnitude).toBeGreaterThan(0);
        else expect(magnitude).toBe(0);
      }
      if (!inside) expect(buffers.depth[p]).toBe(0);
    }
    // The head fills a good part of the frame but not all of it.
    expect(covered / (size * size)).toBeGreaterThan(0.15);
    expect(covered / (size * size)).toBeLessThan(0.8);
  });

  it('renders through the worker task, sending the model only when the worker lacks it', async () => {
    expect(workerTasks.renderFlame).toBe(renderFlameTask);
    const model = await loadFlameModel(demoPath);
    const sent: boolean[] = [];
    const pool = {
      run: (async (task: 'renderFlame', input: Parameters<typeof renderFlameTask>[0]) => {
        sent.push(input.model !== undefined);
        return workerTasks[task](structuredClone(input));
      }) as never,
    };
    const service = new FlameRenderService(pool);
    const key = `demo-${Date.now()}`;
    const first = await service.render(key, model, { camera: [7, 0, 0] }, { size: 64 });
    await service.render(key, model, { camera: [7, 0, 0], expression: [1] }, { size: 64 });
    expect(sent).toEqual([false, true, false]);
    expect(first.buffers.mask.reduce((a, b) => a + b, 0)).toBeGreaterThan(500);
    // Landmarks land inside the face (in pixels of the 64² image).
    for (let l = 0; l < 68; l++) {
      const [x, y] = [first.landmarks[l * 2], first.landmarks[l * 2 + 1]];
      expect(first.buffers.mask[Math.floor(y) * 64 + Math.floor(x)], `landmark ${l}`).toBe(1);
    }
  });
});
